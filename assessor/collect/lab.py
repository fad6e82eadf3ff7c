"""Lab runs: cold loads of the key pages, several times, on emulated desktop and mobile.

Each run opens a fresh browser context (empty cache and cookies, new connections), applies the
form factor's viewport through Playwright and its CPU and network throttling through the
DevTools protocol (Emulation.setCPUThrottlingRate, Network.emulateNetworkConditions), records a
small screencast for Speed Index, and waits until the page has gone quiet before reading its
timings. A page that has not fired its load event after `max_load_ms` is read as it stands, and
what the run had not seen finish counts as that long when scored (`checks.performance.as_scored`):
a page too slow to load scores as slow instead of dropping out of the criteria. What is measured
comes from the rubric's `lab` block, so the rubric says what is judged.

A fresh context has no renderer process ready, and starting one is counted in the first paint:
about 60 ms on a fast page, which a real visitor's browser never pays and Lighthouse's numbers do
not include. When runs are measured one at a time (`concurrency: 1`), each context is therefore
warmed up first: a blank page is opened in it, and Chromium then has a spare renderer ready for
the navigation that is measured. With several runs at once the runs compete for the CPU, which
on a small machine adds far more than that to fast pages' paint times (on 2 cores, 100-300 ms
at `concurrency: 2`), and a warm-up (another renderer starting while others measure) only adds
to it; it is left out. So `concurrency: 1` gives Lighthouse's numbers (`bench/lighthouse_compare.py`)
and takes about twice as long; the shipped rubric measures two at a time.
"""

from __future__ import annotations

import asyncio
import base64
import time
from typing import TYPE_CHECKING, Any

from playwright.async_api import BrowserContext, CDPSession, Page
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from assessor.artifacts.performance import FormFactor, LabPage, LabResult, LabRun, LabSettings, PerformanceFacts
from assessor.checks.performance import LabMetricParams, further_runs_could_change
from assessor.collect.browser import open_page
from assessor.collect.gatherers import STAGE_LAB, portal_gatherer
from assessor.collect.page_visit import first_line
from assessor.collect.timings import INIT_SCRIPT, read_timings, speed_index_ms
from assessor.perf.key_pages import SeenPage, key_pages_around
from assessor.snapshot import Snapshot

if TYPE_CHECKING:
    from assessor.collect.context import CollectContext
    from assessor.criteria import Rubric

LAB_CHECK = "performance.lab_metric"
SCREENCAST_MAX_SIDE = 320
POLL_MS = 100
BLOCKING_THRESHOLD_MS = 50
LONG_TASKS = "() => (window.__assessorMetrics ? window.__assessorMetrics.longTasks : []).map((t) => [t.start, t.duration])"
# Another round of runs starts only if this many times the last round's duration is left.
ROUND_MARGIN = 1.5
# After the warm-up page, Chromium starts the spare renderer in the background; this leaves it time.
WARM_UP_S = 0.3
WARM_UP_PAGE = "data:text/html,<title>warm-up</title>"
# An image in or above the viewport, still loading, that would show larger than the largest paint
# so far: it could still become the largest contentful paint, and the screen is not complete. One
# not rendered at all (display: none) has no client rects; one still without a size (an empty box)
# could turn out any size, so it counts.
LARGER_IMAGE_LOADING_IN_VIEW = """() => {
  const largest = window.__assessorMetrics ? window.__assessorMetrics.lcpSize : 0;
  return [...document.images].some((image) => {
    if (image.complete || image.getClientRects().length === 0) return false;
    const box = image.getBoundingClientRect();
    if (box.top >= innerHeight || box.left >= innerWidth) return false;
    const shown = (Math.min(box.right, innerWidth) - Math.max(box.left, 0)) *
                  (Math.min(box.bottom, innerHeight) - Math.max(box.top, 0));
    return box.width * box.height === 0 || shown > largest;
  });
}"""
READ_BACK_S = 3
QUIET_PROBE = """() => [performance.now(), window.__assessorMetrics ? window.__assessorMetrics.lastEntryAt : 0,
  (performance.getEntriesByType('navigation')[0] || {}).loadEventEnd || 0, performance.timeOrigin]"""


