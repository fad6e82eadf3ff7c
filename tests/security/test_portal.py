"""End to end: the real collector (Chromium, sslyze, httpx) against the sample portal.

`collect()` runs as in production, but with only the gatherers the security group reads (the
TLS scan and the HTTP probes; no per-page gatherers): the checks read the crawl's headers and
network log, `snapshot.tls` and `snapshot.probes`. One run per case, shared by the module.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessor.assess import portal_from_url
from assessor.collect import page_visit, run
from assessor.collect.browser import find_browser
from assessor.collect.gatherers import PORTAL_GATHERERS, load_gatherers
from assessor.criteria import load_rubric
from assessor.model import Assessment, Status
from assessor.sample_portal.profile import resolve_profile
from assessor.sample_portal.server import SamplePortal
from assessor.scoring import score
from assessor.snapshot import CollectSettings, Snapshot

SECURITY_GATHERERS = ("tls", "probes")


def assess(folder: Path, profile: str, trust_private_ca: bool = True) -> tuple[Assessment, Snapshot]:
    load_gatherers()
    rubric = load_rubric()
    with SamplePortal(resolve_profile(profile), host="127.0.0.1") as portal, pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "PORTAL_GATHERERS", [g for g in PORTAL_GATHERERS if g.name in SECURITY_GATHERERS])
        patch.setattr(page_visit, "PAGE_GATHERERS", [])
        settings = CollectSettings(resolve=dict(portal.resolve), http_url=portal.http_url, max_pages=4, max_depth=1,
                                   time_budget_s=60)
        snapshot = asyncio.run(run.collect(
            portal_from_url(portal.url), settings, rubric, folder, find_browser().path,
            ca_bundle=portal.ca_cert_path if trust_private_ca else None))
    return score(rubric, snapshot), snapshot


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assessment, Snapshot]:
    return assess(tmp_path_factory.mktemp("good"), "good")


@pytest.fixture(scope="module")
def insecure(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assessment, Snapshot]:
    return assess(tmp_path_factory.mktemp("insecure"), "insecure")


@pytest.fixture(scope="module")
def untrusted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Assessment, Snapshot]]:
    yield assess(tmp_path_factory.mktemp("untrusted"), "good", trust_private_ca=False)


AUTOMATED = ["security.https", "security.tls_protocols", "security.certificate", "security.headers",
             "security.cookies", "security.mixed_content", "security.disclosure", "security.exposed_files",
             "security.vulnerable_libraries"]


def test_good_portal_passes_every_automated_security_criterion(good: tuple[Assessment, Snapshot]) -> None:
    assessment, snapshot = good
    assert snapshot.gather_errors == {}
    statuses = {criterion: assessment.criterion(criterion).status for criterion in AUTOMATED}
    assert statuses == dict.fromkeys(AUTOMATED, Status.PASS)
    assert assessment.caps == []


def test_ca_bundle_is_honoured_by_browser_probes_and_sslyze(good: tuple[Assessment, Snapshot]) -> None:
    _, snapshot = good
    assert snapshot.certificate_error is None  # the browser trusted the leaf
    assert snapshot.tls is not None and snapshot.tls.trusted_by == ["Supplied CA file"]  # sslyze
    exposed = [probe for probe in snapshot.probes if probe.name.startswith("path:")]
    assert exposed and all(probe.error is None and probe.status == 404 for probe in exposed)  # httpx
    http_root = snapshot.probe("http_root")
    assert http_root is not None and http_root.redirects[0].location.startswith("https://")


def test_insecure_portal_findings(insecure: tuple[Assessment, Snapshot]) -> None:
    assessment, _ = insecure
    expected = {
        "security.https": Status.PARTIAL,  # plain HTTP answers 200
        "security.headers": Status.PARTIAL,
        "security.cookies": Status.FAIL,
        "security.mixed_content": Status.FAIL,
        "security.disclosure": Status.FAIL,
        "security.exposed_files": Status.FAIL,
        "security.vulnerable_libraries": Status.FAIL,
        "security.tls_protocols": Status.PASS,
        "security.certificate": Status.PASS,
    }
    assert {criterion: assessment.criterion(criterion).status for criterion in expected} == expected
    assert "DVCSESSID" in assessment.criterion("security.cookies").message.en
    assert "jQuery 1.12.4" in assessment.criterion("security.vulnerable_libraries").message.en
    for path in ("/.git/HEAD", "/.env", "/uploads/"):
        assert path in assessment.criterion("security.exposed_files").message.en


def test_insecure_headers_report_shows_what_to_add(insecure: tuple[Assessment, Snapshot]) -> None:
    headers = insecure[0].criterion("security.headers")
    # Missing: CSP -25, HSTS -20, XFO -20, XCTO -5 (MDN: 30), Permissions-Policy -5, COOP -5.
    assert headers.fraction == pytest.approx(0.2)
    code = next(e for e in headers.evidence if e.kind == "code").value
    assert "Strict-Transport-Security: max-age=31536000; includeSubDomains" in code
    assert "X-Content-Type-Options: nosniff" in code
    assert next(e for e in headers.evidence if e.label == "MDN Observatory score").value == 30


def test_without_the_bundle_the_certificate_fails_and_caps_the_grade(untrusted: tuple[Assessment, Snapshot]) -> None:
    assessment, snapshot = untrusted
    assert snapshot.certificate_error and "CERT" in snapshot.certificate_error
    assert snapshot.tls is not None and snapshot.tls.trusted_by == []
    certificate = assessment.criterion("security.certificate")
    assert certificate.status == Status.FAIL
    assert "refused by the browser" in certificate.message.en and "not trusted" in certificate.message.en
    assert [cap.criterion for cap in assessment.caps] == ["security.certificate"]
    # The rest is still judged: the probes went on like the crawl did.
    assert assessment.criterion("security.exposed_files").status == Status.PASS
    # HSTS cannot work behind an invalid certificate (Observatory: hsts-invalid-cert).
    table = next(e for e in assessment.criterion("security.headers").evidence if e.kind == "table")
    assert any(row["result"] == "hsts-invalid-cert" for row in table.value)


def test_html_report_shows_headers_as_received_the_problem_and_the_line_to_add(
        insecure: tuple[Assessment, Snapshot]) -> None:
    from assessor.report.html_report import render_html

    assessment, snapshot = insecure
    html = render_html(assessment, snapshot, load_rubric(), "en")
    assert "Strict-Transport-Security: max-age=31536000; includeSubDomains" in html
    assert "hsts-not-implemented" in html
    assert "Set-Cookie DVCSESSID" in html and "Secure; HttpOnly; SameSite=Lax" in html
    assert "Apache/2.4.29 (Ubuntu)" in html  # the Server header as received
