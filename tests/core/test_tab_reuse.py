"""A crawl worker keeps one tab and navigates it from page to page, and so do the functions and
viewport gatherers: against real local sites in real Chromium, the tab really is reused, one page's
events never reach the next page's record, and a page that blocks its unload, times out, spins or
fails a use never spoils the next visit."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from playwright.async_api import BrowserContext

from assessor.artifacts.accessibility import OverflowTest
from assessor.artifacts.function import FormUse
from assessor.artifacts.page import PageArtifact
from assessor.checks.accessibility import ResponsiveParams
from assessor.checks.function_find import Entry
from assessor.collect.browser import BrowserOptions, BrowserSession, find_browser
from assessor.collect.context import CollectContext
from assessor.collect.crawl import crawl
from assessor.collect.functions import Exerciser
from assessor.collect.page_visit import Tab
from assessor.collect.tabs import ReusedTab
from assessor.collect.viewport import narrow_viewport, reflow_tests
from assessor.criteria import load_rubric
from assessor.model import PortalRef
from assessor.snapshot import CollectSettings, Snapshot
from tests.core.local_site import Routes, serve_site

T = TypeVar("T")
PAGE_TIMEOUT_S = 3.0
# Counts the visits made in this tab: sessionStorage lives as long as the tab, per site.
COUNTER = """<script>const n = Number(sessionStorage.getItem('n') || 0) + 1;
sessionStorage.setItem('n', n); document.title = 'Lượt ' + n;</script>"""
NORMAL = "<!DOCTYPE html><html lang='vi'><head><title>Trang thường</title></head><body><h1>Bình thường</h1>"


@contextmanager
def never_answering() -> Iterator[str]:
    """A listener whose connections are queued by the kernel and never answered: a request to it
    stays in flight until the browser gives up on it."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as server:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


def in_browser(tmp_path: Path, work: Callable[[CollectContext, BrowserContext], Awaitable[T]]) -> T:
    async def run() -> T:
        async with BrowserSession(BrowserOptions(executable=find_browser().path)) as session:
            settings = CollectSettings(max_pages=10, max_depth=2, time_budget_s=60, page_timeout_s=PAGE_TIMEOUT_S,
                                       per_host_concurrency=1)
            ctx = CollectContext(settings=settings, session=session, folder=tmp_path, rubric=load_rubric())
            context = await session.new_context()
            try:
                return await work(ctx, context)
            finally:
                await context.close()

    return asyncio.run(run())


def test_a_crawl_worker_navigates_one_tab_from_page_to_page(tmp_path: Path) -> None:
    links = "".join(f"<a href='/trang-{n}'>Trang {n}</a> " for n in range(1, 4))
    routes: Routes = {"/": (200, {}, f"<html><head>{COUNTER}</head><body>{links}</body></html>"),
                      **{f"/trang-{n}": (200, {}, f"<html><head>{COUNTER}</head></html>") for n in range(1, 4)}}

    with serve_site(routes) as base:
        pages = in_browser(tmp_path, lambda ctx, context: crawl(base + "/", ctx))  # the crawl opens its own context
    # A new tab per page would count one visit on every page.
    assert [page.title for page in pages] == ["Lượt 1", "Lượt 2", "Lượt 3", "Lượt 4"]


