"""What the function gatherer records: entries it followed, searches and lookups it ran, procedure
pages it sampled, links it probed, and what happened behind the login.

Locating a function is done by the checks from the crawled HTML (so other keywords can be tried
without crawling again); entry pages the crawl had not reached are appended to the snapshot's pages.
These artifacts hold what only a browser could learn: how the portal answered when a citizen used
the function.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from assessor.artifacts.page import NetworkRequest


class FormUse(BaseModel):
    """A form filled and submitted as a citizen would: a catalogue search or a dossier lookup."""

    function: str
    page_url: str
    # How the form and its field were recognised, e.g. `form#lookup-form input[name=ma_ho_so]`.
    selector: str = ""
    query: str
    result_url: str = ""
    # Status of the document, or of the worst data request when a single-page app answered.
    status: int | None = None
    server_errors: list[str] = Field(default_factory=list)
    page_errors: list[str] = Field(default_factory=list)
    # The visible answer: a message element's text (role=alert/status, .notice, ...) or an excerpt.
    message: str = ""
    # Links on the result page that match the query (catalogue search), as (url, text).
    results: list[tuple[str, str]] = Field(default_factory=list)
    # The first result opened: did it lead to a procedure page?
    followed_url: str | None = None
    followed_status: int | None = None
    followed_is_procedure: bool | None = None
    screenshot: str | None = None
    error: str | None = None


class SampledPage(BaseModel):
    """A procedure page opened to read its fields (the crawl rarely reaches many of them)."""

    url: str
    final_url: str = ""
    status: int | None = None
    title: str = ""
    # Visible text (bounded) and links to documents (forms to download).
    text: str = ""
    document_links: list[str] = Field(default_factory=list)
    screenshot: str | None = None
    error: str | None = None
    # Its final HTML (bounded) and requests, for the checks that judge every procedure page (the
    # EMC trackDVC push); None in a snapshot collected before they were kept.
    html: str | None = None
    requests: list[NetworkRequest] = Field(default_factory=list)


class LinkStatus(BaseModel):
    url: str
    kind: str  # "link" or "image"
    status: int | None = None
    error: str | None = None
    found_on: str = ""
    # A probed HTML page's title and first headings: where a portal's "page not found" page,
    # answered with 200, says so.
    said: str | None = None

    @property
    def broken(self) -> bool:
        return self.error is not None or self.status is None or self.status >= 400


class LoginOutcome(BaseModel):
    """What the login recipe achieved. Holds no credential: every text here is scrubbed of the
    values the recipe's environment variables resolved to."""

    recipe: str = ""
    attempted: bool = False
    logged_in: bool = False
    marker: str = ""
    landing_url: str = ""
    steps_done: int = 0
    error: str | None = None
    screenshot: str | None = None
    # Crawled pages (indexes into snapshot.pages) visited while logged in.
    page_indexes: list[int] = Field(default_factory=list)


class FunctionFacts(BaseModel):
    # Function entry pages the crawl had not reached, opened and appended to snapshot.pages.
    entry_pages: list[int] = Field(default_factory=list)
    searches: list[FormUse] = Field(default_factory=list)
    lookups: list[FormUse] = Field(default_factory=list)
    procedures: list[SampledPage] = Field(default_factory=list)
    links: list[LinkStatus] = Field(default_factory=list)
    # Links seen but not probed because the bound was reached.
    links_skipped: int = 0
    login: LoginOutcome | None = None
    duration_s: float = 0.0
