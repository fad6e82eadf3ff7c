"""The live progress line shows what it is given as it is: it quotes URLs a portal links to."""

from __future__ import annotations

import io
import os
import subprocess
import sys

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


def test_lines_written_to_a_file_or_a_pipe_stay_whole() -> None:
    """Errors, notes and the load plan a remote worker copies are read by grep and by scripts:
    folded at 80 columns (Rich's width without a terminal), a problem took two lines and the
    plan's value broke where it was cut."""
    long_line = "error: p.yaml: line 12: portal hanoi: url: " + "x" * 150 + " and the rest of the sentence"
    script = ("import sys; from assessor.console import console, error_console; "
              "console.print(sys.argv[1], highlight=False); error_console.print(sys.argv[1], highlight=False)")
    shown = subprocess.run([sys.executable, "-c", script, long_line], capture_output=True, text=True, check=True,
                           env={**os.environ, "COLUMNS": ""})
    assert shown.stdout == long_line + "\n"
    assert shown.stderr == long_line + "\n"