def test_one_page_s_requests_and_messages_never_reach_the_next_page_s_record(tmp_path: Path) -> None:
    with never_answering() as hanging, serve_site({
        # Still busy when the next visit starts: a request that never ends, and chatter every 20 ms.
        "/trang-1": (200, {}, f"""<html><head><title>Trang 1</title></head><body><script>
            fetch('{hanging}/treo', {{mode: 'no-cors'}}).catch(() => {{}});
            setInterval(() => {{ console.error('lỗi của trang 1'); fetch('/tu-trang-1').catch(() => {{}}); }}, 20);
            </script></body></html>"""),
        "/trang-2": (200, {}, """<html><head><title>Trang 2</title></head><body><script>
            console.error('lỗi của trang 2');
            addEventListener('load', () => setTimeout(() => fetch('/muon-2'), 120));</script></body></html>"""),
        **{path: (200, {"Content-Type": "application/json"}, "{}") for path in ("/tu-trang-1", "/muon-2")},
    }) as base:
        async def work(ctx: CollectContext, context: BrowserContext) -> tuple[PageArtifact, PageArtifact, bool]:
            tab = Tab(context)
            first = await tab.visit(base + "/trang-1", ctx, 0)
            page = context.pages[0]
            second = await tab.visit(base + "/trang-2", ctx, 1)
            return first, second, context.pages == [page]

        first, second, same_tab = in_browser(tmp_path, work)
    assert same_tab
    assert "lỗi của trang 1" in [message.text for message in first.console]
    assert any(request.url.endswith("/tu-trang-1") for request in first.requests)
    assert second.error is None and second.status == 200 and second.title == "Trang 2"
    assert [message.text for message in second.console] == ["lỗi của trang 2"]
    # Its own late request is there: the first page's request, aborted by the navigation, did
    # not end the second page's wait for quiet.
    assert [request.url.removeprefix(base) for request in second.requests] == ["/trang-2", "/muon-2"]


def test_a_page_that_asks_to_stay_does_not_stop_the_next_visit(tmp_path: Path) -> None:
    staying = """<html><head><title>Ở lại</title></head><body><p>Bạn có chắc?</p><script>
        addEventListener('beforeunload', (event) => { event.preventDefault(); event.returnValue = 'Ở lại?'; });
        </script></body></html>"""
    with serve_site({"/o-lai": (200, {}, staying), "/tiep": (200, {}, NORMAL)}) as base:
        async def work(ctx: CollectContext, context: BrowserContext) -> tuple[PageArtifact, list[str], bool]:
            tab = Tab(context)
            await tab.visit(base + "/o-lai", ctx, 0)
            page = context.pages[0]
            dialogs: list[str] = []
            page.on("dialog", lambda dialog: dialogs.append(dialog.type))
            await page.click("p")  # Chromium asks before unloading only a page the user touched
            second = await tab.visit(base + "/tiep", ctx, 1)
            return second, dialogs, context.pages == [page]

        second, dialogs, same_tab = in_browser(tmp_path, work)
    assert dialogs == ["beforeunload"] and same_tab
    assert second.error is None and second.status == 200 and second.title == "Trang thường"
    assert second.final_url == base + "/tiep"


def test_after_a_page_that_times_out_the_next_is_recorded_in_a_fresh_tab(tmp_path: Path) -> None:
    with never_answering() as hanging, serve_site({
        "/cham": (200, {}, f"<html><head><title>Chậm</title></head><body><img src='{hanging}/anh.png'></body>"),
        "/tiep": (200, {}, NORMAL),
    }) as base:
        async def work(ctx: CollectContext, context: BrowserContext) -> tuple[PageArtifact, PageArtifact, bool]:
            tab = Tab(context)
            slow = await tab.visit(base + "/cham", ctx, 0)
            second = await tab.visit(base + "/tiep", ctx, 1)
            return slow, second, len(context.pages) == 1

        slow, second, one_tab = in_browser(tmp_path, work)
    assert slow.error and f"no complete page within {PAGE_TIMEOUT_S:.0f} s" in slow.error and slow.status == 200
    assert one_tab  # the timed-out page's tab was closed
    assert second.error is None and second.status == 200 and second.title == "Trang thường"
    assert not any("anh.png" in request.url for request in second.requests)


def test_after_a_page_that_spins_for_ever_the_next_is_recorded(tmp_path: Path) -> None:
    spinning = "<html><head><title>Quay</title></head><body><script>setTimeout(() => { for (;;) {} }, 200);</script>"
    with serve_site({"/quay": (200, {}, spinning), "/tiep": (200, {}, NORMAL)}) as base:
        async def work(ctx: CollectContext, context: BrowserContext) -> tuple[PageArtifact, PageArtifact]:
            tab = Tab(context)
            return await tab.visit(base + "/quay", ctx, 0), await tab.visit(base + "/tiep", ctx, 1)

        stuck, second = in_browser(tmp_path, work)
    assert stuck.status == 200 and any("did not settle" in error for error in stuck.page_errors)
    assert second.error is None and second.status == 200 and second.title == "Trang thường"


