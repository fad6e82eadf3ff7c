"""Accessibility artifacts: axe-core results per page (issue 6 extends with viewport checks)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AxeNode(BaseModel):
    target: list[str] = Field(default_factory=list)
    html: str = ""
    summary: str = ""


class AxeRule(BaseModel):
    id: str
    impact: str | None = None
    help: str = ""
    help_url: str = ""
    tags: list[str] = Field(default_factory=list)
    nodes: list[AxeNode] = Field(default_factory=list)


class AxeResult(BaseModel):
    version: str = ""
    violations: list[AxeRule] = Field(default_factory=list)
    incomplete: list[AxeRule] = Field(default_factory=list)
    passes: int = 0
    error: str | None = None


class OverflowTest(BaseModel):
    """Whether a page needs horizontal scrolling under one rendering condition."""

    url: str
    condition: str  # e.g. "width 320px", "text 200%", "mobile 375x812"
    viewport_width: int
    scroll_width: int = 0
    client_width: int = 0
    # Text elements whose content no longer fits their box (overflow hidden), after text zoom.
    clipped_text: list[str] = Field(default_factory=list)
    # The elements sticking out furthest to the right, as selectors with their right edge in px.
    widest: list[str] = Field(default_factory=list)
    error: str | None = None

    @property
    def overflows(self) -> bool:
        return self.error is None and self.scroll_width > self.client_width + 1


class FocusStop(BaseModel):
    """One element reached by pressing Tab, and whether its focus can be seen."""

    url: str
    order: int
    selector: str
    tag: str
    text: str = ""
    region: str = "other"  # nav, form, other
    visible: bool
    # The style properties that changed on focus (outline, box-shadow, border, background...).
    changes: list[str] = Field(default_factory=list)


class SkipLink(BaseModel):
    url: str
    text: str
    href: str
    target_exists: bool
    first_focus: bool


class PageControl(BaseModel):
    """A control the portal offers to enlarge text or raise contrast."""

    kind: str  # text_size, contrast
    selector: str
    text: str


class ViewportFacts(BaseModel):
    """What the viewport gatherer measured in the browser, once per portal."""

    overflow_tests: list[OverflowTest] = Field(default_factory=list)
    focus_stops: list[FocusStop] = Field(default_factory=list)
    tabbed_pages: list[str] = Field(default_factory=list)
    skip_link: SkipLink | None = None
    controls: list[PageControl] = Field(default_factory=list)
    mobile_screenshot: str | None = None
    mobile_viewport: str = ""
    mobile_url: str | None = None


class AddressFacts(BaseModel):
    """The portal host's addresses, looked up by the collector's resolver."""

    host: str
    ipv6: list[str] = Field(default_factory=list)
    # Why no lookup was made (an IP literal, a host mapped by --resolve) or why it failed.
    not_looked_up: str | None = None
    error: str | None = None


class AccessFacts(BaseModel):
    """Per-portal accessibility and access artifacts (the page-level ones sit on each page)."""

    viewport: ViewportFacts | None = None
    addresses: AddressFacts | None = None
