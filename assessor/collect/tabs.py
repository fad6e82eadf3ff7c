"""Browser tabs reused from one page to the next.

Navigating a tab to the next page of a site reuses its renderer. A new tab costs a renderer
for its initial blank page and another for the site, about 0.3 CPU-seconds a page against 0.1 for
a tab navigated on (the sample portal's home page, on two cores), and a campaign waits on the CPU.
A use that does not end well (an error, a timeout, a renderer stuck or crashed) closes its tab, and
the next use opens a fresh one: a hostile page costs one deadline, never the next page.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Generic, TypeVar
from urllib.parse import urldefrag

from playwright.async_api import BrowserContext, Dialog, Page
from playwright.async_api import Error as PlaywrightError

from assessor.checks.common import canonical_url
from assessor.collect.browser import open_page
from assessor.collect.deadline import DeadlineExceeded, within

CLOSE_LIMIT_S = 5.0
BLANK_LIMIT_S = 5.0


class ReusedTab:
    """One tab of a context, navigated from use to use."""

    def __init__(self, context: BrowserContext) -> None:
        self._context = context
        self._page: Page | None = None

    async def page_for(self, url: str) -> Page:
        """The tab, ready to be navigated to `url`: a fresh one when there is none yet. When `url`
        is only a fragment away from the page shown, the navigation would load no document (and a
        hash-routed app's route, /#/thu-tuc, may be drawn or not): the tab is first sent to a blank
        page, so that `url` loads anew. A new tab would do too, but costs more and loses what the
        app kept in the tab's sessionStorage (often its login)."""
        page = self._page
        if page is not None and page.is_closed():
            await self.close()
        elif page is not None and "#" in url and same_document(page.url, url):
            try:
                await page.goto("about:blank", timeout=BLANK_LIMIT_S * 1000)
            except PlaywrightError:
                await self.close()  # a renderer stuck or crashed: a fresh tab instead
        if self._page is None:
            self._page = await open_page(self._context)
            self._page.on("dialog", lambda dialog: asyncio.ensure_future(answer_dialog(dialog)))
        return self._page

    @asynccontextmanager
    async def in_use(self) -> AsyncIterator[None]:
        """One use of the tab: if it raises, the tab is closed and the next use starts afresh."""
        try:
            yield
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        page, self._page = self._page, None
        if page is not None:
            await close_quietly(page)


TabKind = TypeVar("TabKind", bound=ReusedTab)


class TabPool(Generic[TabKind]):
    """`size` tabs of one context, lent one use at a time: at most `size` pages open at once. A use
    that raises closes its tab; one that catches its own errors closes it itself (`ReusedTab.close`)."""

    def __init__(self, context: BrowserContext, size: int, kind: Callable[[BrowserContext], TabKind]) -> None:
        # Last in, first out: the tab used last is lent again first, so uses one after another
        # all go to one tab, and the others open only when uses overlap.
        self._free: asyncio.LifoQueue[TabKind] = asyncio.LifoQueue()
        for _ in range(max(1, size)):
            self._free.put_nowait(kind(context))

    @asynccontextmanager
    async def tab(self) -> AsyncIterator[TabKind]:
        tab = await self._free.get()
        try:
            async with tab.in_use():
                yield tab
        finally:
            self._free.put_nowait(tab)

    async def close(self) -> None:
        while not self._free.empty():
            await self._free.get_nowait().close()


def same_document(url: str, other: str) -> bool:
    """Whether two URLs differ at most in their fragments, however each is written (`/dịch-vụ` as
    read, `/d%E1%BB%8Bch-v%E1%BB%A5` as the browser shows it)."""
    return canonical_url(urldefrag(url)[0]) == canonical_url(urldefrag(other)[0])


async def answer_dialog(dialog: Dialog) -> None:
    """Hostile pages raise alert/confirm/prompt dialogs: dismissed. A beforeunload prompt is
    accepted: dismissing it keeps the page and cancels the tab's next navigation."""
    try:
        await (dialog.accept() if dialog.type == "beforeunload" else dialog.dismiss())
    except PlaywrightError:
        pass  # the page, or its dialog, is already gone


async def close_quietly(page: Page) -> None:
    try:
        await within(page.close(), CLOSE_LIMIT_S)
    except (PlaywrightError, DeadlineExceeded):
        pass  # a renderer stuck in JavaScript: closing the context or the browser reaps it
