"""Writing an assessment's outputs: one renderer per format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assessor.criteria import Rubric
from assessor.model import Assessment
from assessor.report.html_report import render_html
from assessor.report.junit import render_junit
from assessor.report.sarif import render_sarif
from assessor.snapshot import Snapshot

Renderer = Callable[[Assessment, Snapshot | None, Rubric, str], str]


def render_json(assessment: Assessment, snapshot: Snapshot | None, rubric: Rubric, lang: str) -> str:
    return assessment.to_json()


# Format name -> (file name, renderer). CI formats (JUnit, SARIF) add themselves here.
FORMATS: dict[str, tuple[str, Renderer]] = {
    "json": ("assessment.json", render_json),
    "html": ("report.html", render_html),
    "junit": ("junit.xml", render_junit),
    "sarif": ("assessor.sarif", render_sarif),
}


def write_outputs(
    assessment: Assessment,
    snapshot: Snapshot | None,
    rubric: Rubric,
    folder: Path,
    formats: tuple[str, ...] | list[str],
    lang: str = "vi",
) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, (file_name, renderer) in FORMATS.items():
        path = folder / file_name
        if name in formats:
            path.write_text(renderer(assessment, snapshot, rubric, lang), encoding="utf-8")
            written[name] = path
        else:
            path.unlink(missing_ok=True)  # an older run's: the folder's reports are all of this one
    return written