def performance_facts(snapshot: Snapshot) -> PerformanceFacts:
    if snapshot.performance is None:
        snapshot.performance = PerformanceFacts()
    return snapshot.performance


def lab_settings(ctx: CollectContext) -> LabSettings:
    return LabSettings.model_validate(ctx.params_for(LAB_CHECK, ("lab",)).get("lab") or {})


def blocking_time_after(fcp_ms: float | None, tasks: list[list[float]]) -> float | None:
    """Lighthouse's Total Blocking Time: of each long task's part after FCP, what exceeds 50 ms
    (up to the end of the run instead of Time to Interactive)."""
    if fcp_ms is None:
        return None
    clipped = (start + duration - max(start, fcp_ms) for start, duration in tasks)
    return sum(max(0.0, part - BLOCKING_THRESHOLD_MS) for part in clipped)


# Chromium's priorities of what a page needs to show itself: the document, styles, fonts, scripts
# that block, and fetch()/XHR (High by default).
HIGH_PRIORITIES = ("VeryHigh", "High")


class RunRecorder:
    """Listens to one run over CDP: requests and bytes on the wire, screencast frames."""

    def __init__(self, cdp: CDPSession) -> None:
        self.cdp = cdp
        self.requests = 0
        self.finished_bytes = 0
        # Bytes of responses still arriving, by request: a run cut before the load counts them too.
        self.arriving_bytes: dict[str, int] = {}
        self.frames: list[tuple[float, bytes]] = []
        self.last_frame_at = time.monotonic()
        # The document's request and response times (browser clock, s): Navigation Timing does not
        # see DevTools' emulated latency on the navigation itself, these events do.
        self.document_sent: float | None = None
        self.document_received: float | None = None
        self.document_status: int | None = None
        # Requests in flight (id -> priority), and when the network was last busy: Lighthouse's
        # quiet network, more than two requests in flight or any of high priority (a page's own
        # fetch() of its content is one) being busy.
        self.in_flight: dict[str, str] = {}
        self.network_busy = False
        self.network_busy_at = time.monotonic()
        cdp.on("Network.requestWillBeSent", self._on_request)
        cdp.on("Network.responseReceived", self._on_response)
        cdp.on("Network.dataReceived", self._on_data)
        cdp.on("Network.loadingFinished", self._on_finished)
        cdp.on("Network.loadingFailed", self._on_failed)
        cdp.on("Page.screencastFrame", self._on_frame)

    def _network_changed(self) -> None:
        busy = len(self.in_flight) > 2 or any(priority in HIGH_PRIORITIES for priority in self.in_flight.values())
        if busy or self.network_busy:  # busy now, or busy until now
            self.network_busy_at = time.monotonic()
        self.network_busy = busy

    def network_quiet_ms(self) -> float:
        """How long the network has been quiet (0 while it is busy)."""
        return 0.0 if self.network_busy else (time.monotonic() - self.network_busy_at) * 1000

    def _on_failed(self, event: dict[str, Any]) -> None:
        self.in_flight.pop(event["requestId"], None)
        self._network_changed()

    def _on_request(self, event: dict[str, Any]) -> None:
        if not event.get("request", {}).get("url", "").startswith("data:"):
            self.requests += 1
            self.in_flight[event["requestId"]] = event.get("request", {}).get("initialPriority", "")
            self._network_changed()
        if event.get("type") == "Document" and self.document_sent is None:
            self.document_sent = event["timestamp"]

    def _on_response(self, event: dict[str, Any]) -> None:
        if event.get("type") == "Document" and self.document_received is None and self.document_sent is not None:
            self.document_received = event["timestamp"]
            self.document_status = event.get("response", {}).get("status")

    @property
    def ttfb_ms(self) -> float | None:
        if self.document_sent is None or self.document_received is None:
            return None
        return (self.document_received - self.document_sent) * 1000

    def _on_data(self, event: dict[str, Any]) -> None:
        request = event["requestId"]
        self.arriving_bytes[request] = self.arriving_bytes.get(request, 0) + int(event.get("encodedDataLength") or 0)

    def _on_finished(self, event: dict[str, Any]) -> None:
        self.arriving_bytes.pop(event["requestId"], None)
        self.finished_bytes += int(event.get("encodedDataLength") or 0)
        self.in_flight.pop(event["requestId"], None)
        self._network_changed()

    @property
    def transfer_bytes(self) -> int:
        return self.finished_bytes + sum(self.arriving_bytes.values())

    def _on_frame(self, event: dict[str, Any]) -> None:
        # Chromium sends the next frame only once this one is acknowledged.
        asyncio.ensure_future(self._ack(event["sessionId"]))
        self.frames.append((event["metadata"]["timestamp"] * 1000.0, base64.b64decode(event["data"])))
        self.last_frame_at = time.monotonic()

    async def _ack(self, session_id: int) -> None:
        try:
            await self.cdp.send("Page.screencastFrameAck", {"sessionId": session_id})
        except PlaywrightError:
            pass  # the run has ended


