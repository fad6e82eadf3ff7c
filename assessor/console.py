"""Console output shared by the commands: errors on one line, progress only where wanted."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

# Markup only where a print asks for it (markup=True, dynamic parts escaped): what is printed
# quotes paths, URLs and portals' text, in which `[/x]` is text, not a closing tag.
# soft_wrap: a line is never folded at Rich's width (80 columns without a terminal), so that an
# error, a note or the load plan a remote worker copies stays one line for grep and for scripts.
console = Console(markup=False, soft_wrap=True)
error_console = Console(stderr=True, markup=False, soft_wrap=True)

EXIT_OK = 0
EXIT_GATE = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print a one-line error and return the Exit to raise (never a traceback for the user)."""
    # The message often quotes what the user gave or a portal sent: never read as Rich markup.
    error_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(code)


def live_progress_wanted(no_progress: bool) -> bool:
    return not no_progress and os.environ.get("CI", "").lower() not in ("true", "1") and sys.stderr.isatty()


@contextmanager
def progress_line(description: str, enabled: bool) -> Iterator[callable]:
    """Yields a function to update the progress line; a no-op when disabled (CI, pipes)."""
    if not enabled:
        yield lambda message: None
        return
    with Progress(
        # The description quotes URLs a portal links to: shown as they are, never read as markup.
        SpinnerColumn(), TextColumn("{task.description}", markup=False), TimeElapsedColumn(), console=error_console,
        transient=True,
    ) as progress:
        task = progress.add_task(description)
        yield lambda message: progress.update(task, description=f"{description}: {message}"[:120])
