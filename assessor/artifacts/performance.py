"""What the performance gatherers record: lab runs of key pages, and the load test.

Both halves keep raw numbers (every run, every sample) so that checks compute medians and
spreads themselves and a stored snapshot can be rescored with other curves.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assessor.artifacts.page import PageTimings

KeyPageKind = Literal["home", "search", "procedure", "lookup"]


class LabRun(PageTimings):
    """One cold load of a page in a fresh browser context."""

    # The HTTP status the page's document answered (None when no answer came, or in a snapshot
    # collected before it was recorded): an error page loads fast and must not score as fast.
    status: int | None = None
    # Speed Index from CDP screencast frames (speedline's histogram visual progress).
    speed_index_ms: float | None = None
    screencast_frames: int = 0
    error: str | None = None
    # Set when the page had not fired its load event after the lab's `max_load_ms`: the run stopped
    # there, and what it had not seen finish is scored as that long (`checks.performance.as_scored`).
    # The values above stay what the run saw.
    load_cut_at_ms: float | None = None
    # In a cut run: an image in view, larger than the largest paint so far, was still loading.
    larger_image_pending: bool = False


class FormFactor(BaseModel):
    """A device the lab emulates: viewport through Playwright, throttling through CDP."""

    name: str
    width: int
    height: int
    device_scale_factor: float = 1.0
    mobile: bool = False
    # Emulation.setCPUThrottlingRate: 1 is no slowdown, 4 is a mid-range phone.
    cpu_slowdown: float = 1.0
    # Network.emulateNetworkConditions; None leaves the network unthrottled.
    latency_ms: float | None = None
    download_kbps: float | None = None
    upload_kbps: float | None = None


class LabPage(BaseModel):
    kind: KeyPageKind
    url: str
    form_factor: str
    runs: list[LabRun] = Field(default_factory=list)
    # Fewer runs than planned because a further run could not have changed the points earned.
    settled_early: bool = False


class LabResult(BaseModel):
    runs_per_page: int
    # Fewer runs than planned when the collector's time budget ran short.
    runs_planned: int | None = None
    form_factors: list[FormFactor]
    pages: list[LabPage] = Field(default_factory=list)
    # Key pages the gatherer looked for but found no candidate for in the crawl.
    missing_kinds: list[str] = Field(default_factory=list)
    duration_s: float = 0.0


class LoadPageStats(BaseModel):
    """Locust's statistics for one page type (request name)."""

    name: str
    requests: int
    failures: int
    rps: float
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None

    @property
    def error_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 0.0


class LoadSample(BaseModel):
    """One point of Locust's history (about one per second)."""

    t_s: float
    users: int
    rps: float
    failures_per_s: float
    p50_ms: float | None = None
    p95_ms: float | None = None
    # Requests made since the start of the test, up to this point.
    requests: int = 0


class LoadError(BaseModel):
    """One reason requests of a page type failed, as Locust recorded it, and how often."""

    page: str
    error: str
    occurrences: int


class LoadTestResult(BaseModel):
    target: str
    # Set when the load test did not run (not allowed, or refused by a ceiling); checks report it.
    skipped_reason: str | None = None
    # The same in Vietnamese; None in a snapshot collected before it was kept (the English shows).
    skipped_reason_vi: str | None = None
    users: int = 0
    spawn_rate: float = 0.0
    duration_s: float = 0.0
    workers: int = 0
    paths: dict[str, str] = Field(default_factory=dict)
    pages: list[LoadPageStats] = Field(default_factory=list)
    total: LoadPageStats | None = None
    timeline: list[LoadSample] = Field(default_factory=list)
    # Seconds from the start of the test to its end (when it began to stop, or its last request if later):
    # requests per second are over this. None in results stored before it was recorded.
    elapsed_s: float | None = None
    # Why requests failed: each page type's most frequent reasons, most frequent first.
    errors: list[LoadError] = Field(default_factory=list)
    # PNG chart of latency and users over time, relative to the snapshot folder.
    chart: str | None = None
    error: str | None = None


class PerformanceFacts(BaseModel):
    lab: LabResult | None = None
    load: LoadTestResult | None = None


class KeyPageRule(BaseModel):
    """How to recognise one kind of key page among the crawled pages (first match wins)."""

    model_config = ConfigDict(extra="forbid")

    kind: KeyPageKind
    # Any of these in the URL (case-insensitive) ...
    url_keywords: list[str] = Field(default_factory=list)
    # ... or all of these in the page's text.
    text_keywords: list[str] = Field(default_factory=list)
    # For the search page: submit the page's search form with this query.
    search_query: str | None = None


def default_form_factors() -> list[FormFactor]:
    # Lighthouse's defaults: a 1350x940 desktop, unthrottled; a Moto G Power class phone with a
    # 4x CPU slowdown on "slow 4G" (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up).
    return [
        FormFactor(name="desktop", width=1350, height=940),
        FormFactor(name="mobile", width=412, height=823, device_scale_factor=1.75, mobile=True, cpu_slowdown=4,
                   latency_ms=150, download_kbps=1600, upload_kbps=750),
    ]


class LabSettings(BaseModel):
    """What the lab gatherer measures: read from the rubric, so the rubric says what is judged."""

    model_config = ConfigDict(extra="forbid")

    runs: int = Field(default=3, ge=1, le=15)
    form_factors: list[FormFactor] = Field(default_factory=default_form_factors)
    pages: list[KeyPageRule] = Field(default_factory=list)
    # After the load event, a run ends once nothing has painted, shifted or blocked for this long.
    quiet_ms: int = Field(default=800, ge=0, le=10_000)
    max_wait_ms: int = Field(default=8_000, ge=1_000, le=60_000)
    # A run whose page has not fired its load event by then stops there (never later than the
    # page timeout). What it had not seen finish counts as this long: load time always; TTFB,
    # FCP and LCP if not yet reached; LCP and Speed Index while an image in view, larger than the
    # largest paint so far, is still loading.
    # So a page too slow to load scores as slow instead of dropping out. On the shipped curves
    # an LCP of 10 s already earns nothing, so waiting longer would change no LCP points.
    max_load_ms: int = Field(default=10_000, ge=1_000, le=120_000)
    # Runs measured at once; more is quicker, but on a small machine the runs compete for the CPU
    # and fast pages paint later. At 1, each run's context is warmed up first (see collect/lab.py).
    concurrency: int = Field(default=2, ge=1, le=8)
    # Stop measuring a page once a further run could not change its points (checks.performance:
    # further_runs_could_change); false takes every planned run, for the spread alone.
    settle_early: bool = True


class LoadSettings(BaseModel):
    """The load test's size; ceilings in `assessor.perf.limits` bound whatever is asked."""

    model_config = ConfigDict(extra="forbid")

    users: int = Field(default=20, ge=1)
    spawn_rate: float = Field(default=10, gt=0)
    duration_s: float = Field(default=15, gt=0)
    think_min_s: float = Field(default=1.0, ge=0)
    think_max_s: float = Field(default=3.0, ge=0)
    workers: int = Field(default=0, ge=0)
