"""The per-portal report as Chromium shows it: on a phone's width and on paper."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PIL import Image

from assessor.collect.browser import BrowserOptions, BrowserSession, find_browser
from assessor.criteria import load_rubric
from assessor.model import Evidence
from assessor.report.html_report import render_html
from assessor.scoring import score
from tests.builders import make_snapshot, page
from tests.core.rubric_fixtures import criterion, rubric_data, write_rubric

PHONE = {"width": 375, "height": 800}
WIDE_ROW = {f"column {index}": f"https://p.gov.vn/{'rat-dai-' * 6}{index}" for index in range(8)}


def report_file(tmp_path: Path) -> Path:
    """A report whose passing criterion (evidence closed) holds a full-size screenshot and a
    table of eight long columns."""
    rubric = load_rubric(write_rubric(tmp_path, rubric_data([criterion("a.1", 60)], [criterion("b.1", 40, "fail", 0)])))
    snapshot = make_snapshot(page())
    snapshot.folder = tmp_path / "snapshot"
    (snapshot.folder / "screenshots").mkdir(parents=True)
    Image.new("RGB", (1280, 800), "white").save(snapshot.folder / "screenshots" / "001.jpg")
    assessment = score(rubric, snapshot)
    assessment.groups[0].criteria[0].evidence = [
        Evidence(kind="screenshot", label="trang", path="screenshots/001.jpg"),
        Evidence(kind="table", label="bảng", value=[WIDE_ROW, WIDE_ROW]),
    ]
    path = tmp_path / "report.html"
    path.write_text(render_html(assessment, snapshot, rubric, "vi"), encoding="utf-8")
    return path


def test_a_phone_does_not_scroll_sideways_and_paper_shows_every_piece_of_evidence(tmp_path: Path) -> None:
    """A screenshot 360 px wide in a 375 px screen (less the margins) made the whole report scroll
    sideways; on paper, the evidence of every passing criterion (closed on screen) was missing."""
    path = report_file(tmp_path)

    async def look() -> tuple[int, int, bool, bool]:
        async with BrowserSession(BrowserOptions(executable=find_browser().path)) as session:
            context = await session.new_context(viewport=PHONE)
            tab = await context.new_page()
            await tab.goto(path.as_uri())
            await tab.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
            page_width = await tab.evaluate("() => document.documentElement.scrollWidth")
            await tab.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = false; })")
            shown_on_screen = await tab.locator("#a\\.1 ul.evidence").evaluate("(e) => e.checkVisibility()")
            await tab.emulate_media(media="print")
            shown_on_paper = await tab.locator("#a\\.1 ul.evidence").evaluate("(e) => e.checkVisibility()")
            await context.close()
            return page_width, PHONE["width"], shown_on_screen, shown_on_paper

    page_width, screen_width, shown_on_screen, shown_on_paper = asyncio.run(look())
    assert page_width <= screen_width
    assert not shown_on_screen and shown_on_paper
