"""A portal's folder holds one run, the last that finished: its snapshot and its report files.

A run collects into a folder of its own and puts it in place only once it has finished, so a
run stopped midway leaves the previous one as it was; and a report file of a format not asked
for this time, which would describe an older run, is removed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assessor.assess import portal_from_url
from tests.builders import quick_rubric_file
from tests.core.local_site import serve_site

pytestmark = pytest.mark.timeout(300)

PAGE = "<html lang='vi'><head><title>Cổng thử</title></head><body><h1>Dịch vụ công</h1></body></html>"


def run(url: str, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assessor", "run", url, "--criteria", str(quick_rubric_file(out)), "--out", str(out),
         "--max-pages", "1", "--no-progress", *args],
        env=os.environ | {"CI": "true"}, capture_output=True, text=True, timeout=240, check=False)


def test_a_run_replaces_the_last_runs_snapshot_and_removes_the_reports_of_formats_not_asked_for(
        tmp_path: Path) -> None:
    with serve_site({"/": (200, {}, PAGE)}) as site:
        folder = tmp_path / portal_from_url(site + "/").id
        first = run(site + "/", tmp_path, "--format", "json,html,junit")
        assert first.returncode == 0, first.stderr
        assert {path.name for path in folder.iterdir()} == {"assessment.json", "report.html", "junit.xml", "snapshot"}
        older_page = folder / "snapshot" / "pages" / "099.html"
        older_page.write_text("a page of an older run", encoding="utf-8")
        second = run(site + "/", tmp_path, "--format", "json")
    assert second.returncode == 0, second.stderr
    assert {path.name for path in folder.iterdir()} == {"assessment.json", "snapshot"}
    assert not older_page.exists()
    assert (folder / "snapshot" / "snapshot.json").is_file()
