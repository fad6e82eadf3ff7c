"""What the commands are given, checked before any work starts: each problem is one line and
exit code 2, never a traceback once a crawl or a load test has run."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from assessor.collect.browser import BROWSER_ENV
from assessor.collect.http import ca_bundle_problem
from assessor.console import fail
from assessor.criteria import CriteriaError, Rubric, load_rubric
from assessor.portals import http_url_problem

NoProgressOption = Annotated[bool, typer.Option("--no-progress", help="No live display (implied by CI=true).")]
BrowserOption = Annotated[
    str | None, typer.Option("--browser", help=f"Chromium executable (or set {BROWSER_ENV}).", envvar=BROWSER_ENV)
]
LANGUAGES = ("vi", "en")


def lang_or_exit(lang: str | None) -> str | None:
    """--lang, checked as it is parsed (every command writing a report takes it)."""
    if lang is not None and lang not in LANGUAGES:
        raise fail(f"--lang must be vi or en, got {lang!r}")
    return lang


LangOption = Annotated[str, typer.Option("--lang", help="Report language: vi or en.", callback=lang_or_exit)]
# For commands on a stored campaign, whose own language is the default.
OwnLangOption = Annotated[str | None, typer.Option(
    "--lang", help="Report language: vi or en (default: the campaign's own).", callback=lang_or_exit)]
UserAgentOption = Annotated[str | None, typer.Option(
    "--user-agent", help="User-Agent for the browser and every request (default: Chrome's own, naming assessor).")]


def user_agent_or_exit(user_agent: str | None) -> str | None:
    """An HTTP header's value: printable ASCII, on one line."""
    if user_agent is not None and not (user_agent.strip() and user_agent.isascii() and user_agent.isprintable()):
        raise fail(f"--user-agent must be printable ASCII on one line (an HTTP header), got {user_agent!r}")
    return user_agent.strip() if user_agent else None


def rubric_or_exit(path: Path | str | None) -> Rubric:
    """The rubric of `path` (the bundled one without), or its one-line error."""
    try:
        return load_rubric(path)
    except CriteriaError as exc:
        raise fail(str(exc)) from None


def url_or_exit(url: str) -> str:
    if problem := http_url_problem(url):
        raise fail(f"{problem} (example: https://dichvucong.example.gov.vn/)")
    return url


def ca_bundle_or_exit(ca_bundle: Path | None) -> Path | None:
    if ca_bundle is not None and (problem := ca_bundle_problem(ca_bundle)):
        raise fail(f"--ca-bundle {ca_bundle}: {problem}")
    return ca_bundle


def out_folder_or_exit(folder: Path) -> Path:
    """--out, made now if need be: a folder assessor cannot write to (a file of that name, no
    permission) is said now, not when the first result is saved."""
    if folder.exists() and not folder.is_dir():
        raise fail(f"--out {folder}: is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise fail(f"--out {folder}: cannot write there: {exc.strerror or exc}") from None
    return folder
