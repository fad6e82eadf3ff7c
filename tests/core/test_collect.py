"""The collector against a real local site in real Chromium: what it records per page."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from assessor.checks.registry import get_check
from assessor.collect.browser import BrowserOptions, find_browser, launch_args
from assessor.collect.run import collect
from assessor.criteria import load_rubric
from assessor.model import PortalRef, Status
from assessor.snapshot import CollectSettings, Snapshot
from tests.builders import params_of
from tests.core.local_site import serve_site

HOME = """<!DOCTYPE html><html lang="vi"><head><title>Trang chủ &lt;thử&gt;</title></head><body>
<h1>Cổng thử</h1>
<a href="/thu-tuc">Thủ tục</a> <a href="/cu">Trang cũ</a> <a href="/mat">Trang mất</a>
<a href="/tai-lieu.pdf">Tài liệu</a> <a href="https://example.invalid/">Bên ngoài</a>
<script>console.error("lỗi thử nghiệm")</script>
<footer><p>Liên hệ</p><div class="an"><a id="btnEMC" href="/emc">Đã kết nối EMC</a></div></footer>
<style>.an { display: none }</style></body></html>"""
ROUTES = {
    "/": (200, {"X-Test": "mot-1"}, HOME),
    "/thu-tuc": (200, {}, "<html><title>Thủ tục</title><a href='/thu-tuc/1'>TT 1</a></html>"),
    "/thu-tuc/1": (200, {}, "<html><title>TT 1</title><a href='/thu-tuc/1/sau'>sâu</a></html>"),
    "/thu-tuc/1/sau": (200, {}, "<html><title>Sâu</title><a href='/thu-tuc/1/sau/hon'>sâu hơn</a></html>"),
    "/cu": (301, {"Location": "/moi", "Set-Cookie": "JSESSIONID=abc; Path=/"}, ""),
    "/moi": (200, {}, "<html><title>Trang mới</title><a id='btnEMC' href='/emc'>Đã kết nối EMC</a></html>"),
}


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    folder = tmp_path_factory.mktemp("collect")
    with serve_site(ROUTES) as base:
        portal = PortalRef(id="local", name="Local", url=base + "/")
        settings = CollectSettings(max_pages=10, max_depth=2, time_budget_s=60, page_timeout_s=10)
        return asyncio.run(collect(portal, settings, load_rubric(), folder, find_browser().path))


def by_path(snapshot: Snapshot, path: str):
    return next(page for page in snapshot.pages if page.url.endswith(path))


def test_home_is_recorded_with_headers_title_console_and_screenshot(snapshot: Snapshot) -> None:
    home = snapshot.home
    assert snapshot.reachable and home.status == 200
    assert home.title == "Trang chủ <thử>"
    assert home.header("x-test") == "mot-1"
    assert any("lỗi thử nghiệm" in message.text for message in home.console)
    assert home.screenshot and (snapshot.folder / home.screenshot).is_file()
    assert home.timings.fcp_ms is not None and home.timings.dom_nodes > 5
    assert home.axe is not None and home.axe.version.startswith("4.")


def test_crawl_stays_on_site_within_depth_and_skips_documents(snapshot: Snapshot) -> None:
    paths = {page.url.split("127.0.0.1", 1)[1].split("/", 1)[1] for page in snapshot.pages}
    assert {"", "thu-tuc", "thu-tuc/1", "cu", "mat"} <= paths
    assert "thu-tuc/1/sau" not in paths  # depth 3 > max_depth 2
    assert not any("example.invalid" in page.url or page.url.endswith(".pdf") for page in snapshot.pages)
    deep = by_path(snapshot, "/thu-tuc/1")
    assert deep.depth == 2 and deep.found_on.endswith("/thu-tuc") and deep.link_text == "TT 1"


def test_redirects_and_errors_are_recorded(snapshot: Snapshot) -> None:
    moved = by_path(snapshot, "/cu")
    assert moved.final_url.endswith("/moi") and moved.status == 200
    assert [(hop.status, hop.location) for hop in moved.redirects] == [(301, "/moi")]
    assert moved.redirects[0].set_cookies == ["JSESSIONID=abc; Path=/"]  # the browser keeps it
    assert by_path(snapshot, "/mat").status == 404


def test_what_the_pages_css_hides_is_recorded_and_the_checks_see_it(snapshot: Snapshot) -> None:
    """The home page's EMC badge is hidden by a class from a stylesheet: in the HTML it looks shown."""
    home = snapshot.home
    assert home.hidden_roots == ["html > body:nth-child(2) > footer:nth-child(8) > div:nth-child(2)"]
    assert 'class="an"' in home.html and by_path(snapshot, "/cu").hidden_roots == []
    badge = get_check("emc.badge").function(snapshot, params_of("emc.badge"))
    assert badge.status == Status.PARTIAL, badge.message.en  # shown on an inner page only
    assert badge.evidence[0].url.endswith("/moi")