def test_a_url_a_fragment_away_from_the_tab_s_page_is_loaded_afresh(tmp_path: Path) -> None:
    # Navigating a tab within its document loads nothing to record.
    with serve_site({"/trang": (200, {}, NORMAL)}) as base:
        async def work(ctx: CollectContext, context: BrowserContext) -> list[PageArtifact]:
            tab = Tab(context)
            return [await tab.visit(base + "/trang#mot", ctx, 0), await tab.visit(base + "/trang#hai", ctx, 1)]

        pages = in_browser(tmp_path, work)
    assert [(page.status, page.title, page.error) for page in pages] == [(200, "Trang thường", None)] * 2


# A hash router that reads its route once, when the document loads: a tab that only moved its
# fragment would go on showing the route it loaded first.
ROUTED_ONCE = f"""<!DOCTYPE html><html lang='vi'><head>{COUNTER}<script>
document.title += ' ' + location.hash;</script></head><body></body></html>"""


def test_a_route_a_fragment_away_is_loaded_anew_in_the_same_tab(tmp_path: Path) -> None:
    # The tab, and what a single-page app keeps in its sessionStorage (a login), is kept.
    # The document's address written as read (a portal list's), and as the browser shows it.
    with serve_site({"/d%E1%BB%8Bch-v%E1%BB%A5": (200, {}, ROUTED_ONCE)}) as base:
        async def work(ctx: CollectContext, context: BrowserContext) -> list[PageArtifact]:
            tab = Tab(context)
            routes = ("/dịch-vụ#/mot", "/dịch-vụ#/hai", "/d%E1%BB%8Bch-v%E1%BB%A5#/hai")
            return [await tab.visit(base + route, ctx, n) for n, route in enumerate(routes)]

        pages = in_browser(tmp_path, work)
    assert [(page.status, page.title, page.error) for page in pages] == [
        (200, "Lượt 1 #/mot", None), (200, "Lượt 2 #/hai", None), (200, "Lượt 3 #/hai", None)]


def blank_snapshot(base: str) -> Snapshot:
    return Snapshot(portal=PortalRef(id="thu", name="Thử", url=base + "/"), start_url=base + "/",
                    started_at=datetime.now(UTC))


def form_entry(page_url: str) -> Entry:
    return Entry(function="lookup", page_url=page_url, selector="#ma", text="Tra cứu", target_url=page_url,
                 matched="tra cứu", how="form", clicks=1)


COUNTED_FORM = f"""<html><head>{COUNTER}</head><body><form action='/ket-qua'>
    <input id='ma' name='ma'></form></body></html>"""


def test_the_functions_use_forms_and_read_pages_in_tabs_navigated_on(tmp_path: Path) -> None:
    with serve_site({"/tra-cuu": (200, {}, COUNTED_FORM),
                     "/ket-qua?ma=X1": (200, {}, "<html><head><title>Kết quả</title></head><body>Không tìm thấy</body>"),
                     **{f"/thu-tuc-{n}": (200, {}, f"<html><head>{COUNTER}</head></html>") for n in range(1, 3)}}) as base:
        async def work(ctx: CollectContext, context: BrowserContext) -> tuple[list[str], FormUse, int]:
            exerciser = Exerciser(blank_snapshot(base), ctx, context)
            use = await exerciser.use_form("lookup", form_entry(base + "/tra-cuu"), "X1", "lookup")
            titles = [(await exerciser.read_page(base + f"/thu-tuc-{n}", None)).title for n in range(1, 3)]
            return titles, use, len(context.pages)

        titles, use, open_tabs = in_browser(tmp_path, work)
    assert use.error is None and use.status == 200 and use.result_url == base + "/ket-qua?ma=X1"
    # The form's page counted visit 1 of the tab; a new tab per page would start at 1 again.
    assert titles == ["Lượt 2", "Lượt 3"]
    assert open_tabs == 1


