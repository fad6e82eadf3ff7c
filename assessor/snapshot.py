"""The Snapshot: everything collected about one portal, saved as JSON plus files.

The snapshot *is* the evidence: checks read only this, so a stored snapshot can be rescored
with other weights without crawling again.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assessor.artifacts.accessibility import AccessFacts
from assessor.artifacts.function import FunctionFacts
from assessor.artifacts.http import HttpProbe
from assessor.artifacts.page import PageArtifact
from assessor.artifacts.performance import PerformanceFacts
from assessor.artifacts.tls import TlsFacts
from assessor.login_recipe import LoginRecipe
from assessor.model import PortalRef

SNAPSHOT_SCHEMA = "assessor.snapshot/1"
SNAPSHOT_FILE = "snapshot.json"


class CollectSettings(BaseModel):
    """What the collector was asked to do; checks use it to tell 'absent' from 'not collected'."""

    max_pages: int = 20
    max_depth: int = 3
    time_budget_s: float = 120.0
    page_timeout_s: float = 20.0
    # Politeness: pages open at once on the portal, and a pause after each.
    per_host_concurrency: int = 2
    politeness_delay_s: float = 0.0
    extra_urls: list[str] = Field(default_factory=list)
    allow_load_test: bool = False
    resolve: dict[str, str] = Field(default_factory=dict)
    # The portal's plain-HTTP address, probed for the redirect to HTTPS; by default the start
    # URL with http:// and port 80. Test servers listen elsewhere.
    http_url: str | None = None
    # Steps that log the crawler in; credentials stay `{env:VAR}` references, never values.
    login_recipe: LoginRecipe | None = None
    # Sent by the browser and the probes instead of their own (`collect.user_agent`): a portal's
    # firewall may let only a known one through.
    user_agent: str | None = None


class CollectedWith(BaseModel):
    """The part of a check's params (as the rubric merges them) that a collector read: all of
    them, or only `params`' keys."""

    params: dict[str, Any]
    whole: bool = True

    @classmethod
    def of(cls, merged: dict[str, Any], keys: tuple[str, ...] | None) -> CollectedWith:
        if keys is None:
            return cls(params=merged)
        return cls(params={key: merged.get(key) for key in keys}, whole=False)

    def differs_from(self, merged: dict[str, Any]) -> list[str]:
        """The keys whose values `merged` (another rubric's) would have collected otherwise."""
        keys = set(self.params) | (set(merged) if self.whole else set())
        return sorted(key for key in keys if self.params.get(key) != merged.get(key))


class Snapshot(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    schema_: str = Field(default=SNAPSHOT_SCHEMA, alias="schema")
    portal: PortalRef
    start_url: str
    started_at: datetime
    finished_at: datetime | None = None
    settings: CollectSettings = Field(default_factory=CollectSettings)
    # What the collectors read of the rubric, by check id: a rubric asking for other collection
    # (other search queries, probed paths, lab devices) cannot rescore this snapshot. Empty in a
    # snapshot collected before it was recorded.
    collected_with: dict[str, CollectedWith] = Field(default_factory=dict)
    # False when not even the start page could be fetched; `error` says why.
    reachable: bool = True
    error: str | None = None
    # Set when the browser refused the portal's certificate; the crawl was then redone without
    # verification so the rest can still be judged, and the security checks report this.
    certificate_error: str | None = None
    # Gatherers that failed, by name, with the reason: their checks report `error`.
    gather_errors: dict[str, str] = Field(default_factory=dict)
    # Wall time of the crawl and of each portal gatherer, for benchmarks and slow-portal triage.
    step_seconds: dict[str, float] = Field(default_factory=dict)
    pages: list[PageArtifact] = Field(default_factory=list)
    probes: list[HttpProbe] = Field(default_factory=list)
    performance: PerformanceFacts | None = None
    tls: TlsFacts | None = None
    access: AccessFacts | None = None
    functions: FunctionFacts | None = None
    # Where the snapshot lives on disk; screenshots and HTML files are relative to it.
    folder: Path | None = Field(default=None, exclude=True)

    @property
    def home(self) -> PageArtifact | None:
        return self.pages[0] if self.pages else None

    @property
    def loaded_pages(self) -> list[PageArtifact]:
        return [page for page in self.pages if page.ok]

    def probe(self, name: str) -> HttpProbe | None:
        return next((probe for probe in self.probes if probe.name == name), None)

    def save(self, folder: Path) -> Path:
        """Write snapshot.json and one HTML file per page; returns the JSON path."""
        folder.mkdir(parents=True, exist_ok=True)
        pages_dir = folder / "pages"
        pages_dir.mkdir(exist_ok=True)
        for index, page in enumerate(self.pages):
            if page.html:
                page.html_file = f"pages/{index:03d}.html"
                (folder / page.html_file).write_text(page.html, encoding="utf-8")
        self.folder = folder
        path = folder / SNAPSHOT_FILE
        path.write_text(self.model_dump_json(by_alias=True, indent=1), encoding="utf-8")
        return path

    @staticmethod
    def collected_with_in(folder: Path) -> dict[str, CollectedWith]:
        """What the snapshot in `folder` was collected with, without reading its pages' HTML."""
        data = json.loads((folder / SNAPSHOT_FILE).read_text(encoding="utf-8"))
        return {check: CollectedWith.model_validate(value) for check, value in (data.get("collected_with") or {}).items()}

    @classmethod
    def load(cls, folder: Path) -> Snapshot:
        snapshot = cls.model_validate_json((folder / SNAPSHOT_FILE).read_text(encoding="utf-8"))
        snapshot.folder = folder
        for page in snapshot.pages:
            if page.html_file and (folder / page.html_file).is_file():
                page.html = (folder / page.html_file).read_text(encoding="utf-8")
        return snapshot
