"""A polite same-site crawl from the start URL, bounded by pages, depth and time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from assessor.artifacts.page import PageArtifact
from assessor.checks.common import DEFAULT_PORTS, canonical_url, route_path, same_portal
from assessor.collect.context import CollectContext
from assessor.collect.deadline import DeadlineExceeded, within
from assessor.collect.page_visit import Tab, first_line
from assessor.collect.timings import INIT_SCRIPT

# Documents a browser would download rather than render; link health checks them separately.
SKIPPED_SUFFIXES = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".7z", ".gz",
    ".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".ico", ".mp4", ".mp3", ".avi", ".exe", ".apk",
)
VISIT_GRACE_S = 15.0
CLOSE_LIMIT_S = 10.0
SKIPPED_PATH_WORDS = ("logout", "dang-xuat", "signout", "sign-out")


@dataclass(frozen=True)
class QueuedPage:
    url: str
    depth: int
    found_on: str | None
    link_text: str


def normalise(url: str) -> str:
    return canonical_url(url)


def same_site(url: str, origin: str) -> bool:
    """Same scheme, host and port as the site being crawled; or, for a site reached over plain
    HTTP, its own host over HTTPS (a portal given as http:// whose menu links to https:// is one
    site, upgraded). The way down, from HTTPS to plain HTTP, is not followed."""
    a, b = urlsplit(url), urlsplit(origin)
    a_port, b_port = a.port or DEFAULT_PORTS.get(a.scheme), b.port or DEFAULT_PORTS.get(b.scheme)
    if a.hostname != b.hostname:
        return False
    upgraded = (b.scheme, b_port, a.scheme, a_port) == ("http", 80, "https", 443)
    return (a.scheme, a_port) == (b.scheme, b_port) or upgraded


def worth_visiting(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    path = route_path(url).lower()
    return not path.endswith(SKIPPED_SUFFIXES) and not any(word in path for word in SKIPPED_PATH_WORDS)


async def crawl(
    start_url: str,
    ctx: CollectContext,
    extra_urls: list[str] | None = None,
    ignore_https_errors: bool = False,
    wanted: Callable[[PageArtifact], list[str]] | None = None,
) -> list[PageArtifact]:
    """The home page first; then the pages `wanted` names on it (the functions the rubric
    judges), so the page budget is never spent before reaching them; then the rest, sampling
    every section of the site (`take_most_diverse`)."""
    settings = ctx.settings
    context = await ctx.session.new_context(ignore_https_errors=ignore_https_errors)
    await context.add_init_script(INIT_SCRIPT)
    # Popups opened by a page are closed at once: the crawl decides where to go, not the page.
    context.on("popup", lambda popup: asyncio.ensure_future(popup.close()))
    pages: list[PageArtifact] = []
    # One tab per worker, navigated from page to page (closing the context closes them); the
    # home page's tab becomes the first worker's.
    tabs = [Tab(context) for _ in range(max(1, settings.per_host_concurrency))]
    try:
        home = await visit_within_deadline(tabs[0], start_url, ctx, 0)
        pages.append(home)
        ctx.progress(f"{len(pages)}/{settings.max_pages} {home.final_url}")
        if home.status is None or not same_portal(home.final_url, start_url):
            return pages  # unreachable, or sent to another site (e.g. a closed portal)
        origin = home.final_url
        seen = {normalise(start_url), normalise(home.final_url)}
        queue: list[QueuedPage] = []
        for url in map(normalise, extra_urls or []):
            if url not in seen:
                seen.add(url)
                queue.append(QueuedPage(url, 1, None, ""))
        enqueue_links(home, origin, seen, queue, settings.max_depth)
        first = {normalise(url) for url in wanted(home)} if wanted else set()
        lock = asyncio.Lock()
        visited_per_section: dict[str, int] = {section(home.final_url): 1}

        async def worker(tab: Tab) -> None:
            while True:
                async with lock:
                    if not queue or len(pages) >= settings.max_pages or ctx.time_left() <= 0:
                        return
                    item = take_most_diverse(queue, visited_per_section, first)
                    visited_per_section[section(item.url)] = visited_per_section.get(section(item.url), 0) + 1
                    index = len(pages)
                    pages.append(PageArtifact(url=item.url, final_url=item.url))  # reserve the slot
                artifact = await visit_within_deadline(tab, item.url, ctx, index, item.depth, item.found_on, item.link_text)
                async with lock:
                    pages[index] = artifact
                    if artifact.ok and same_site(artifact.final_url, origin):
                        enqueue_links(artifact, origin, seen, queue, settings.max_depth)
                ctx.progress(f"{len(pages)}/{settings.max_pages} {artifact.final_url}")
                if settings.politeness_delay_s:
                    await asyncio.sleep(settings.politeness_delay_s)

        await asyncio.gather(*(worker(tab) for tab in tabs))
    finally:
        try:
            await within(context.close(), CLOSE_LIMIT_S)
        except DeadlineExceeded:
            pass  # a renderer stuck in JavaScript: the browser's own shutdown reaps it
    return pages


def visit_deadline_s(ctx: CollectContext) -> float:
    """A page may take its timeout to load, twice as long again for screenshots and the page
    gatherers (axe), and never much past the crawl's budget. `visit` bounds its own steps
    within this; this deadline is the backstop."""
    page_timeout = ctx.settings.page_timeout_s
    return min(3 * page_timeout + VISIT_GRACE_S, max(ctx.time_left(), 0.0) + 2 * page_timeout + VISIT_GRACE_S)


async def visit_within_deadline(
    tab: Tab, url: str, ctx: CollectContext, index: int, depth: int = 0, found_on: str | None = None, link_text: str = ""
) -> PageArtifact:
    """`tab.visit`, abandoned at a hard deadline: a page that never answers, drips its bytes or
    spins its CPU costs one deadline, not the run (and its tab: the next visit opens another)."""
    seconds = visit_deadline_s(ctx)
    try:
        return await within(tab.visit(url, ctx, index, depth, found_on, link_text), seconds)
    except DeadlineExceeded as exc:
        artifact = PageArtifact(url=url, final_url=url, depth=depth, found_on=found_on, link_text=link_text)
        artifact.error = first_line(f"page abandoned: {exc} (no complete response, or the page never settled)")
        return artifact


def section(url: str) -> str:
    """The folder a page sits in: /thu-tuc/1.001 and /thu-tuc/2.002 share '/thu-tuc/' (and so do
    the routes /#/thu-tuc/1.001 and /#/thu-tuc/2.002)."""
    path = route_path(url) or "/"
    return path.rsplit("/", 1)[0] + "/"


def take_most_diverse(queue: list[QueuedPage], visited_per_section: dict[str, int],
                      first: set[str] | frozenset[str] = frozenset()) -> QueuedPage:
    """The next page to visit: one of `first` (normalised URLs), then from the least-visited
    section, then the shallowest, then the first found. A page budget then samples every kind of
    page (catalogue, procedure pages, news, ...) instead of spending itself on the many siblings
    of one list."""
    best = min(
        range(len(queue)),
        key=lambda index: (queue[index].url not in first, visited_per_section.get(section(queue[index].url), 0),
                           queue[index].depth, index),
    )
    return queue.pop(best)


def enqueue_links(page: PageArtifact, origin: str, seen: set[str], queue: list[QueuedPage], max_depth: int) -> None:
    if page.depth >= max_depth:
        return
    for link in page.links:
        url = normalise(link.url)
        if url in seen or not same_site(url, origin) or not worth_visiting(url):
            continue
        seen.add(url)
        queue.append(QueuedPage(url, page.depth + 1, page.final_url, link.text))
