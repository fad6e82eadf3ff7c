"""Layout end to end: the good sample portal and one with the layout defects switched on."""

from __future__ import annotations

import pytest

from assessor.checks.registry import get_check
from assessor.model import Status
from tests.accessibility.portal_runs import PortalRun, portal_run
from tests.builders import params_of

LAYOUT_CHECKS = (
    "layout.header_identity",
    "layout.navigation_search",
    "layout.footer_contacts",
    "layout.consistency",
    "layout.sitemap_links",
    "layout.mobile_rendering",
)


def judge(run: PortalRun) -> dict[str, object]:
    return {check_id: get_check(check_id).function(run.snapshot, params_of(check_id)) for check_id in LAYOUT_CHECKS}


@pytest.fixture(scope="module")
def good() -> PortalRun:
    return portal_run("good", ("viewport", "addresses"))


def test_good_portal_passes_every_layout_criterion(good: PortalRun) -> None:
    findings = judge(good)
    assert {check_id: str(f.status) for check_id, f in findings.items()} == {
        check_id: "pass" for check_id in LAYOUT_CHECKS
    }
    footer = {
        row["thành phần / element"]: row["chi tiết / detail"]
        for row in findings["layout.footer_contacts"].evidence[0].value
    }
    assert footer["email"] == "vanphong@lamha.gov.vn" and "822" in footer["phone"]
    mobile = findings["layout.mobile_rendering"].evidence[0]
    assert mobile.kind == "screenshot" and (good.snapshot.folder / mobile.path).is_file()


def test_layout_defects_fail_or_partly_pass() -> None:
    run = portal_run(
        "good",
        max_pages=3,
        no_agency_header=True,
        no_footer_contacts=True,
        no_search_box=True,
        no_breadcrumbs=True,
        no_sitemap=True,
    )
    findings = judge(run)
    assert findings["layout.header_identity"].status == Status.FAIL
    assert findings["layout.footer_contacts"].status == Status.FAIL
    assert findings["layout.navigation_search"].status == Status.PARTIAL
    assert "search box" in findings["layout.navigation_search"].message.en
    assert findings["layout.consistency"].status == Status.PARTIAL
    assert "0/" in findings["layout.consistency"].message.en  # no inner page has breadcrumbs
    assert findings["layout.sitemap_links"].status == Status.PARTIAL
    assert "sitemap" in findings["layout.sitemap_links"].message.en
    # The viewport gatherer did not run for this snapshot: not measured, not a failure.
    assert findings["layout.mobile_rendering"].status == Status.NEEDS_REVIEW


def test_inconsistent_header_and_fixed_width_mobile() -> None:
    inconsistent = judge(portal_run("good", max_pages=3, inconsistent_header=True))
    assert inconsistent["layout.consistency"].status == Status.PARTIAL
    assert any(
        row["giống trang chủ / similarity"] < 0.8 for row in inconsistent["layout.consistency"].evidence[0].value
    )
    fixed = judge(portal_run("inaccessible", ("viewport", "addresses")))
    assert fixed["layout.mobile_rendering"].status == Status.PARTIAL
    assert fixed["layout.mobile_rendering"].evidence[1].value.split("/")[0].strip() != "375px"