async def throttle(cdp: CDPSession, form_factor: FormFactor) -> None:
    await cdp.send("Network.enable")
    await cdp.send("Page.enable")
    if form_factor.cpu_slowdown > 1:
        await cdp.send("Emulation.setCPUThrottlingRate", {"rate": form_factor.cpu_slowdown})
    if form_factor.latency_ms is not None or form_factor.download_kbps is not None:
        def bytes_per_s(kbps: float | None) -> float:
            return -1 if kbps is None else kbps * 1000 / 8  # -1: not throttled

        await cdp.send("Network.emulateNetworkConditions", {
            "offline": False,
            "latency": form_factor.latency_ms or 0,
            "downloadThroughput": bytes_per_s(form_factor.download_kbps),
            "uploadThroughput": bytes_per_s(form_factor.upload_kbps),
        })


async def wait_until_quiet(page: Page, recorder: RunRecorder, settings: LabSettings, started: float) -> float:
    """Poll until nothing has painted, shifted or blocked, and the network has been quiet (see
    RunRecorder), for `quiet_ms`; returns timeOrigin."""
    time_origin = 0.0
    while (time.monotonic() - started) * 1000 < settings.max_wait_ms:
        now, last_entry, load_end, time_origin = await page.evaluate(QUIET_PROBE)
        page_quiet = now - max(last_entry, load_end) >= settings.quiet_ms
        screen_quiet = (time.monotonic() - recorder.last_frame_at) * 1000 >= settings.quiet_ms
        if load_end > 0 and page_quiet and screen_quiet and recorder.network_quiet_ms() >= settings.quiet_ms:
            break
        await asyncio.sleep(POLL_MS / 1000)
    return time_origin


async def measure(context: BrowserContext, url: str, form_factor: FormFactor, settings: LabSettings,
                  timeout_s: float) -> LabRun:
    page = await open_page(context)
    # A DevTools session of the run's own, beside the one that set the tab's client hints: with
    # both on one session, the good sample portal's lab test failed 2 times in 9 on its TTFB
    # under load, and 0 in 5 with two (not pinned down further; a session costs next to nothing).
    cdp = await context.new_cdp_session(page)
    recorder = RunRecorder(cdp)
    await throttle(cdp, form_factor)
    scale = SCREENCAST_MAX_SIDE / max(form_factor.width, form_factor.height)
    await cdp.send("Page.startScreencast", {
        "format": "jpeg", "quality": 60,
        "maxWidth": int(form_factor.width * scale), "maxHeight": int(form_factor.height * scale),
    })
    started = time.monotonic()
    cut_at_ms = min(settings.max_load_ms, timeout_s * 1000)
    try:
        await page.goto(url, wait_until="load", timeout=cut_at_ms)
    except PlaywrightTimeoutError:
        await stop_recording(cdp, form_factor)
        return await read_unfinished_run(page, recorder, cut_at_ms)
    time_origin = await wait_until_quiet(page, recorder, settings, started)
    await stop_recording(cdp, form_factor)
    return await read_run(page, recorder, time_origin)


