"""Accessibility measurements that need the browser in a chosen state, once per portal: reflow at
a narrow width and with text at 200 %, keyboard tabbing through the navigation and forms, the skip
link, the portal's own text-size and contrast controls, a mobile screenshot; and the host's IPv6
addresses, looked up with the collector's own resolver."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from playwright.async_api import Page, ViewportSize

from assessor.artifacts.accessibility import (
    AccessFacts,
    AddressFacts,
    FocusStop,
    OverflowTest,
    PageControl,
    SkipLink,
    ViewportFacts,
)
from assessor.checks.accessibility import KeyboardParams, ResponsiveParams, ip_version
from assessor.checks.common import fold, page_type
from assessor.checks.layout import MobileParams
from assessor.collect.gatherers import STAGE_BROWSER, STAGE_INDEPENDENT, portal_gatherer
from assessor.collect.page_visit import SETTLE_MS
from assessor.collect.tabs import ReusedTab
from assessor.snapshot import Snapshot

if TYPE_CHECKING:
    from assessor.collect.context import CollectContext

DESKTOP = {"width": 1280, "height": 800}
# Page types whose reflow is measured besides the home page (first crawled page of each).
REFLOW_PAGE_TYPES = ("procedure", "catalogue", "lookup")
# Page types tabbed through besides the home page: the first one with a form.
FORM_PAGE_TYPES = ("lookup", "catalogue", "feedback", "login")
# Pages beyond the home page are measured only while this much of the time budget is left.
OPTIONAL_PAGE_RESERVE_S = 15.0

DESCRIBE = """const describe = (el) => {
  if (el.id) return el.tagName.toLowerCase() + '#' + el.id;
  const cls = (typeof el.className === 'string' && el.className.trim()) ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '';
  const parent = el.parentElement && el.parentElement !== document.body ? describe(el.parentElement) + ' > ' : '';
  return (parent.length > 80 ? '… > ' : parent) + el.tagName.toLowerCase() + cls;
};"""

MEASURE_OVERFLOW = (
    """() => {
  %s
  const doc = document.documentElement;
  const client = doc.clientWidth;
  const scroll = Math.max(doc.scrollWidth, document.body ? document.body.scrollWidth : 0);
  const widest = [];
  if (scroll > client + 1) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > client + 1) widest.push([r.right, el]);
    }
    widest.sort((a, b) => b[0] - a[0]);
  }
  const clipped = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const s = getComputedStyle(el);
    const hides = (v) => v === 'hidden' || v === 'clip';
    // Skip what is hidden on purpose, like the visually-hidden labels kept for screen readers.
    if (s.display === 'none' || s.visibility === 'hidden' || el.clientWidth <= 2 || el.clientHeight <= 2) continue;
    if ((s.clip && s.clip !== 'auto') || (s.clipPath && s.clipPath !== 'none')) continue;
    if ((hides(s.overflowX) && el.scrollWidth > el.clientWidth + 1) || (hides(s.overflowY) && el.scrollHeight > el.clientHeight + 1)) {
      clipped.push(describe(el) + ': ' + el.textContent.trim().slice(0, 40));
    }
  }
  return { scroll, client, widest: widest.slice(0, 5).map(([r, el]) => describe(el) + ' (' + Math.round(r) + 'px)'), clipped: clipped.slice(0, 10) };
}"""
    % DESCRIBE
)

# Text-only zoom, as browsers' "zoom text only": every element's font size is multiplied, the
# layout width stays. Sizes are all read before any is written, so nesting does not compound.
ZOOM_TEXT = """(factor) => {
  const els = [document.documentElement, ...document.querySelectorAll('body, body *')];
  const sizes = els.map((el) => parseFloat(getComputedStyle(el).fontSize));
  els.forEach((el, i) => el.style.setProperty('font-size', (sizes[i] * factor) + 'px', 'important'));
}"""

FOCUS_PROPS = [
    "outline-style",
    "outline-width",
    "outline-color",
    "box-shadow",
    "border-top-color",
    "border-bottom-color",
    "border-bottom-width",
    "background-color",
    "color",
    "text-decoration-line",
]

RECORD_UNFOCUSED = """(props) => {
  window.__assessorUnfocused = new Map();
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')) {
    const s = getComputedStyle(el);
    window.__assessorUnfocused.set(el, props.map((p) => s.getPropertyValue(p)));
  }
}"""

READ_FOCUS = (
    """(props) => {
  %s
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const s = getComputedStyle(el);
  const now = props.map((p) => s.getPropertyValue(p));
  const before = (window.__assessorUnfocused && window.__assessorUnfocused.get(el)) || [];
  const changes = props.filter((p, i) => before[i] !== undefined && before[i] !== now[i]);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const visible = changes.some((p) => !p.startsWith('outline')) || (outline && changes.length > 0);
  const region = el.closest('form, [role=search]') ? 'form' : (el.closest('nav, [role=navigation], header, [role=banner]') ? 'nav' : 'other');
  const href = el.getAttribute('href') || '';
  const target = href.startsWith('#') && href.length > 1 ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
  return { selector: describe(el), tag: el.tagName.toLowerCase(), region, visible, changes,
           text: (el.innerText || el.value || el.getAttribute('aria-label') || el.getAttribute('placeholder') || '').trim().slice(0, 80),
           href, target_exists: target !== null };
}"""
    % DESCRIBE
)

IN_PAGE_LINKS = """() => Array.from(document.querySelectorAll('a[href^="#"]')).map((a) => {
  const href = a.getAttribute('href');
  return { text: (a.innerText || a.textContent || '').trim().slice(0, 80), href,
           target_exists: href.length > 1 && document.getElementById(decodeURIComponent(href.slice(1))) !== null };
})"""

CONTROL_CANDIDATES = (
    """() => {
  %s
  return Array.from(document.querySelectorAll('button, a, [role=button], input[type=button], select'))
    .map((el) => [describe(el), [el.innerText || el.value || '', el.getAttribute('aria-label') || '', el.title || ''].join(' ').trim()])
    .filter(([, text]) => text && text.length <= 60);
}"""
    % DESCRIBE
)


def facts_of(snapshot: Snapshot) -> AccessFacts:
    if snapshot.access is None:
        snapshot.access = AccessFacts()
    return snapshot.access


async def open_page(tab: ReusedTab, url: str, ctx: CollectContext, viewport: ViewportSize | None = None) -> Page:
    """`url` loaded in `tab` (at `viewport`, when given, whatever the last use left); the tab is
    closed if the page does not load."""
    page = await tab.page_for(url)
    async with tab.in_use():
        if viewport is not None:
            await page.set_viewport_size(viewport)
        await page.goto(url, wait_until="load", timeout=ctx.settings.page_timeout_s * 1000)
    try:
        await page.wait_for_load_state("networkidle", timeout=SETTLE_MS)
    except Exception:  # noqa: BLE001 - still busy: measure what is there
        pass
    return page


async def overflow_test(page: Page, condition: str) -> OverflowTest:
    raw: dict[str, Any] = await page.evaluate(MEASURE_OVERFLOW)
    return OverflowTest(
        url=page.url,
        condition=condition,
        viewport_width=page.viewport_size["width"],
        scroll_width=raw["scroll"],
        client_width=raw["client"],
        widest=raw["widest"],
        clipped_text=raw["clipped"],
    )


def unloadable(url: str, conditions: list[str], exc: Exception) -> list[OverflowTest]:
    reason = f"{type(exc).__name__}: {str(exc)[:200]}"
    return [OverflowTest(url=url, condition=condition, viewport_width=0, error=reason) for condition in conditions]


async def reflow_tests(
    tab: ReusedTab, url: str, params: ResponsiveParams, ctx: CollectContext
) -> list[OverflowTest]:
    """On one load of the page: the narrow width, then the desktop width with text zoomed."""
    narrow, zoomed = f"width {params.narrow_width_px}px", f"text {params.text_zoom_percent}%"
    try:
        page = await open_page(tab, url, ctx, narrow_viewport(params))
    except Exception as exc:  # noqa: BLE001 - recorded on the tests
        return unloadable(url, [narrow, zoomed], exc)
    async with tab.in_use():
        tests = [await overflow_test(page, narrow)]
        await page.set_viewport_size(DESKTOP)
        await page.evaluate(ZOOM_TEXT, params.text_zoom_percent / 100)
        return [*tests, await overflow_test(page, zoomed)]


def narrow_viewport(params: ResponsiveParams) -> ViewportSize:
    return {"width": params.narrow_width_px, "height": 640}


async def mobile_test(
    tab: ReusedTab, url: str, condition: str, shot: Path, ctx: CollectContext
) -> OverflowTest:
    """The page on a phone-sized screen, measured and photographed."""
    try:
        page = await open_page(tab, url, ctx)
    except Exception as exc:  # noqa: BLE001 - recorded on the test
        return unloadable(url, [condition], exc)[0]
    async with tab.in_use():
        test = await overflow_test(page, condition)
        shot.parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=shot, type="jpeg", quality=70)
        return test


def pages_to_measure(snapshot: Snapshot, types: tuple[str, ...]) -> list[str]:
    """The home page and the first crawled page of each of `types`."""
    loaded = [page for page in snapshot.loaded_pages if page.html]
    chosen = [loaded[0].final_url] if loaded else [snapshot.start_url]
    kinds = {page.final_url: page_type(page) for page in loaded[1:]}
    for kind in types:
        url = next((url for url, found in kinds.items() if found == kind), None)
        if url and url not in chosen:
            chosen.append(url)
    return chosen


async def tab_through(
    tab: ReusedTab, url: str, params: KeyboardParams, ctx: CollectContext, facts: ViewportFacts
) -> None:
    """Press Tab through one page, recording each focused element and whether its focus shows."""
    page = await open_page(tab, url, ctx)
    async with tab.in_use():
        await page.evaluate(RECORD_UNFOCUSED, FOCUS_PROPS)
        skip_words = [fold(word) for word in params.skip_link_words]
        seen: set[str] = set()
        for order in range(1, params.max_tab_stops + 1):
            await page.keyboard.press("Tab")
            stop = await page.evaluate(READ_FOCUS, FOCUS_PROPS)
            if stop is None or stop["selector"] in seen:
                break  # focus left the page or came round again
            seen.add(stop["selector"])
            facts.focus_stops.append(
                FocusStop(
                    url=url,
                    order=order,
                    selector=stop["selector"],
                    tag=stop["tag"],
                    text=stop["text"],
                    region=stop["region"],
                    visible=stop["visible"],
                    changes=stop["changes"],
                )
            )
            is_skip = stop["href"].startswith("#") and any(word in fold(stop["text"]) for word in skip_words)
            if is_skip and facts.skip_link is None:
                facts.skip_link = SkipLink(
                    url=url,
                    text=stop["text"],
                    href=stop["href"],
                    target_exists=stop["target_exists"],
                    first_focus=order == 1,
                )
        if facts.skip_link is None:
            for link in await page.evaluate(IN_PAGE_LINKS):
                if any(word in fold(link["text"]) for word in skip_words):
                    facts.skip_link = SkipLink(
                        url=url,
                        text=link["text"],
                        href=link["href"],
                        target_exists=link["target_exists"],
                        first_focus=False,
                    )
                    break
        if not facts.tabbed_pages:
            facts.controls = find_controls(await page.evaluate(CONTROL_CANDIDATES), params)
        facts.tabbed_pages.append(url)


def find_controls(candidates: list[list[str]], params: KeyboardParams) -> list[PageControl]:
    controls = []
    for selector, text in candidates:
        folded = fold(text)
        for kind, words in (("text_size", params.text_size_words), ("contrast", params.contrast_words)):
            if any(fold(word) in folded.split() or (len(word) > 3 and fold(word) in folded) for word in words):
                controls.append(PageControl(kind=kind, selector=selector, text=text[:60]))
                break
    return controls


@portal_gatherer("viewport", stage=STAGE_BROWSER)
async def measure_viewport(snapshot: Snapshot, ctx: CollectContext) -> None:
    """Reflow and mobile in one chain, keyboard in another, side by side. What matters most comes
    first (the home page), and facts are recorded as they come, so a run cut short by the time
    budget keeps what it measured; pages beyond the home page are skipped when time runs low."""
    # Of each check's params, those this gatherer acts on (the shares only weigh what it measured).
    responsive = ResponsiveParams.model_validate(
        ctx.params_for("accessibility.responsive", ("narrow_width_px", "text_zoom_percent")))
    keyboard = KeyboardParams.model_validate(ctx.params_for(
        "accessibility.keyboard", ("max_tab_stops", "skip_link_words", "text_size_words", "contrast_words")))
    mobile = MobileParams.model_validate(ctx.params_for("layout.mobile_rendering", ("width", "height")))
    facts = ViewportFacts(mobile_viewport=f"{mobile.width}x{mobile.height}")
    facts_of(snapshot).viewport = facts
    insecure = snapshot.certificate_error is not None
    reflow_urls = pages_to_measure(snapshot, REFLOW_PAGE_TYPES)
    home = reflow_urls[0]
    tab_urls = [home, *pages_to_measure(snapshot, FORM_PAGE_TYPES)[1:2]]
    # One tab per context, navigated from page to page (`collect.tabs`).
    narrow = await ctx.session.new_context(viewport=narrow_viewport(responsive), ignore_https_errors=insecure)
    desktop = await ctx.session.new_context(viewport=DESKTOP, ignore_https_errors=insecure)
    phone = await ctx.session.new_context(
        viewport={"width": mobile.width, "height": mobile.height},
        is_mobile=True,
        has_touch=True,
        ignore_https_errors=insecure,
    )

    def time_for(url: str) -> bool:
        return url == home or ctx.time_left() > OPTIONAL_PAGE_RESERVE_S

    async def reflow_and_mobile() -> None:
        shot = Path("screenshots") / "mobile-home.jpg"
        test = await mobile_test(ReusedTab(phone), home, f"mobile {mobile.width}x{mobile.height}", ctx.folder / shot, ctx)
        facts.overflow_tests.append(test)
        if test.error is None:
            facts.mobile_screenshot, facts.mobile_url = str(shot), home
        narrow_tab = ReusedTab(narrow)
        for url in filter(time_for, reflow_urls):
            facts.overflow_tests.extend(await reflow_tests(narrow_tab, url, responsive, ctx))

    async def tabbing() -> None:
        desktop_tab = ReusedTab(desktop)
        for url in filter(time_for, tab_urls):
            await tab_through(desktop_tab, url, keyboard, ctx, facts)

    try:
        await asyncio.gather(reflow_and_mobile(), tabbing())
    finally:
        for context in (narrow, desktop, phone):
            await context.close()


@portal_gatherer("addresses", stage=STAGE_INDEPENDENT)
async def look_up_addresses(snapshot: Snapshot, ctx: CollectContext) -> None:
    """The AAAA records of the portal's host, through the system resolver. A host mapped by
    --resolve, or an IP address, is not looked up: its DNS says nothing about the real portal. A
    portal reached at an IPv6 address is reachable over IPv6: that address is its record."""
    host = urlsplit(snapshot.home.final_url if snapshot.home else snapshot.start_url).hostname or ""
    facts = AddressFacts(host=host)
    facts_of(snapshot).addresses = facts
    version = ip_version(host)
    if version == 6:
        facts.ipv6 = [host]
        return
    if version == 4:
        facts.not_looked_up = "địa chỉ IP, không phải tên miền / an IP address, not a host name"
        return
    if host in ctx.settings.resolve:
        facts.not_looked_up = f"--resolve {host}={ctx.settings.resolve[host]}"
        return
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(loop.getaddrinfo(host, 443, family=socket.AF_INET6, type=socket.SOCK_STREAM), 10)
    except (socket.gaierror, TimeoutError, OSError) as exc:
        facts.error = f"{type(exc).__name__}: {exc}"
        return
    facts.ipv6 = sorted({info[4][0] for info in infos})
