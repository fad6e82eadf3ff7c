"""What every gatherer is handed: the settings, the browser, an HTTP client factory, the rubric."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from assessor.collect.browser import BrowserSession
from assessor.collect.http import http_client
from assessor.criteria import Rubric
from assessor.snapshot import CollectedWith, CollectSettings


@dataclass
class CollectContext:
    settings: CollectSettings
    session: BrowserSession
    folder: Path
    rubric: Rubric
    ca_bundle: Path | None = None
    deadline: float = field(default_factory=lambda: time.monotonic() + 120.0)
    progress: Callable[[str], None] = lambda message: None
    # What the collectors read of the rubric, by check (Snapshot.collected_with).
    asked: dict[str, CollectedWith] = field(default_factory=dict)

    def time_left(self) -> float:
        return self.deadline - time.monotonic()

    def http(self, **kwargs: Any) -> httpx.AsyncClient:
        return http_client(self.settings, self.ca_bundle, **kwargs)

    def params_for(self, check_id: str, keys: tuple[str, ...] | None = None) -> dict[str, Any]:
        """The params the rubric gives a check (merged over every criterion using it), so that
        collectors exercise what the rubric will judge: the search queries, the load test size.
        What is read is recorded, `keys` of it when the collector uses no more (the lab's block
        but not the curves judged from it)."""
        merged = self.rubric.params_for(check_id)
        self.asked[check_id] = CollectedWith.of(merged, keys)
        return merged
