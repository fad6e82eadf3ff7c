"""A real Chromium: the EMC script loads and hits reach the stand-in collector; the SPA renders its links;
axe-core finds nothing on the good portal and the expected violations on the inaccessible one.

One Chromium serves all tests (launching is the slow part): it trusts the three portals' leaf keys and
sends the stand-in hosts (EMC, CDN, national portal) to the good portal, whose collector therefore
receives every portal's hits; each hit's `url` tells which portal sent it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assessor.sample_portal.server import SamplePortal

from .support import KNOWN_DOSSIER, PROCEDURE_CODE

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path(os.environ.get("ASSESSOR_CHROMIUM", "/usr/bin/chromium"))
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}")


@dataclass
class Lab:
    good: SamplePortal
    spa: SamplePortal
    spa_hash: SamplePortal
    inaccessible: SamplePortal
    browser: Any


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    with SamplePortal("good") as good, SamplePortal("spa") as spa, SamplePortal("spa-hash") as spa_hash, \
            SamplePortal("inaccessible") as inaccessible, sync_api.sync_playwright() as pw:
        rules = ", ".join(f"MAP {host}:443 {target}" for host, target in good.resolve.items())
        spki = ",".join(portal.leaf_spki_sha256 for portal in (good, spa, spa_hash, inaccessible))
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--host-resolver-rules={rules}", f"--ignore-certificate-errors-spki-list={spki}"])
        try:
            yield Lab(good, spa, spa_hash, inaccessible, browser)
        finally:
            browser.close()


def hits_from(collector: SamplePortal, portal: SamplePortal) -> list[dict[str, str]]:
    return [hit["params"] for hit in collector.emc_hits if hit["params"].get("url", "").startswith(portal.url)]


def wait_for_hits(collector: SamplePortal, portal: SamplePortal, count: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while len(hits_from(collector, portal)) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def axe_violations(page: Any) -> set[str]:
    axe_package = pytest.importorskip("axe_playwright_python")
    page.evaluate((Path(axe_package.__file__).parent / "axe.min.js").read_text())
    return set(page.evaluate("axe.run().then(r => r.violations.map(v => v.id))"))


def test_good_portal_sends_emc_hits_and_passes_axe(lab: Lab) -> None:
    portal = lab.good
    page = lab.browser.new_page()
    try:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        emc_scripts: list[str] = []
        page.on("response", lambda r: emc_scripts.append(r.url) if "gov-tracking" in r.url and r.ok else None)
        page.goto(portal.url)
        wait_for_hits(portal, portal, 1)
        assert emc_scripts == ["https://f-emc.ngsp.gov.vn/embed/gov-tracking.min.js"]
        hit = hits_from(portal, portal)[0]
        assert hit["idsite"] == "1234" and hit["action"] == "pageview" and hit["url"] == portal.url
        assert page.evaluate("window.LamHaWidgets && window.LamHaWidgets.version") == "2.3.1"  # SRI passed
        assert axe_violations(page) == set()
        page.goto(portal.url + f"thu-tuc-hanh-chinh/{PROCEDURE_CODE}")
        wait_for_hits(portal, portal, 3)
        actions = [h["action"] for h in hits_from(portal, portal)]
        assert actions.count("dvc") == 1 and actions.count("pageview") == 2
        assert axe_violations(page) == set()
        assert errors == []  # no CSP violation, no failed resource
        page.set_viewport_size({"width": 320, "height": 640})
        page.goto(portal.url, wait_until="domcontentloaded")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        page.close()


def test_inaccessible_portal_fails_axe_and_scrolls_at_320px(lab: Lab) -> None:
    page = lab.browser.new_page(viewport={"width": 320, "height": 640})
    try:
        page.goto(lab.inaccessible.url, wait_until="domcontentloaded")
        assert {"color-contrast", "html-has-lang", "image-alt", "label"} <= axe_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth") >= 1200  # fixed_width
    finally:
        page.close()


def look_up_from_the_menu(page: Any, portal: SamplePortal, prefix: str) -> list[str]:
    """The known dossier looked up as a citizen does, from the home page's menu, in an app whose
    links are written `{prefix}tra-cuu-ho-so`; the home page's links."""
    page.goto(portal.url)
    page.wait_for_selector(f"main#noi-dung a[href='{prefix}thu-tuc-hanh-chinh']")
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    page.click(f"nav.main-nav a[href='{prefix}tra-cuu-ho-so']")
    page.wait_for_selector("input[name=ma_ho_so]")
    assert page.url == portal.url + prefix.removeprefix("/") + "tra-cuu-ho-so"
    page.fill("input[name=ma_ho_so]", KNOWN_DOSSIER)
    page.click("#lookup-form button[type=submit]")
    page.wait_for_selector("#lookup-result")
    assert "Đã trả kết quả" in page.inner_text("#lookup-result")
    return hrefs


def test_spa_renders_links_and_tracks_navigation(lab: Lab) -> None:
    portal = lab.spa
    page = lab.browser.new_page()
    try:
        hrefs = look_up_from_the_menu(page, portal, "/")
        assert {"/thu-tuc-hanh-chinh", "/tra-cuu-ho-so", "/so-do-cong", "/en"} <= set(hrefs)
        assert page.locator("#btnEMC").count() == 1
        wait_for_hits(lab.good, portal, 3)
        pageviews = [h["url"] for h in hits_from(lab.good, portal) if h["action"] == "pageview"]
        assert pageviews[:2] == [portal.url, portal.url + "tra-cuu-ho-so"]
    finally:
        page.close()


def test_hash_routed_spa_renders_the_page_its_fragment_names(lab: Lab) -> None:
    portal = lab.spa_hash
    page = lab.browser.new_page()
    try:
        hrefs = look_up_from_the_menu(page, portal, "/#/")
        assert {"/#/thu-tuc-hanh-chinh", "/#/tra-cuu-ho-so", "/#/so-do-cong", "/#/en", "#noi-dung"} <= set(hrefs)
        assert not [href for href in hrefs if href.startswith("/") and not href.startswith(("/#/", "/bieu-mau/"))]
        assert page.url == portal.url + f"#/tra-cuu-ho-so?ma_ho_so={KNOWN_DOSSIER}"
        page.focus("a.skip-link")  # a plain anchor: no page of its own, the lookup stays
        page.keyboard.press("Enter")
        page.wait_for_function("location.hash === '#noi-dung'")
        page.wait_for_timeout(500)  # long enough for a wrongly routed anchor to fetch and draw the home page
        assert "Đã trả kết quả" in page.inner_text("#lookup-result")
        page.goto(portal.url + f"#/thu-tuc-hanh-chinh/{PROCEDURE_CODE}")  # opened by its address
        page.wait_for_selector("text=Thành phần hồ sơ")
        page.goto(portal.url + "#/khong-ton-tai")
        page.wait_for_selector("h1:has-text('Không tìm thấy trang')")
    finally:
        page.close()
