"""Loading one page in the browser and recording everything about it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Page, Request, Response

from assessor.artifacts.page import ConsoleMessage, Hop, Link, NetworkRequest, PageArtifact, unfinished_load
from assessor.collect.deadline import DeadlineExceeded, within
from assessor.collect.gatherers import PAGE_GATHERERS
from assessor.collect.tabs import ReusedTab
from assessor.collect.timings import read_timings
from assessor.collect.visibility import hidden_roots

if TYPE_CHECKING:
    from assessor.collect.context import CollectContext

MAX_HTML_CHARS = 2_000_000
MAX_REQUESTS = 500
MAX_CONSOLE = 100
LINKS_SCRIPT = """() => Array.from(document.querySelectorAll('a[href]')).slice(0, 2000)
  .map((a) => [a.href, (a.innerText || a.getAttribute('aria-label') || a.title || '').trim().slice(0, 200)])"""
HTML_LENGTH = "() => document.documentElement ? document.documentElement.outerHTML.length : 0"
HTML_HEAD = "(limit) => document.documentElement.outerHTML.slice(0, limit)"
SETTLE_MS = 1500  # after load, wait this long at most for late requests (SPA data, tracking hits)
# The page has settled once no request has been in flight for this long. Shorter than
# Playwright's "networkidle" (500 ms): a tracker's hit or a single-page app's data request
# follows the script that sends it within milliseconds, and the crawl waits this on every page.
QUIET_NETWORK_MS = 300
# A page with hardly any text is a single-page app's shell until its data has come: while its
# requests are still going, it is waited for this long at most beyond SETTLE_MS (a slow back end
# behind a fast shell would otherwise be recorded as an empty page without links).
RENDERED_SCRIPT = "() => !!document.body && document.body.innerText.trim().length > 400"
RENDER_WAIT_S = 8.0
POLL_S = 0.05


async def redirect_chain(response: Response | None) -> list[Hop]:
    """The hops before the final response, oldest first."""
    hops: list[Hop] = []
    request = response.request.redirected_from if response is not None else None
    while request is not None:
        earlier = await request.response()
        location = await earlier.header_value("location") if earlier is not None else None
        cookies = await earlier.header_values("set-cookie") if earlier is not None else []
        hops.append(Hop(url=request.url, status=earlier.status if earlier is not None else 0, location=location,
                        set_cookies=cookies))
        request = request.redirected_from
    return list(reversed(hops))


class PageRecorder:
    """Listens to a page's events during one visit. `detach` ends the record, so that the next
    visit in the same tab starts a record of its own."""

    def __init__(self, page: Page) -> None:
        self.requests: list[NetworkRequest] = []
        self.console: list[ConsoleMessage] = []
        self.page_errors: list[str] = []
        self._by_request: dict[Request, NetworkRequest] = {}
        # By identity, not a count: a request of the previous document that fails or finishes
        # during this visit is not this page's, and must not end its wait for quiet.
        self._in_flight: set[Request] = set()
        self.last_activity = time.monotonic()
        # The main document's response, kept so that a page that times out while its body is
        # still arriving (a slow or dripping server) is still known to have answered.
        self.document: Response | None = None
        # In a reused tab the previous document runs on until this visit's document commits:
        # until then only the navigation to this visit's document (and its redirects) is recorded.
        self._committed = False
        self._page = page
        self._listeners: dict[str, Callable[..., None]] = {
            "request": self._on_request,
            "response": self._on_response,
            "requestfailed": self._on_failed,
            "requestfinished": self._settle_one,
            "framenavigated": self._on_navigated,
            "console": self._on_console,
            "pageerror": self._on_page_error,
        }
        for event, listener in self._listeners.items():
            page.on(event, listener)

    def detach(self) -> None:
        for event, listener in self._listeners.items():
            self._page.remove_listener(event, listener)

    @staticmethod
    def _bounded(items: list, item: object) -> None:
        if len(items) < MAX_CONSOLE:
            items.append(item)

    def _settle_one(self, request: Request) -> None:
        if request in self._in_flight:
            self._in_flight.discard(request)
            self.last_activity = time.monotonic()

    def expect_activity(self) -> None:
        """Something that starts requests has just happened (a form's submit): a wait for quiet
        from now on waits for those requests, though Playwright may not have reported them yet."""
        self.last_activity = time.monotonic()

    async def settled(self, limit_s: float) -> None:
        """Return once no request has been in flight for QUIET_NETWORK_MS, or after `limit_s`."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if not self._in_flight and (time.monotonic() - self.last_activity) * 1000 >= QUIET_NETWORK_MS:
                return
            await asyncio.sleep(POLL_S)

    async def rendered(self, limit_s: float) -> None:
        """Return at once from a page showing its content; from a shell (see RENDERED_SCRIPT) once
        its requests are done and the network quiet, or after `limit_s` (RENDER_WAIT_S at most)."""
        if not await self._page.evaluate(RENDERED_SCRIPT):
            await self.settled(min(RENDER_WAIT_S, limit_s))

    def _is_document(self, request: Request) -> bool:
        try:
            return request.is_navigation_request() and request.frame == self._page.main_frame
        except PlaywrightError:
            return False  # a service worker's request belongs to no frame

    def _on_navigated(self, frame: Frame) -> None:
        self._committed = self._committed or frame == self._page.main_frame

    def _on_request(self, request: Request) -> None:
        if not self._committed and not self._is_document(request):
            return  # the previous document's
        self._in_flight.add(request)
        self.last_activity = time.monotonic()
        if len(self.requests) >= MAX_REQUESTS:
            return
        record = NetworkRequest(url=request.url[:2000], method=request.method, resource_type=request.resource_type)
        self.requests.append(record)
        self._by_request[request] = record

    def _on_response(self, response: Response) -> None:
        try:
            if response.request.is_navigation_request() and response.frame == self._page.main_frame:
                self.document = response
        except PlaywrightError:
            pass  # a service worker's response belongs to no frame
        record = self._by_request.get(response.request)
        if record is not None:
            record.status = response.status
            record.mime = response.headers.get("content-type")

    def _on_failed(self, request: Request) -> None:
        self._settle_one(request)
        record = self._by_request.get(request)
        if record is not None:
            record.failure = request.failure or "failed"

    def _on_page_error(self, error: PlaywrightError) -> None:
        if self._committed:
            self._bounded(self.page_errors, str(error)[:500])

    def _on_console(self, message: object) -> None:
        level = getattr(message, "type", "log")
        if self._committed and level in ("error", "warning"):
            location = getattr(message, "location", None) or {}
            where = location.get("url") if isinstance(location, dict) else None
            self._bounded(self.console, ConsoleMessage(level=level, text=str(message.text)[:500], location=where))


class Tab(ReusedTab):
    """A crawl worker's tab, which visits page after page (`collect.tabs`): about 0.26
    CPU-seconds a page against 0.64 for a new tab, on a machine where the crawl waits on the CPU.
    A visit that does not end well (an error, a timeout, a gatherer that failed, a renderer stuck or
    crashed, the crawl's deadline) closes the tab."""

    async def visit(self, url: str, ctx: CollectContext, index: int, depth: int = 0, found_on: str | None = None,
                    link_text: str = "") -> PageArtifact:
        """Load `url`, wait for it to settle, record it, run the page gatherers."""
        artifact = PageArtifact(url=url, final_url=url, depth=depth, found_on=found_on, link_text=link_text)
        page = await self.page_for(url)
        recorder = PageRecorder(page)
        trusted = False  # stays so when the visit is cancelled at its deadline
        try:
            trusted = await record(page, recorder, artifact, ctx, index)
        finally:
            recorder.detach()
            if not trusted:
                await self.close()
        return finish(artifact, recorder)


async def record(page: Page, recorder: PageRecorder, artifact: PageArtifact, ctx: CollectContext, index: int) -> bool:
    """Load the artifact's URL in `page` and fill the artifact in. True when every step
    finished, so that the page can be trusted with the next URL."""
    timeout_ms = max(1000.0, min(ctx.settings.page_timeout_s, ctx.time_left()) * 1000)
    started = time.monotonic()
    loaded = True
    try:
        response = await page.goto(artifact.url, wait_until="load", timeout=timeout_ms)
    except PlaywrightError as exc:
        loaded = False
        reason = first_line(str(exc))
        timed_out = "Timeout" in reason
        artifact.error = unfinished_load(timeout_ms / 1000, reason) if timed_out else reason
        response = recorder.document if timed_out else None
        if response is None:  # refused, reset, redirected for ever, or never answered
            return False
    try:
        artifact.final_url = page.url
        artifact.status = response.status
        artifact.headers = [(h["name"], h["value"]) for h in await response.headers_array()]
        artifact.redirects = await redirect_chain(response)
        # What needs the page's renderer can hang on a page spinning in JavaScript: bounded, and
        # what was recorded before the deadline is kept.
        remaining_s = timeout_ms / 1000 - (time.monotonic() - started)
        read_whole = await within(read_page(page, recorder, artifact, ctx, index, remaining_s),
                                  max(remaining_s, 0) + 2 * ctx.settings.page_timeout_s)
    except DeadlineExceeded as exc:
        artifact.page_errors.append(f"page did not settle ({exc}): recorded what was there")
        return False
    except PlaywrightError as exc:
        artifact.error = artifact.error or first_line(str(exc))
        return False
    return loaded and read_whole


async def read_page(page: Page, recorder: PageRecorder, artifact: PageArtifact, ctx: CollectContext, index: int,
                    remaining_s: float) -> bool:
    """Record what the loaded page shows; False when a page gatherer failed."""
    if remaining_s > 0:
        deadline = time.monotonic() + remaining_s
        await recorder.settled(min(SETTLE_MS / 1000, remaining_s))  # still busy after it: record what is there
        await recorder.rendered(deadline - time.monotonic())
    artifact.final_url = page.url
    artifact.title = (await page.title())[:500]
    artifact.html = await bounded_html(page, artifact)
    artifact.hidden_roots = await hidden_roots(page)  # read with the HTML, so that its paths lead into it
    artifact.links = [Link(url=href, text=text) for href, text in await page.evaluate(LINKS_SCRIPT)]
    artifact.timings = await read_timings(page)
    shot = Path("screenshots") / f"{index:03d}.jpg"
    (ctx.folder / shot).parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=ctx.folder / shot, type="jpeg", quality=60, timeout=10_000)
    artifact.screenshot = str(shot)
    whole = True
    for gatherer in PAGE_GATHERERS:
        try:
            await within(gatherer.function(page, artifact, ctx), max(10.0, ctx.settings.page_timeout_s))
        except (PlaywrightError, DeadlineExceeded) as exc:
            artifact.page_errors.append(f"gatherer {gatherer.name} failed: {first_line(str(exc))}")
            whole = False
    return whole


async def bounded_html(page: Page, artifact: PageArtifact) -> str:
    """The page's HTML, cut at MAX_HTML_CHARS inside the browser: a 50 MB page never crosses
    into this process whole."""
    length = await page.evaluate(HTML_LENGTH)
    if length <= MAX_HTML_CHARS:
        return (await page.content())[:MAX_HTML_CHARS]
    artifact.page_errors.append(f"HTML of {length} characters cut to the first {MAX_HTML_CHARS}")
    return await page.evaluate(HTML_HEAD, MAX_HTML_CHARS)


def finish(artifact: PageArtifact, recorder: PageRecorder) -> PageArtifact:
    artifact.requests = recorder.requests
    artifact.console = recorder.console
    artifact.page_errors = recorder.page_errors + artifact.page_errors
    return artifact


def first_line(message: str) -> str:
    """Playwright's errors carry a call log; the user needs only the reason."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if not lines:
        return "unknown error"
    reason = lines[0].removeprefix("Page.goto:").strip() or (lines[1] if len(lines) > 1 else lines[0])
    return reason[:300]
