"""EMC end to end: the sample portal in each EMC mode, crawled by the real browser, with the real
EMC host name routed by --resolve to the portal's stand-in collector (nothing leaves 127.0.0.1)."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import pytest

from assessor.checks.emc import EmcParams
from assessor.checks.registry import get_check
from assessor.collect.http import http_client
from assessor.criteria import load_rubric
from assessor.model import Finding, Status
from assessor.report.html_report import render_html
from assessor.sample_portal.server import SamplePortal
from assessor.scoring import score
from assessor.snapshot import CollectSettings
from tests.accessibility.portal_runs import PortalRun, portal_run
from tests.builders import params_of

EMC_HOST = EmcParams().tracker_hosts[0]
EMC_CHECKS = ("emc.snippet", "emc.configuration", "emc.hits", "emc.coverage", "emc.badge", "emc.track_dvc")


def judge(run: PortalRun) -> dict[str, Finding]:
    return {check_id: get_check(check_id).function(run.snapshot, params_of(check_id)) for check_id in EMC_CHECKS}


def statuses(findings: dict[str, Finding]) -> dict[str, str]:
    return {check_id: str(finding.status) for check_id, finding in findings.items()}


@pytest.fixture(scope="module")
def complete() -> PortalRun:
    return portal_run("good", ("viewport", "addresses"))


def variant(**flags: object) -> PortalRun:
    return portal_run("good", max_pages=2, **flags)


def test_complete_connection_passes_every_emc_criterion(complete: PortalRun) -> None:
    findings = judge(complete)
    assert statuses(findings) == {check_id: "pass" for check_id in EMC_CHECKS}
    assert findings["emc.configuration"].evidence[0].value == "1234"
    hits = findings["emc.hits"].evidence[0].value
    assert hits and all(urlsplit(row["yêu cầu / request"]).hostname == EMC_HOST for row in hits)
    # The stand-in collector really received them, with the portal's site id.
    assert complete.emc_hits and {hit["params"]["idsite"] for hit in complete.emc_hits} == {"1234"}
    assert any(hit["params"].get("action") == "dvc" for hit in complete.emc_hits)
    by_type = {row["loại / type"] for row in findings["emc.coverage"].evidence[0].value}
    assert {"home", "procedure"} <= by_type


def test_absent_code_fails_every_criterion() -> None:
    findings = judge(portal_run("emc-absent", max_pages=2))
    assert statuses(findings) == {
        "emc.snippet": "fail",
        "emc.configuration": "fail",
        "emc.hits": "fail",
        "emc.coverage": "fail",
        "emc.badge": "fail",
        "emc.track_dvc": "fail",
    }


def test_snippet_without_site_id_is_partly_connected() -> None:
    findings = judge(variant(emc="no_site_id", emc_variant="minified"))
    assert findings["emc.snippet"].status == Status.PASS
    assert findings["emc.configuration"].status == Status.PARTIAL
    assert "site id" in findings["emc.configuration"].message.en
    # The script loads, but hits carry no site id: EMC cannot attribute them.
    assert findings["emc.hits"].status == Status.PARTIAL


def test_wrong_tracker_host_is_partly_connected() -> None:
    findings = judge(variant(emc="wrong_host"))
    assert findings["emc.configuration"].status == Status.PARTIAL
    assert "cdn.sample.test" in findings["emc.configuration"].evidence[1].value
    assert findings["emc.hits"].status == Status.PARTIAL


def test_code_on_home_only_lists_the_pages_without_it() -> None:
    run = variant(emc="home_only")
    findings = judge(run)
    coverage = findings["emc.coverage"]
    assert coverage.status == Status.PARTIAL and coverage.fraction <= 0.5
    assert run.procedure_url in [row[0] for row in coverage.evidence[1].value]
    assert findings["emc.hits"].status == Status.PASS
    assert findings["emc.track_dvc"].status == Status.FAIL


def test_commented_out_code_never_runs() -> None:
    findings = judge(variant(emc_variant="commented"))
    assert findings["emc.snippet"].status == Status.PARTIAL
    assert findings["emc.hits"].status == Status.FAIL


def test_http_tracker_url_is_accepted_but_the_browser_blocks_the_script() -> None:
    findings = judge(variant(emc_variant="http"))
    assert findings["emc.configuration"].status == Status.PASS
    assert any(e.kind == "note" for e in findings["emc.configuration"].evidence)
    # An http:// script on an https:// page is blocked as mixed content: no hit is sent.
    assert findings["emc.hits"].status == Status.FAIL


def test_resolve_sends_httpx_probes_for_the_real_emc_host_to_the_local_collector() -> None:
    with SamplePortal("good", host="127.0.0.1") as portal:
        settings = CollectSettings(resolve=dict(portal.resolve))

        async def fetch() -> tuple[int, str, int]:
            async with http_client(settings, portal.ca_cert_path) as client:
                script = await client.get(f"https://{EMC_HOST}/embed/gov-tracking.min.js")
                hit = await client.get(f"https://{EMC_HOST}/tracking", params={"idsite": "4321", "action": "pageview"})
                return script.status_code, script.text, hit.status_code

        script_status, script_text, hit_status = asyncio.run(fetch())
        assert script_status == 200 and "_govaq" in script_text
        assert hit_status < 400
        assert [hit["params"]["idsite"] for hit in portal.emc_hits] == ["4321"]


def test_resolve_sends_the_browser_to_the_local_collector(complete: PortalRun) -> None:
    requested = [
        request
        for page in complete.snapshot.pages
        for request in page.requests
        if urlsplit(request.url).hostname == EMC_HOST
    ]
    scripts = [request for request in requested if request.url.endswith("gov-tracking.min.js")]
    assert scripts and all(request.status == 200 for request in scripts)
    sent = [parse_qs(urlsplit(request.url).query) for request in requested if urlsplit(request.url).path == "/tracking"]
    received = {(hit["params"]["url"], hit["params"]["rand"]) for hit in complete.emc_hits}
    # Every hit the browser logged reached the local collector (which also got the viewport runs' hits).
    assert sent and all((query["url"][0], query["rand"][0]) in received for query in sent)


def test_report_shows_site_id_pages_covered_and_hits(complete: PortalRun) -> None:
    rubric = load_rubric()
    html = render_html(score(rubric, complete.snapshot), complete.snapshot, rubric, "vi")
    emc_section = html[html.index("Kết nối với Hệ thống EMC") :]
    assert "1234" in emc_section
    assert complete.procedure_url in emc_section  # the pages covered, by page type and in the hits table
    assert f"https://{EMC_HOST}/tracking?idsite=1234" in emc_section.replace("&amp;", "&")


def test_single_page_app_pushing_track_dvc_from_its_bundle() -> None:
    findings = judge(portal_run("spa", max_pages=2))
    assert findings["emc.hits"].status == Status.PASS
    dvc = findings["emc.track_dvc"]
    assert dvc.status == Status.PASS
    assert dvc.evidence[0].value[0]["lượt gửi trackDVC thấy được / trackDVC hits seen"] >= 1


def test_the_procedure_pages_the_functions_gatherer_samples_see_a_single_page_apps_track_dvc_hit() -> None:
    """On the SPA the app pushes trackDVC once it has rendered the procedure, and the tracker's hit
    follows: 5 of the 7 procedure pages, those the functions gatherer opened, were read before it
    left, and the criterion earned 0.14 of 0.5 on a portal that sends it from every one."""
    run = portal_run("spa", ("functions",), max_pages=2)
    assert len(run.snapshot.functions.procedures) >= 3
    dvc = judge(run)["emc.track_dvc"]
    rows = dvc.evidence[0].value
    assert dvc.status == Status.PASS, rows
    assert all(row["lượt gửi trackDVC thấy được / trackDVC hits seen"] >= 1 for row in rows)