async def stop_recording(cdp: CDPSession, form_factor: FormFactor) -> None:
    await cdp.send("Page.stopScreencast")
    if form_factor.cpu_slowdown > 1:
        # Chromium slows the renderer by making it spin, busy or idle, the whole time throttling is
        # on: end it as soon as the run's window closes (what was measured is already recorded).
        await cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})


async def read_run(page: Page, recorder: RunRecorder, time_origin: float) -> LabRun:
    """What the page and the recorder saw, as one run."""
    timings = await read_timings(page)
    long_tasks = await page.evaluate(LONG_TASKS)
    run = LabRun.model_validate(timings.model_dump())
    run.total_blocking_time_ms = blocking_time_after(run.fcp_ms, long_tasks)
    run.ttfb_ms = recorder.ttfb_ms if recorder.ttfb_ms is not None else run.ttfb_ms
    run.status = recorder.document_status
    run.request_count = recorder.requests
    run.transfer_bytes = recorder.transfer_bytes
    run.screencast_frames = len(recorder.frames)
    run.speed_index_ms = await asyncio.to_thread(speed_index_ms, recorder.frames, time_origin)
    return run


async def read_unfinished_run(page: Page, recorder: RunRecorder, cut_at_ms: float) -> LabRun:
    """A run stopped at `cut_at_ms` before the page's load event: what it saw so far, and whether a
    larger image was still coming. The checks count what it had not seen finish as `cut_at_ms`
    (`checks.performance.as_scored`)."""
    seen_so_far = LabRun(status=recorder.document_status, request_count=recorder.requests,
                         transfer_bytes=recorder.transfer_bytes,
                         screencast_frames=len(recorder.frames), load_cut_at_ms=cut_at_ms,
                         larger_image_pending=True)
    if recorder.document_received is None:  # not even the document's response: nothing to read
        return seen_so_far
    try:
        # A page stuck in a long task would not answer: it is not waited for.
        async with asyncio.timeout(READ_BACK_S):
            time_origin = await page.evaluate("() => performance.timeOrigin")
            run = await read_run(page, recorder, time_origin)
            pending = await page.evaluate(LARGER_IMAGE_LOADING_IN_VIEW)
    except (TimeoutError, PlaywrightError):
        return seen_so_far
    return run.model_copy(update={"load_cut_at_ms": cut_at_ms, "larger_image_pending": pending})


async def fresh_context(ctx: CollectContext, form_factor: FormFactor, settings: LabSettings,
                        ignore_https_errors: bool) -> BrowserContext:
    """A new context for one run, with the form factor's viewport; warmed up (see above) when
    runs are measured one at a time."""
    context = await ctx.session.new_context(
        viewport={"width": form_factor.width, "height": form_factor.height},
        device_scale_factor=form_factor.device_scale_factor,
        is_mobile=form_factor.mobile,
        has_touch=form_factor.mobile,
        ignore_https_errors=ignore_https_errors,
    )
    if settings.concurrency == 1:
        await (await open_page(context)).goto(WARM_UP_PAGE)
        await asyncio.sleep(WARM_UP_S)
    await context.add_init_script(INIT_SCRIPT)
    return context


async def one_run(ctx: CollectContext, url: str, form_factor: FormFactor, settings: LabSettings,
                  ignore_https_errors: bool) -> LabRun:
    context: BrowserContext | None = None
    try:
        context = await fresh_context(ctx, form_factor, settings, ignore_https_errors)
        return await measure(context, url, form_factor, settings, ctx.settings.page_timeout_s)
    except PlaywrightError as exc:
        return LabRun(error=first_line(str(exc)))
    finally:
        if context is not None:
            await context.close()


