"""Using the portal's functions as a citizen would, after the crawl.

Entries are found with the same rules the checks use (`checks.function_find`, params from the
rubric). The gatherer then opens entry pages the crawl had not reached, runs the catalogue
searches and a dossier lookup with a code that does not exist, samples procedure pages, and probes
internal links and images with bounded, polite HTTP requests. Every proving moment is screenshot
under `functions/` in the snapshot folder.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import httpx
from bs4 import BeautifulSoup
from playwright.async_api import BrowserContext, Page, Route
from playwright.async_api import Error as PlaywrightError
from pydantic import BaseModel

from assessor.artifacts.function import FormUse, FunctionFacts, LinkStatus, SampledPage
from assessor.artifacts.page import PageArtifact
from assessor.checks.common import fold, route_path, same_portal
from assessor.checks.function import LookupParams, SearchParams
from assessor.checks.function_find import (
    Entry,
    FunctionSpec,
    entries_on_page,
    is_procedure_text,
    locate,
    looks_like_procedure_url,
    normalise_url,
)
from assessor.checks.function_procedures import ProcedureFieldsParams
from assessor.checks.function_reach import LinkHealthParams
from assessor.checks.registry import validate_params
from assessor.collect.context import CollectContext
from assessor.collect.crawl import SKIPPED_PATH_WORDS, same_site, worth_visiting
from assessor.collect.gatherers import STAGE_BROWSER, portal_gatherer
from assessor.collect.page_visit import PageRecorder, Tab, first_line
from assessor.collect.tabs import ReusedTab, TabPool
from assessor.collect.timings import INIT_SCRIPT
from assessor.snapshot import Snapshot

SHOTS = Path("functions")
# How long a form's answer may take to arrive after the submit before it is read as it stands.
ANSWER_WAIT_S = 8
# Tabs the gatherer keeps open at once: searches, the lookup and procedure samples run side by side.
OPEN_PAGES = 3
# Entry pages opened beyond the crawl at most.
MAX_ENTRY_VISITS = 12
MAX_TEXT = 20_000
# The visible answer to a form: the first message-like element, else the main text.
MESSAGE_SCRIPT = """() => {
  const selectors = ['[role=alert]', '[role=status]', '[aria-live]', '.alert', '.notice', '.message',
                     '.error', '.result', '[id*=result]', '[class*=empty]'];
  for (const selector of selectors) {
    for (const el of document.querySelectorAll(selector)) {
      const text = (el.innerText || '').trim();
      if (text && el.offsetParent !== null) return text.slice(0, 500);
    }
  }
  const main = document.querySelector('main') || document.body;
  return (main ? main.innerText : '').trim().slice(0, 500);
}"""
LINKS_SCRIPT = """() => Array.from(document.querySelectorAll('a[href]'))
  .map((a) => [a.href, (a.innerText || a.getAttribute('aria-label') || a.title || '').trim().slice(0, 200)])"""


class CollectorParams(BaseModel):
    """What the rubric asks the gatherer to exercise."""

    specs: dict[str, FunctionSpec]
    search: SearchParams | None
    lookup: LookupParams | None
    procedures: ProcedureFieldsParams | None
    links: LinkHealthParams


def collector_params(ctx: CollectContext) -> CollectorParams:
    specs: dict[str, FunctionSpec] = {}
    for criterion in ctx.rubric.all_criteria():
        functions = getattr(criterion.parsed_params, "functions", None)
        if isinstance(functions, dict):
            for name, spec in functions.items():
                specs.setdefault(name, spec)

    def parsed(check_id: str, used: tuple[str, ...]) -> BaseModel | None:
        params = ctx.params_for(check_id, used)
        return validate_params(check_id, params) if params else None

    # Of each check's params, those the gatherer acts on (the rest only judge what it collected).
    links = parsed("function.link_health", ("max_probes", "concurrency")) or LinkHealthParams()
    return CollectorParams(specs=specs, search=parsed("function.catalogue_search", ("queries", "search", "procedures")),
                           lookup=parsed("function.dossier_lookup", ("code", "functions")),
                           procedures=parsed("function.procedure_fields", ("procedures", "sample_size")),
                           links=links)


# The button nearest a field, among its parent's and two more ancestors' descendants, clicked.
CLICK_NEARBY_BUTTON = """(field) => {
  const clickable = 'button, [role=button], input[type=submit], input[type=button], input[type=image]';
  for (let node = field.parentElement, depth = 0; node && depth < 3; node = node.parentElement, depth++) {
    const button = node.querySelector(clickable);
    if (button) { button.click(); return true; }
  }
  return false;
}"""


class Exerciser:
    """One browser context for using the functions, its tabs navigated from use to use
    (`collect.tabs`); bounded by the collection deadline."""

    def __init__(self, snapshot: Snapshot, ctx: CollectContext, context: BrowserContext) -> None:
        self.snapshot = snapshot
        self.ctx = ctx
        self.context = context
        self.timeout_ms = max(1000.0, min(ctx.settings.page_timeout_s, 15.0) * 1000)
        self.tabs = TabPool(context, OPEN_PAGES, ReusedTab)
        (ctx.folder / SHOTS).mkdir(parents=True, exist_ok=True)

    async def shoot(self, page: Page, name: str) -> str | None:
        path = SHOTS / f"{name}.jpg"
        try:
            await page.screenshot(path=self.ctx.folder / path, type="jpeg", quality=60, timeout=5000)
        except PlaywrightError:
            return None
        return str(path)

    async def use_form(self, function: str, entry: Entry, value: str, shot: str) -> FormUse:
        """Fill the entry's field with `value`, submit it, and record how the portal answered."""
        async with self.tabs.tab() as tab:
            return await self._use_form(tab, function, entry, value, shot)

    async def _use_form(self, tab: ReusedTab, function: str, entry: Entry, value: str, shot: str) -> FormUse:
        use = FormUse(function=function, page_url=entry.page_url, selector=entry.selector, query=value)
        page = await tab.page_for(entry.page_url)
        # The crawl's recorder: in a reused tab it leaves out what the previous document throws
        # until the entry page commits (a use with page errors counts as crashed).
        recorder = PageRecorder(page)
        try:
            await page.goto(entry.page_url, wait_until="load", timeout=self.timeout_ms)
            field = page.locator(entry.selector).first
            await field.wait_for(state="visible", timeout=self.timeout_ms)  # a single-page app renders it late
            links_before = await page.evaluate(LINKS_SCRIPT)
            before_submit = len(recorder.requests)

            async def links_if_answered() -> list[list[str]] | None:
                """The page's links once the submit did something (sent a request, went elsewhere
                or changed a link); None when it did nothing."""
                links = await page.evaluate(LINKS_SCRIPT)
                answered = recorder.requests[before_submit:] or page.url != entry.page_url or links != links_before
                return links if answered else None

            await field.fill(value, timeout=self.timeout_ms)
            await field.press("Enter", timeout=self.timeout_ms)
            await self.await_answer(page, recorder)
            links_after = await links_if_answered()
            # Enter did nothing: a box without a form (or a form that wants its button) answers
            # the click of the button beside it.
            if links_after is None and await field.evaluate(CLICK_NEARBY_BUTTON):
                await self.await_answer(page, recorder)
                links_after = await links_if_answered()
            use.result_url = page.url
            answered = [r for r in recorder.requests[before_submit:] if r.status is not None]
            documents = [r for r in answered if r.resource_type == "document"]
            data = [r for r in answered if r.resource_type in ("document", "xhr", "fetch")]
            use.status = documents[-1].status if documents else max((r.status for r in data), default=None)
            use.server_errors = [f"HTTP {r.status} {r.url}" for r in data if r.status >= 500][:5]
            use.message = (await page.evaluate(MESSAGE_SCRIPT)) or ""
            # A submit that did nothing has no results: the links already beside the box are not
            # its results, however well they match the query.
            use.results = [
                (href, text) for href, text in links_after or []
                if matches_query(text, value) and normalise_url(href) != normalise_url(entry.page_url)][:20]
            use.screenshot = await self.shoot(page, shot)
        except PlaywrightError as exc:
            use.error = first_line(str(exc))
            use.screenshot = await self.shoot(page, shot)
            await tab.close()
        finally:
            recorder.detach()
            use.page_errors = recorder.page_errors
        return use

    async def await_answer(self, page: Page, recorder: PageRecorder) -> None:
        """Wait for the answer to a submit: the requests it started (a new document, or a single-page
        app's data request) done and the network quiet since. Playwright's "networkidle" had often
        been reached before the submit, so a single-page app's old content was read as the answer
        on a busy machine."""
        recorder.expect_activity()
        try:
            await page.wait_for_load_state("load", timeout=self.timeout_ms)
        except PlaywrightError:
            pass
        await recorder.settled(min(ANSWER_WAIT_S, self.timeout_ms / 1000))

    async def follow(self, use: FormUse, rules: ProcedureFieldsParams | None, shot: str) -> None:
        """Open the first result: does the search lead to a procedure page?"""
        if not use.results:
            return
        use.followed_url = use.results[0][0]
        sampled = await self.read_page(use.followed_url, shot)
        use.followed_status = sampled.status
        use.followed_is_procedure = bool(
            rules and sampled.error is None and is_procedure_text(sampled.text, rules.procedures))

    async def read_page(self, url: str, shot: str | None) -> SampledPage:
        async with self.tabs.tab() as tab:
            return await self._read_page(tab, url, shot)

    async def _read_page(self, tab: ReusedTab, url: str, shot: str | None) -> SampledPage:
        sampled = SampledPage(url=url)
        page = await tab.page_for(url)
        recorder = PageRecorder(page)
        try:
            response = await page.goto(url, wait_until="load", timeout=self.timeout_ms)
            await recorder.rendered(self.timeout_ms / 1000)  # a single-page app still fetching its content
            sampled.final_url = page.url
            sampled.status = response.status if response else None
            sampled.title = (await page.title())[:300]
            sampled.text = (await page.evaluate("() => document.body ? document.body.innerText : ''"))[:MAX_TEXT]
            sampled.document_links = [href for href, _ in await page.evaluate(LINKS_SCRIPT)
                                      if urlsplit(href).path.lower().endswith((".doc", ".docx", ".pdf", ".xls", ".xlsx"))]
            sampled.html = (await page.content())[:MAX_SAMPLED_HTML]
            if shot:
                sampled.screenshot = await self.shoot(page, shot)
            # Read last: a tracker's hit follows what the page drew (a single-page app sends
            # trackDVC once it has rendered the procedure), and waiting longer for it would cost
            # every sampled page of every portal.
            sampled.requests = list(recorder.requests)
        except PlaywrightError as exc:
            sampled.error = first_line(str(exc))
            await tab.close()
        finally:
            recorder.detach()
        return sampled


