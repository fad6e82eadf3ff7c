"""The live progress line shows what it is given as it is: it quotes URLs a portal links to."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from assessor import console


def test_the_progress_line_shows_a_portal_s_url_with_brackets_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """`/tin-tuc[/x]` is a path a portal may link to; read as Rich markup it is a closing tag with
    nothing open, and the live display raised MarkupError while assessor ran."""
    screen = io.StringIO()
    monkeypatch.setattr(console, "error_console", Console(file=screen, force_terminal=True, width=200))
    with console.progress_line("assessing https://dichvucong.example.gov.vn/", enabled=True) as progress:
        progress("2/20 https://dichvucong.example.gov.vn/tin-tuc[/x] [bold")
    assert "tin-tuc[/x] [bold" in screen.getvalue()
