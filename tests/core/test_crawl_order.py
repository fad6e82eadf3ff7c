"""Which pages the crawl spends its budget on, when a page counts as settled, and how the portal
gatherers are staged: against a real local site in real Chromium where a browser is needed."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

from assessor.artifacts.page import PageArtifact
from assessor.checks.function_find import normalise_url
from assessor.collect.browser import BrowserOptions, BrowserSession, find_browser
from assessor.collect.context import CollectContext
from assessor.collect.crawl import QueuedPage, crawl, normalise, same_site, section, take_most_diverse
from assessor.collect.functions import entry_targets
from assessor.collect.gatherers import Registered, stages
from assessor.collect.run import run_stage
from assessor.criteria import load_rubric
from assessor.model import PortalRef
from assessor.snapshot import CollectSettings, Snapshot
from tests.core.local_site import Routes, serve_site

NEWS = "".join(f'<a href="/tin-tuc/{n}">Tin {n}</a> ' for n in range(1, 6))
HOME = f"""<!DOCTYPE html><html lang="vi"><head><title>Cổng thử</title></head><body>
<nav>{NEWS}<a href="/gioi-thieu">Giới thiệu</a> <a href="/lien-he">Liên hệ</a>
<a href="/tra-cuu-ho-so">Tra cứu hồ sơ</a></nav>
<script>addEventListener('load', () => setTimeout(() => fetch('/muon'), 120));</script></body></html>"""
ROUTES = {
    "/": (200, {}, HOME),
    "/muon": (200, {"Content-Type": "application/json"}, "{}"),
    **{f"/tin-tuc/{n}": (200, {}, f"<html><title>Tin {n}</title></html>") for n in range(1, 6)},
    "/gioi-thieu": (200, {}, "<html><title>Giới thiệu</title></html>"),
    "/lien-he": (200, {}, "<html><title>Liên hệ</title></html>"),
    "/tra-cuu-ho-so": (200, {}, "<html><title>Tra cứu</title><input name='ma_ho_so'></html>"),
}


def crawl_site(tmp_path: Path, max_pages: int, use_entries: bool, routes: Routes = ROUTES,
               extra_paths: tuple[str, ...] = ()) -> list[PageArtifact]:
    async def run(base: str) -> list[PageArtifact]:
        settings = CollectSettings(max_pages=max_pages, max_depth=2, time_budget_s=60, page_timeout_s=10,
                                   per_host_concurrency=1)
        async with BrowserSession(BrowserOptions(executable=find_browser().path)) as session:
            ctx = CollectContext(settings=settings, session=session, folder=tmp_path, rubric=load_rubric())
            wanted = (lambda home: entry_targets(home, ctx)) if use_entries else None
            return await crawl(base + "/", ctx, [base + path for path in extra_paths], wanted=wanted)

    with serve_site(routes) as base:
        pages = asyncio.run(run(base))
    return pages


def paths(pages: list[PageArtifact]) -> list[str]:
    return ["/" + page.url.split("/", 3)[3] for page in pages]


def test_the_rubric_s_function_entries_are_crawled_before_the_rest(tmp_path: Path) -> None:
    assert paths(crawl_site(tmp_path, 3, use_entries=True)) == ["/", "/tra-cuu-ho-so", "/tin-tuc/1"]


def test_without_entries_the_budget_samples_sections(tmp_path: Path) -> None:
    # The news folder first (a section not yet seen); then news and top-level pages are each
    # visited once, first found first: the lookup, last on the home page, is not reached in 3
    # pages. This is what the entries above fix.
    assert paths(crawl_site(tmp_path, 3, use_entries=False)) == ["/", "/tin-tuc/1", "/tin-tuc/2"]


def test_a_request_sent_shortly_after_load_is_recorded(tmp_path: Path) -> None:
    home = crawl_site(tmp_path, 1, use_entries=False)[0]
    assert any(request.url.endswith("/muon") for request in home.requests)


def test_a_page_given_raw_and_linked_percent_encoded_is_visited_once(tmp_path: Path) -> None:
    """The portal list may name a page as it is read (`/tra-cứu?q="hồ sơ"`); the browser gives a
    link to it percent-encoded, as it sends it."""
    encoded = "/tra-c%E1%BB%A9u?q=%22h%E1%BB%93%20s%C6%A1%22"
    routes: Routes = {
        "/": (200, {}, '<html><title>Cổng</title><a href="/tra-cứu?q=&quot;hồ sơ&quot;">Tra cứu</a></html>'),
        encoded: (200, {}, "<html><title>Tra cứu</title></html>"),
    }
    pages = crawl_site(tmp_path, 5, use_entries=False, routes=routes, extra_paths=('/tra-cứu?q="hồ sơ"',))
    assert [(paths([page])[0], page.status) for page in pages] == [("/", 200), (encoded, 200)]


def test_urls_are_compared_as_the_browser_sends_them() -> None:
    assert normalise("https://A.gov.vn:443/tra-cứu?q=hồ sơ#top") == "https://a.gov.vn/tra-c%E1%BB%A9u?q=h%E1%BB%93%20s%C6%A1"
    assert normalise('http://h:8080/p?x="><script>') == normalise("http://h:8080/p?x=%22%3E%3Cscript%3E")
    assert normalise("https://h") == "https://h/"
    assert normalise("https://h/a%2Fb") != normalise("https://h/a/b")
    # The function checks take a link from the page's HTML as written; the crawl as the browser gave it.
    assert normalise_url('http://h/p/?x="><script>#a') == normalise_url("http://h/p/?x=%22%3E%3Cscript%3E")


def test_queue_order_wanted_then_least_visited_section_then_depth() -> None:
    queue = [QueuedPage("https://a/tin-tuc/2", 1, None, ""), QueuedPage("https://a/thu-tuc/1", 2, None, ""),
             QueuedPage("https://a/tra-cuu", 1, None, ""), QueuedPage("https://a/lien-he", 1, None, "")]
    first = {normalise("https://a/tra-cuu#top")}
    visited = {section("https://a/tin-tuc/1"): 1, "/": 1}
    order = [take_most_diverse(queue, visited, first).url for _ in range(4)]
    assert order == ["https://a/tra-cuu", "https://a/thu-tuc/1", "https://a/tin-tuc/2", "https://a/lien-he"]


def gatherer(name: str, stage: int, log: list[tuple[str, str, float]], fail: bool = False) -> Registered:
    async def work(snapshot: Snapshot, ctx: CollectContext) -> None:
        log.append((name, "start", time.monotonic()))
        await asyncio.sleep(0.2)
        if fail:
            raise RuntimeError(f"{name} broke")
        log.append((name, "end", time.monotonic()))

    return Registered(name, work, stage)


def test_a_stage_runs_side_by_side_and_one_failure_loses_nothing_else(tmp_path: Path) -> None:
    log: list[tuple[str, str, float]] = []
    registered = [gatherer("lab", 3, log), gatherer("tls", 1, log), gatherer("probes", 1, log, fail=True),
                  gatherer("viewport", 2, log)]
    grouped = stages(registered)
    assert [[g.name for g in stage] for stage in grouped] == [["tls", "probes"], ["viewport"], ["lab"]]
    snapshot = Snapshot(portal=PortalRef(id="p", name="p", url="https://a/"), start_url="https://a/",
                        started_at=datetime.now(UTC))
    ctx = CollectContext(settings=CollectSettings(time_budget_s=5), session=None, folder=tmp_path,  # type: ignore[arg-type]
                         rubric=load_rubric())

    async def run_all() -> None:
        for stage in grouped:
            await run_stage(stage, snapshot, ctx)

    asyncio.run(run_all())
    starts = {name: at for name, event, at in log if event == "start"}
    ends = {name: at for name, event, at in log if event == "end"}
    assert abs(starts["tls"] - starts["probes"]) < 0.1  # side by side
    assert starts["viewport"] >= ends["tls"] and starts["lab"] >= ends["viewport"]  # stage after stage
    assert snapshot.gather_errors == {"probes": "RuntimeError: probes broke"}
    assert set(snapshot.step_seconds) == {"tls", "probes", "viewport", "lab"}


def test_a_stage_that_overstays_its_budget_is_abandoned(tmp_path: Path) -> None:
    async def stalls(snapshot: Snapshot, ctx: CollectContext) -> None:
        await asyncio.sleep(30)

    snapshot = Snapshot(portal=PortalRef(id="p", name="p", url="https://a/"), start_url="https://a/",
                        started_at=datetime.now(UTC))
    ctx = CollectContext(settings=CollectSettings(time_budget_s=1), session=None, folder=tmp_path,  # type: ignore[arg-type]
                         rubric=load_rubric())
    started = time.monotonic()
    asyncio.run(run_stage([Registered("stuck", stalls, 1)], snapshot, ctx))
    assert time.monotonic() - started < 5
    assert "stuck" in snapshot.gather_errors


def test_a_plain_http_portal_s_links_to_its_own_https_pages_are_its_own() -> None:
    """Given as http://, a portal whose menu links to https:// on its own host was crawled as one
    page: the links were another site's. The upgrade is the same site; the way down, another host
    or another port is not."""
    assert same_site("https://dichvucong.lamha.gov.vn/thu-tuc", "http://dichvucong.lamha.gov.vn/")
    assert same_site("https://dichvucong.lamha.gov.vn:443/thu-tuc", "http://dichvucong.lamha.gov.vn:80/")
    assert same_site("http://dichvucong.lamha.gov.vn/thu-tuc", "http://dichvucong.lamha.gov.vn/")
    assert not same_site("http://dichvucong.lamha.gov.vn/thu-tuc", "https://dichvucong.lamha.gov.vn/")
    assert not same_site("https://lamha.gov.vn/thu-tuc", "http://dichvucong.lamha.gov.vn/")
    assert not same_site("https://127.0.0.1:8443/thu-tuc", "http://127.0.0.1:8080/")