def matches_query(text: str, query: str) -> bool:
    words = fold(query).split()
    folded = fold(text)
    return bool(words) and all(word in folded for word in words)


def anonymous_pages(snapshot: Snapshot) -> list[PageArtifact]:
    return [page for page in snapshot.pages if not page.logged_in]


def known_urls(snapshot: Snapshot) -> set[str]:
    """URLs already loaded; a page the crawl failed on (a timeout) is tried once more."""
    return {normalise_url(url) for page in snapshot.pages if page.status is not None for url in (page.url, page.final_url)}


async def open_missing_entries(snapshot: Snapshot, ctx: CollectContext, context: BrowserContext,
                               specs: dict[str, FunctionSpec], facts: FunctionFacts) -> None:
    """Entry pages the crawl did not reach are visited like crawled pages, so the checks judge them alike."""
    origin = snapshot.home.final_url if snapshot.home else snapshot.start_url
    known = known_urls(snapshot)
    missing: dict[str, Entry] = {}
    for entry in function_entries(anonymous_pages(snapshot), specs):
        if normalise_url(entry.target_url) in known:
            continue
        if same_site(entry.target_url, origin) and worth_visiting(entry.target_url):
            missing.setdefault(normalise_url(entry.target_url), entry)
    entries = list(missing.values())[:MAX_ENTRY_VISITS]
    first = len(snapshot.pages)
    # As many tabs as the crawl's workers, each navigated from entry to entry as the crawl's are.
    tabs = TabPool(context, ctx.settings.per_host_concurrency, Tab)

    async def open_entry(index: int, entry: Entry) -> PageArtifact:
        async with tabs.tab() as tab:
            return await tab.visit(entry.target_url, ctx, index, entry.clicks, entry.page_url, entry.text)

    try:
        visited = await asyncio.gather(*(open_entry(first + n, entry) for n, entry in enumerate(entries)))
    finally:
        await tabs.close()
    snapshot.pages.extend(visited)
    facts.entry_pages.extend(range(first, first + len(visited)))


