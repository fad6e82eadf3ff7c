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
from assessor.snapshot import CollectSettings


@dataclass
class CollectContext:
    settings: CollectSettings
    session: BrowserSession
    folder: Path
    rubric: Rubric
    ca_bundle: Path | None = None
    deadline: float = field(default_factory=lambda: time.monotonic() + 120.0)
    progress: Callable[[str], None] = lambda message: None

    def time_left(self) -> float:
        return self.deadline - time.monotonic()

    def http(self, **kwargs: Any) -> httpx.AsyncClient:
        return http_client(self.settings, self.ca_bundle, **kwargs)

    def params_for(self, check_id: str) -> dict[str, Any]:
        """The params the rubric gives a check (merged over every criterion using it), so that
        collectors exercise what the rubric will judge: the search queries, the load test size."""
        merged: dict[str, Any] = {}
        for criterion in self.rubric.all_criteria():
            if criterion.check == check_id:
                merged.update(criterion.params)
        return merged
