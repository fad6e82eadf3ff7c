"""What the browser records about one crawled page."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from assessor.artifacts.accessibility import AxeResult

HeaderList = list[tuple[str, str]]

# How a page whose load did not complete is recorded in `PageArtifact.error`, with Chromium's reason.
UNFINISHED_LOAD = re.compile(r"no complete page within (\d+) s \((.*)\)", re.DOTALL)


def unfinished_load(seconds: float, reason: str) -> str:
    return f"no complete page within {seconds:.0f} s ({reason})"


def header_values(headers: HeaderList, name: str) -> list[str]:
    """Every value of a header, in order received (Set-Cookie and friends can repeat)."""
    wanted = name.lower()
    return [value for key, value in headers if key.lower() == wanted]


def header_value(headers: HeaderList, name: str) -> str | None:
    values = header_values(headers, name)
    return ", ".join(values) if values else None


class Hop(BaseModel):
    """One step of a redirect chain."""

    url: str
    status: int
    location: str | None = None
    # Its Set-Cookie values: the browser keeps a cookie set on the way (a portal's first answer
    # often sets the session and redirects).
    set_cookies: list[str] = Field(default_factory=list)


class NetworkRequest(BaseModel):
    url: str
    method: str = "GET"
    resource_type: str = ""
    status: int | None = None
    failure: str | None = None
    mime: str | None = None
    transfer_bytes: int | None = None


class ConsoleMessage(BaseModel):
    level: str
    text: str
    location: str | None = None


class Link(BaseModel):
    url: str
    text: str = ""


class PageTimings(BaseModel):
    """Timings the page itself reports (Navigation Timing, Paint Timing, LCP, layout shifts)."""

    ttfb_ms: float | None = None
    fcp_ms: float | None = None
    lcp_ms: float | None = None
    dom_content_loaded_ms: float | None = None
    load_ms: float | None = None
    cls: float | None = None
    total_blocking_time_ms: float | None = None
    longest_task_ms: float | None = None
    transfer_bytes: int | None = None
    request_count: int | None = None
    dom_nodes: int | None = None


class PageArtifact(BaseModel):
    url: str
    final_url: str
    status: int | None = None
    depth: int = 0
    # The page (and link text) that led the crawl here: the click path is rebuilt from these.
    found_on: str | None = None
    link_text: str = ""
    redirects: list[Hop] = Field(default_factory=list)
    headers: HeaderList = Field(default_factory=list)
    title: str = ""
    html_file: str | None = None
    # Loaded from html_file; kept out of snapshot.json, which stays small.
    html: str = Field(default="", exclude=True)
    screenshot: str | None = None
    console: list[ConsoleMessage] = Field(default_factory=list)
    page_errors: list[str] = Field(default_factory=list)
    requests: list[NetworkRequest] = Field(default_factory=list)
    timings: PageTimings = Field(default_factory=PageTimings)
    links: list[Link] = Field(default_factory=list)
    axe: AxeResult | None = None
    # Set when the page could not be loaded at all (timeout, connection refused, ...).
    error: str | None = None
    # Visited in a logged-in browser context (a login recipe was given): not on the anonymous path.
    logged_in: bool = False
    # The outermost elements the page's CSS keeps from being rendered, as `:nth-child` paths into
    # `html` (collect.visibility); None in a snapshot collected before they were recorded.
    hidden_roots: list[str] | None = None

    def header(self, name: str) -> str | None:
        return header_value(self.headers, name)

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and self.status < 400
