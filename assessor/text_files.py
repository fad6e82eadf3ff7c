"""The files people write for assessor (criteria, portal lists, login recipes, reviews), read as text.

They come from editors and spreadsheets as often as from programmers: a byte-order mark (Notepad,
Excel's "CSV UTF-8") is accepted, and a file in a legacy code page (Windows-1258, which Excel's
plain "CSV" and older Vietnamese editors write) is refused naming its first bad line, never a
traceback. Each caller turns the error into its own one-line message.
"""

from __future__ import annotations

from pathlib import Path


class NotUtf8Error(ValueError):
    """The file is not UTF-8 text; `line` is the line of its first byte that is not."""

    def __init__(self, path: Path, line: int) -> None:
        super().__init__(f"{path}:{line}: not UTF-8 text")
        self.line = line


def read_user_text(path: Path) -> str:
    """UTF-8 text, with or without a byte-order mark. Raises OSError or NotUtf8Error."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotUtf8Error(path, data[: exc.start].count(b"\n") + 1) from None