def function_entries(pages: list[PageArtifact], specs: dict[str, FunctionSpec]) -> list[Entry]:
    """Where `pages` lead to each function the rubric names (`locate`), for those found."""
    return [entry for name, spec in specs.items() if (entry := locate(pages, name, spec)) is not None]


def entry_targets(home: PageArtifact, ctx: CollectContext) -> list[str]:
    """The pages the home page links to as the rubric's function entries: the crawl visits them
    first, so the functions are judged on crawled pages and need no visits of their own."""
    return [entry.target_url for entry in function_entries([home], collector_params(ctx).specs)]


def form_entry(snapshot: Snapshot, spec: FunctionSpec, preferred: Entry | None) -> Entry | None:
    """The form field to fill: on the function's own page first, then anywhere in the crawl.
    Pages seen only behind the login count too (a public page the login step reached first);
    `locate` still prefers anonymous ones, and the form is then used anonymously."""
    pages = snapshot.pages
    if preferred is not None:
        wanted = normalise_url(preferred.target_url)
        own = [p for p in pages if p.ok and wanted in (normalise_url(p.url), normalise_url(p.final_url))]
        for page in own:
            found = [e for e in entries_on_page(page, "form", FunctionSpec(fields=spec.fields)) if e.how == "form"]
            if found:
                return found[0]
    fields_only = FunctionSpec(fields=spec.fields)
    return locate(pages, "form", fields_only)


