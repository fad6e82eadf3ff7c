"""Accessibility end to end: the good and the inaccessible sample portal, crawled and measured by
the real browser (axe-core, 320 px, 200 % text, Tab through the page, mobile screenshot)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

import pytest

from assessor.checks.registry import get_check
from assessor.collect.viewport import look_up_addresses
from assessor.criteria import load_rubric
from assessor.model import Finding, Status
from assessor.report.html_report import render_html
from assessor.scoring import score
from assessor.snapshot import CollectSettings
from tests.accessibility.portal_runs import PortalRun, portal_run
from tests.builders import make_snapshot, page, params_of

GATHERERS = ("viewport", "addresses")


@pytest.fixture(scope="module")
def good() -> PortalRun:
    return portal_run("good", GATHERERS)


@pytest.fixture(scope="module")
def inaccessible() -> PortalRun:
    return portal_run("inaccessible", GATHERERS)


def judge(run: PortalRun, check_id: str) -> Finding:
    return get_check(check_id).function(run.snapshot, params_of(check_id))


def test_axe_finds_nothing_on_the_good_portal(good: PortalRun) -> None:
    finding = judge(good, "accessibility.axe")
    assert finding.status == Status.PASS
    assert finding.evidence[2].value.startswith("4.")


def test_axe_violations_name_the_failing_elements_in_vietnamese(inaccessible: PortalRun) -> None:
    finding = judge(inaccessible, "accessibility.axe")
    assert finding.status in (Status.PARTIAL, Status.FAIL)
    rows = {row["quy tắc / rule"]: row for row in finding.evidence[0].value}
    assert {"image-alt", "html-has-lang", "color-contrast"} <= set(rows)
    assert rows["image-alt"]["mô tả / help"] == "Hình ảnh phải có văn bản thay thế (thuộc tính alt)"
    assert "<img" in rows["image-alt"]["phần tử lỗi / failing elements"]


def test_language_declared(good: PortalRun, inaccessible: PortalRun) -> None:
    assert judge(good, "accessibility.lang").status == Status.PASS
    assert judge(inaccessible, "accessibility.lang").status == Status.FAIL


def test_reflow_at_320_px_and_200_percent_text(good: PortalRun, inaccessible: PortalRun) -> None:
    assert judge(good, "accessibility.responsive").status == Status.PASS
    finding = judge(inaccessible, "accessibility.responsive")
    assert finding.status in (Status.PARTIAL, Status.FAIL)
    narrow = [row for row in finding.evidence[0].value if row["điều kiện / condition"] == "width 320px"]
    assert narrow and all(row["cuộn ngang / scrolls"] for row in narrow)
    assert all(row["bề rộng cuộn / scroll width"] > 320 for row in narrow)


def test_text_cut_off_at_200_percent_fails_the_zoom_half_only() -> None:
    clipped = portal_run("good", ("viewport",), clipped_on_zoom=True)
    finding = judge(clipped, "accessibility.responsive")
    assert finding.status == Status.PARTIAL and finding.fraction == pytest.approx(0.5)
    rows = finding.evidence[0].value
    zoomed = [row for row in rows if row["điều kiện / condition"] == "text 200%"]
    narrow = [row for row in rows if row["điều kiện / condition"] == "width 320px"]
    assert zoomed and all("main-nav" in row["chữ bị cắt / clipped text"] for row in zoomed)
    assert narrow and not any(row["chữ bị cắt / clipped text"] or row["cuộn ngang / scrolls"] for row in narrow)
    assert "text 200% clips text" in finding.message.en


def test_keyboard_focus_and_skip_link(good: PortalRun, inaccessible: PortalRun) -> None:
    finding = judge(good, "accessibility.keyboard")
    assert finding.status == Status.PASS
    facts = good.snapshot.access.viewport
    assert facts.skip_link is not None and facts.skip_link.first_focus and facts.skip_link.target_exists
    assert {"nav", "form"} <= {stop.region for stop in facts.focus_stops}
    assert len(facts.tabbed_pages) == 2  # the home page and a page with a form
    bad = judge(inaccessible, "accessibility.keyboard")
    assert bad.status == Status.FAIL
    assert inaccessible.snapshot.access.viewport.skip_link is None
    assert not any(stop.visible for stop in inaccessible.snapshot.access.viewport.focus_stops)


def test_portal_reached_by_ip_is_not_looked_up_and_scores_no_domain(good: PortalRun) -> None:
    addresses = good.snapshot.access.addresses
    assert addresses is not None and addresses.host == "127.0.0.1" and addresses.not_looked_up
    assert judge(good, "accessibility.network_access").status == Status.FAIL


def test_a_host_mapped_by_resolve_is_not_looked_up(tmp_path: Path) -> None:
    snapshot = make_snapshot(page("https://dichvucong.lamha.gov.vn/"))
    ctx = SimpleNamespace(settings=CollectSettings(resolve={"dichvucong.lamha.gov.vn": "127.0.0.1:8443"}))
    asyncio.run(look_up_addresses(snapshot, ctx))
    assert snapshot.access.addresses.not_looked_up == "--resolve dichvucong.lamha.gov.vn=127.0.0.1:8443"
    finding = get_check("accessibility.network_access").function(snapshot, params_of("accessibility.network_access"))
    assert finding.status == Status.PARTIAL  # .gov.vn, IPv6 unknown


def test_report_shows_axe_elements_and_the_mobile_screenshot(good: PortalRun, inaccessible: PortalRun) -> None:
    rubric = load_rubric()
    html = render_html(score(rubric, inaccessible.snapshot), inaccessible.snapshot, rubric, "vi")
    assert "image-alt" in html and "Hình ảnh phải có văn bản thay thế" in html
    shot = good.snapshot.folder / good.snapshot.access.viewport.mobile_screenshot
    assert shot.read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG
    good_html = render_html(score(rubric, good.snapshot), good.snapshot, rubric, "vi")
    assert "Ảnh chụp trên di động" in good_html and good_html.count("data:image/jpeg;base64") >= 2