def test_snapshot_round_trips_through_disk(snapshot: Snapshot) -> None:
    again = Snapshot.load(snapshot.folder)
    assert [page.url for page in again.pages] == [page.url for page in snapshot.pages]
    assert again.home.html == snapshot.home.html and "Cổng thử" in again.home.html


def test_the_snapshot_records_what_the_collectors_read_of_the_rubric(snapshot: Snapshot) -> None:
    """Only what they act on: the search queries and the lab's block, not the curves judged from it."""
    rubric = load_rubric()
    search = snapshot.collected_with["function.catalogue_search"]
    assert search.params["queries"] == rubric.params_for("function.catalogue_search")["queries"]
    assert set(search.params) == {"queries", "search", "procedures"} and not search.whole
    assert Snapshot.load(snapshot.folder).collected_with == snapshot.collected_with
    assert {"security.exposed_files", "function.dossier_lookup"} <= set(snapshot.collected_with)


def test_chromium_is_started_quietly_and_with_resolve_rules() -> None:
    args = launch_args(BrowserOptions(executable="x", resolve={"f-emc.ngsp.gov.vn": "127.0.0.1:8443"}, trusted_spki=["abc="]))
    for flag in ("--disable-background-networking", "--disable-component-update", "--disable-sync"):
        assert flag in args
    assert "--host-resolver-rules=MAP f-emc.ngsp.gov.vn 127.0.0.1:8443" in args
    assert "--ignore-certificate-errors-spki-list=abc=" in args


def test_browser_discovery_prefers_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "chrome"
    fake.write_text("")
    monkeypatch.setenv("ASSESSOR_CHROMIUM", str(fake))
    choice = find_browser()
    assert (choice.path, choice.source) == (str(fake), "environment")
    monkeypatch.setenv("ASSESSOR_CHROMIUM", str(tmp_path / "missing"))
    with pytest.raises(Exception, match="does not exist"):
        find_browser()


def test_one_feature_list_keeps_playwrights_choices_and_ours() -> None:
    # Chromium keeps only the last --disable-features: a second one would undo Playwright's.
    features = [arg for arg in launch_args(BrowserOptions(executable="x")) if arg.startswith("--disable-features=")]
    assert len(features) == 1
    disabled = features[0].removeprefix("--disable-features=").split(",")
    assert {"PreconnectToSearch", "NetworkTimeServiceQuerying", "PaintHolding", "Translate"} <= set(disabled)


def test_the_system_headless_shell_is_preferred(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("chromium", "chromium-headless-shell"):
        (tmp_path / name).write_text("#!/bin/sh\n")
        (tmp_path / name).chmod(0o755)
    monkeypatch.delenv("ASSESSOR_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    choice = find_browser(look_for_playwright=False)
    assert (choice.path, choice.source) == (str(tmp_path / "chromium-headless-shell"), "system")
    (tmp_path / "chromium-headless-shell").unlink()
    assert find_browser(look_for_playwright=False).path == str(tmp_path / "chromium")