async def exercise_search(exerciser: Exerciser, params: CollectorParams, facts: FunctionFacts) -> None:
    search = params.search
    if search is None:
        return
    catalogue_spec = params.specs.get("catalogue")
    catalogue = locate(anonymous_pages(exerciser.snapshot), "catalogue", catalogue_spec) if catalogue_spec else None
    entry = form_entry(exerciser.snapshot, search.search, catalogue)
    if entry is None:
        return

    async def run(number: int, query: str) -> FormUse:
        use = await exerciser.use_form("catalogue_search", entry, query, f"search-{number}")
        await exerciser.follow(use, params.procedures, f"search-{number}-result")
        return use

    facts.searches.extend(await asyncio.gather(*(run(number, query) for number, query in enumerate(search.queries))))


async def exercise_lookup(exerciser: Exerciser, params: CollectorParams, facts: FunctionFacts) -> None:
    lookup = params.lookup
    if lookup is None:
        return
    name, spec = next(iter(lookup.functions.items()))
    entry = form_entry(exerciser.snapshot, spec, locate(anonymous_pages(exerciser.snapshot), name, spec))
    if entry is not None:
        facts.lookups.append(await exerciser.use_form(name, entry, lookup.code, "lookup"))


async def sample_procedures(exerciser: Exerciser, params: CollectorParams, facts: FunctionFacts) -> None:
    rules = params.procedures
    if rules is None:
        return
    seen = known_urls(exerciser.snapshot)
    candidates = [link.url for page in anonymous_pages(exerciser.snapshot) if page.ok for link in page.links
                  if looks_like_procedure_url(link.url, rules.procedures)]
    chosen = [url for url in dict.fromkeys(normalise_url(url) for url in candidates) if url not in seen]
    chosen = chosen[: rules.sample_size]
    shots = [f"procedure-{number}" if number < 2 else None for number in range(len(chosen))]
    facts.procedures.extend(await asyncio.gather(*(exerciser.read_page(url, shot) for url, shot in zip(chosen, shots))))


def link_targets(snapshot: Snapshot) -> list[LinkStatus]:
    """Every internal link and image seen in the crawl, with the status the crawl already knows."""
    origin = snapshot.home.final_url if snapshot.home else snapshot.start_url
    statuses: dict[str, PageArtifact] = {}
    for page in snapshot.pages:
        statuses.setdefault(normalise_url(page.url), page)
    targets: dict[str, LinkStatus] = {}
    for page in anonymous_pages(snapshot):
        for request in page.requests:
            if request.resource_type == "image" and same_site(request.url, origin):
                targets.setdefault(normalise_url(request.url), LinkStatus(
                    url=request.url, kind="image", status=request.status, error=request.failure,
                    found_on=page.final_url))
        if not page.ok:
            continue
        for link in page.links:
            url = normalise_url(link.url)
            if url in targets or not same_site(link.url, origin) or urlsplit(link.url).scheme not in ("http", "https"):
                continue
            if any(word in route_path(url).lower() for word in SKIPPED_PATH_WORDS):  # logging out
                continue
            crawled = statuses.get(url)
            targets[url] = LinkStatus(url=link.url, kind="link", found_on=page.final_url,
                                      status=crawled.status if crawled else None,
                                      error=crawled.error if crawled else None)
    return list(targets.values())


# What a link not probed for want of time says: it is left out of the judged links and counted as skipped.
OUT_OF_TIME = "not checked: time budget"