def lab_scorers(rubric: Rubric) -> list[LabMetricParams]:
    """What every lab criterion scores, so the lab knows when more runs could not change it."""
    return [criterion.parsed_params for criterion in rubric.all_criteria()
            if criterion.check == LAB_CHECK and isinstance(criterion.parsed_params, LabMetricParams)]


def key_pages_of(snapshot: Snapshot, settings: LabSettings) -> tuple[dict[str, str], list[str]]:
    """The key pages among the pages the snapshot holds. The home page is the start page whenever
    it answered without an error status, even if it never finished loading: the lab then cuts its
    runs and it scores as slow, as it is. The other kinds come from crawled pages that loaded, then
    from the procedure pages the functions gatherer opened from the catalogue (the crawl rarely
    reaches one within its page bound)."""
    home = snapshot.home
    start = (SeenPage(home.final_url, home.html or "")
             if home is not None and home.status is not None and home.status < 400 else None)
    others = [SeenPage(page.final_url, page.html) for page in snapshot.pages[1:] if page.ok]
    sampled = snapshot.functions.procedures if snapshot.functions else []
    others += [SeenPage(page.final_url or page.url, page.html) for page in sampled
               if page.html is not None and page.error is None and page.status is not None and page.status < 400]
    return key_pages_around(start, others, settings.pages)


async def run_lab(snapshot: Snapshot, ctx: CollectContext, settings: LabSettings) -> LabResult:
    targets, missing = key_pages_of(snapshot, settings)
    result = await measure_pages(targets, ctx, settings, ignore_https_errors=snapshot.certificate_error is not None)
    result.missing_kinds = missing
    return result


async def measure_pages(targets: dict[str, str], ctx: CollectContext, settings: LabSettings,
                        ignore_https_errors: bool = False) -> LabResult:
    """`settings.runs` cold loads of each kind -> URL, on every form factor."""
    started = time.monotonic()
    pages = [LabPage(kind=kind, url=url, form_factor=form_factor.name)
             for kind, url in targets.items() for form_factor in settings.form_factors]
    by_name = {form_factor.name: form_factor for form_factor in settings.form_factors}
    limit = asyncio.Semaphore(settings.concurrency)

    async def measure_into(page: LabPage) -> None:
        async with limit:
            ctx.progress(f"lab {page.kind} {page.form_factor} run {len(page.runs) + 1}/{settings.runs}")
            page.runs.append(await one_run(ctx, page.url, by_name[page.form_factor], settings, ignore_https_errors))

    # Round by round, so that two runs of the same page never overlap. A page leaves the rounds
    # once a further run could not change its points. Rather than be abandoned half-way by its
    # time budget, the lab stops before a round that would not fit.
    scorers = lab_scorers(ctx.rubric)
    open_pages = list(pages)
    rounds = 0
    while open_pages:
        round_started = time.monotonic()
        await asyncio.gather(*(measure_into(page) for page in open_pages))
        rounds += 1
        for page in open_pages:
            page.settled_early = (settings.settle_early and len(page.runs) < settings.runs
                                  and not further_runs_could_change(page, scorers, settings.runs))
        open_pages = [page for page in open_pages if len(page.runs) < settings.runs and not page.settled_early]
        if open_pages and ctx.time_left() < (time.monotonic() - round_started) * ROUND_MARGIN:
            break
    return LabResult(runs_per_page=rounds, runs_planned=settings.runs, form_factors=settings.form_factors,
                     pages=pages, duration_s=time.monotonic() - started)


@portal_gatherer("lab", stage=STAGE_LAB)
async def lab(snapshot: Snapshot, ctx: CollectContext) -> None:
    performance_facts(snapshot).lab = await run_lab(snapshot, ctx, lab_settings(ctx))
