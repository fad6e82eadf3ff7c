"""A real Chromium: the EMC script loads and a hit reaches the stand-in collector; the SPA renders its links."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessor.sample_portal.server import SamplePortal

from .support import PROCEDURE_CODE

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path(os.environ.get("ASSESSOR_CHROMIUM", "/usr/bin/chromium"))
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        yield pw


def launch(pw: object, portal: SamplePortal):  # type: ignore[no-untyped-def]
    rules = ", ".join(f"MAP {host}:443 {target}" for host, target in portal.resolve.items())
    assert portal.chromium_args() == [f"--host-resolver-rules={rules}",
                                      f"--ignore-certificate-errors-spki-list={portal.leaf_spki_sha256}"]
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=[  # type: ignore[attr-defined]
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--host-resolver-rules={rules}",
        f"--ignore-certificate-errors-spki-list={portal.leaf_spki_sha256}",
    ])


def wait_for_hits(portal: SamplePortal, count: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while len(portal.emc_hits) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def test_good_portal_in_chromium_sends_emc_hits_and_passes_axe(browser, start_portal) -> None:
    portal = start_portal("good")
    axe = _axe_source()
    chromium = launch(browser, portal)
    try:
        page = chromium.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        emc_scripts: list[str] = []
        page.on("response", lambda r: emc_scripts.append(r.url) if "gov-tracking" in r.url and r.ok else None)
        page.goto(portal.url)
        wait_for_hits(portal, 1)
        assert emc_scripts == ["https://f-emc.ngsp.gov.vn/embed/gov-tracking.min.js"]
        hit = portal.emc_hits[0]["params"]
        assert hit["idsite"] == "1234" and hit["action"] == "pageview" and hit["url"] == portal.url
        assert page.evaluate("window.LamHaWidgets && window.LamHaWidgets.version") == "2.3.1"  # SRI passed
        assert axe_violations(page, axe) == set()
        page.goto(portal.url + f"thu-tuc-hanh-chinh/{PROCEDURE_CODE}")
        wait_for_hits(portal, 3)
        actions = [h["params"]["action"] for h in portal.emc_hits]
        assert actions.count("dvc") == 1 and actions.count("pageview") == 2
        assert axe_violations(page, axe) == set()
        assert errors == []  # no CSP violation, no failed resource
        page.set_viewport_size({"width": 320, "height": 640})
        page.goto(portal.url, wait_until="domcontentloaded")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        chromium.close()


def test_inaccessible_portal_fails_axe_and_scrolls_at_320px(browser, start_portal) -> None:
    portal = start_portal("inaccessible")
    chromium = launch(browser, portal)
    try:
        page = chromium.new_page(viewport={"width": 320, "height": 640})
        page.goto(portal.url, wait_until="domcontentloaded")
        found = axe_violations(page, _axe_source())
        assert {"color-contrast", "html-has-lang", "image-alt", "label"} <= found
        assert page.evaluate("document.documentElement.scrollWidth") >= 1200  # fixed_width
    finally:
        chromium.close()


def test_spa_renders_links_and_tracks_navigation(browser, start_portal) -> None:
    portal = start_portal("spa")
    chromium = launch(browser, portal)
    try:
        page = chromium.new_page()
        page.goto(portal.url)
        page.wait_for_selector("main#noi-dung a[href='/thu-tuc-hanh-chinh']")
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert {"/thu-tuc-hanh-chinh", "/tra-cuu-ho-so", "/so-do-cong", "/en"} <= set(hrefs)
        assert page.locator("#btnEMC").count() == 1
        page.click("nav.main-nav a[href='/tra-cuu-ho-so']")
        page.wait_for_selector("input[name=ma_ho_so]")
        assert page.url == portal.url + "tra-cuu-ho-so"
        page.fill("input[name=ma_ho_so]", "H35.22-240101-0001")
        page.click("#lookup-form button[type=submit]")
        page.wait_for_selector("#lookup-result")
        assert "Đã trả kết quả" in page.inner_text("#lookup-result")
        wait_for_hits(portal, 3)
        pageviews = [h["params"]["url"] for h in portal.emc_hits if h["params"]["action"] == "pageview"]
        assert pageviews[:2] == [portal.url, portal.url + "tra-cuu-ho-so"]
    finally:
        chromium.close()



def _axe_source() -> str:
    axe_package = pytest.importorskip("axe_playwright_python")
    return (Path(axe_package.__file__).parent / "axe.min.js").read_text()


def axe_violations(page: object, axe: str) -> set[str]:
    page.evaluate(axe)  # type: ignore[attr-defined]
    return set(page.evaluate("axe.run().then(r => r.violations.map(v => v.id))"))  # type: ignore[attr-defined]