async def probe_links(snapshot: Snapshot, ctx: CollectContext, params: LinkHealthParams, facts: FunctionFacts) -> None:
    targets = link_targets(snapshot)
    unknown = [target for target in targets if target.status is None and target.error is None]
    to_probe, skipped = unknown[: params.max_probes], unknown[params.max_probes:]
    semaphore = asyncio.Semaphore(params.concurrency)
    async with ctx.http(follow_redirects=True) as client:

        async def probe(document: str, same: list[LinkStatus]) -> None:
            target = same[0]
            async with semaphore:
                if ctx.time_left() <= 0:
                    target.error = OUT_OF_TIME
                else:
                    try:
                        # GET, not HEAD: many portals answer HEAD wrongly. Of the body, only an
                        # HTML page's first bytes are read, for its title and headings (a soft
                        # 404's words).
                        async with client.stream("GET", document) as response:
                            target.status = response.status_code
                            if response.status_code == 200 and "html" in response.headers.get("content-type", ""):
                                target.said = await page_headings(response)
                    except httpx.HTTPError as exc:
                        target.error = f"{type(exc).__name__}: {exc}"[:200]
            for other in same[1:]:
                other.status, other.said, other.error = target.status, target.said, target.error

        # A route's fragment (/#/thu-tuc) goes to no server: the routes of a hash-routed app are
        # one document, asked for once.
        documents: dict[str, list[LinkStatus]] = {}
        for target in to_probe:
            documents.setdefault(urldefrag(target.url)[0], []).append(target)
        await asyncio.gather(*(probe(document, same) for document, same in documents.items()))
    facts.links = [target for target in targets if target not in skipped and target.error != OUT_OF_TIME]
    facts.links_skipped = len(skipped) + sum(1 for t in targets if t.error == OUT_OF_TIME)


HEADINGS_BYTES = 32_768
# A sampled procedure page's HTML kept in the snapshot: enough for its scripts, bounded.
MAX_SAMPLED_HTML = 300_000


async def page_headings(response: httpx.Response) -> str:
    """The title and h1-h3 of the first HEADINGS_BYTES of an HTML page."""
    head = b""
    async for chunk in response.aiter_bytes():
        head += chunk
        if len(head) >= HEADINGS_BYTES:
            break
    soup = BeautifulSoup(head[:HEADINGS_BYTES], "lxml")
    return " | ".join(element.get_text(" ", strip=True) for element in soup.find_all(["title", "h1", "h2", "h3"])
                      if element.get_text(strip=True))[:300]


def media_skipper(start_url: str) -> Callable[[Route], Awaitable[None]]:
    """A route handler that skips the portal's own pictures, media and fonts. Another host's image
    still loads: a tracker's hit is one (EMC's tracker sends trackDVC as an image beacon), and a
    sampled page must be seen sending it."""
    async def skip_media(route: Route) -> None:
        request = route.request
        if request.resource_type in ("image", "media", "font") and same_portal(request.url, start_url):
            await route.abort()
        else:
            await route.continue_()

    return skip_media


def portal_closed(snapshot: Snapshot) -> bool:
    home = snapshot.home
    return home is None or not same_portal(home.final_url, snapshot.start_url)


@portal_gatherer("functions", stage=STAGE_BROWSER)
async def gather_functions(snapshot: Snapshot, ctx: CollectContext) -> None:
    started = time.monotonic()
    facts = snapshot.functions or FunctionFacts()
    snapshot.functions = facts
    if portal_closed(snapshot):
        return  # moved to another site: nothing of this portal to use
    params = collector_params(ctx)
    context = await ctx.session.new_context(ignore_https_errors=snapshot.certificate_error is not None)
    await context.add_init_script(INIT_SCRIPT)
    context.on("popup", lambda popup: asyncio.ensure_future(popup.close()))
    try:
        await open_missing_entries(snapshot, ctx, context, params.specs, facts)
        # Using the functions needs no pictures; the crawl already judged them.
        await context.route("**/*", media_skipper(snapshot.start_url))
        exerciser = Exerciser(snapshot, ctx, context)
        await exercise_search(exerciser, params, facts)
        await asyncio.gather(exercise_lookup(exerciser, params, facts), sample_procedures(exerciser, params, facts),
                             probe_links(snapshot, ctx, params.links, facts))
    finally:
        await context.close()
        facts.duration_s = round(time.monotonic() - started, 2)