def test_a_form_use_that_fails_closes_its_tab_and_leaves_nothing_to_the_next(tmp_path: Path) -> None:
    broken = f"""<html><head>{COUNTER}</head><body><script>throw new Error('lỗi trang hỏng')</script>
        <p>Không có ô nhập</p></body></html>"""
    with serve_site({"/hong": (200, {}, broken), "/tra-cuu": (200, {}, COUNTED_FORM),
                     "/ket-qua?ma=X1": (200, {}, "<html><head><title>Kết quả</title></head></html>")}) as base:
        async def work(ctx: CollectContext, context: BrowserContext) -> tuple[FormUse, FormUse, str]:
            exerciser = Exerciser(blank_snapshot(base), ctx, context)
            failed = await exerciser.use_form("lookup", form_entry(base + "/hong"), "X1", "hong")
            # Straight after a good use, a page that throws: its error is its own use's alone.
            good = await exerciser.use_form("lookup", form_entry(base + "/tra-cuu"), "X1", "tra-cuu")
            counted = (await exerciser.read_page(base + "/tra-cuu", None)).title
            return failed, good, counted

        failed, good, counted = in_browser(tmp_path, work)
    assert failed.error and "Timeout" in failed.error and failed.screenshot
    assert any("lỗi trang hỏng" in error for error in failed.page_errors)
    assert good.error is None and good.page_errors == []
    # The failed use's tab was closed: the good use started visit 1 of a fresh tab.
    assert counted == "Lượt 2"


def test_errors_the_previous_document_throws_while_leaving_are_not_the_next_form_use_s(tmp_path: Path) -> None:
    leaving = """<html><head><title>Trang trước</title><script>
        setInterval(() => { throw new Error('lỗi của trang trước'); }, 2);
        addEventListener('pagehide', () => { throw new Error('lỗi của trang trước khi rời đi'); });
        </script></head><body>Trang trước</body></html>"""
    with serve_site({"/truoc": (200, {}, leaving), "/tra-cuu": (200, {}, COUNTED_FORM),
                     "/ket-qua?ma=X1": (200, {}, "<html><head><title>Kết quả</title></head></html>")}) as base:
        async def work(ctx: CollectContext, context: BrowserContext) -> FormUse:
            exerciser = Exerciser(blank_snapshot(base), ctx, context)
            await exerciser.read_page(base + "/truoc", None)
            return await exerciser.use_form("lookup", form_entry(base + "/tra-cuu"), "X1", "tra-cuu")

        use = in_browser(tmp_path, work)
    assert use.error is None and use.status == 200
    assert use.page_errors == []  # the search would count as crashed


def test_reflow_in_a_tab_navigated_on_measures_every_page_at_the_narrow_width(tmp_path: Path) -> None:
    wide = "<html><head><title>Rộng</title></head><body><div style='width: 600px'>Bảng rộng</div></body></html>"
    with serve_site({"/mot": (200, {}, NORMAL), "/hai": (200, {}, wide)}) as base:
        async def work(ctx: CollectContext, context: BrowserContext) -> list[OverflowTest]:
            narrow = await ctx.session.new_context(viewport=narrow_viewport(ResponsiveParams()))
            tab = ReusedTab(narrow)
            try:
                return [*await reflow_tests(tab, base + "/mot", ResponsiveParams(), ctx),
                        *await reflow_tests(tab, base + "/hai", ResponsiveParams(), ctx)]
            finally:
                await narrow.close()

        tests = in_browser(tmp_path, work)
    # The first page's zoom test left the tab at the desktop width; the second page is still
    # measured narrow first, and overflows there.
    assert [(test.condition, test.viewport_width) for test in tests] == [
        ("width 320px", 320), ("text 200%", 1280), ("width 320px", 320), ("text 200%", 1280)]
    assert tests[0].scroll_width <= tests[0].client_width
    assert tests[2].scroll_width >= 600 > tests[2].client_width
