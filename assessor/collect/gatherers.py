"""Gatherers: named steps that add artifacts to a snapshot (Lighthouse's gatherer idea).

A page gatherer runs on every crawled page while it is open in the browser; a portal gatherer
runs once after the crawl (TLS scan, HTTP probes, lab runs, load test, ...). A gatherer that
fails leaves a note in `snapshot.gather_errors` and the rest goes on.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from playwright.async_api import Page

from assessor.artifacts.page import PageArtifact
from assessor.snapshot import Snapshot

if TYPE_CHECKING:
    from assessor.collect.context import CollectContext

PageGatherer = Callable[[Page, PageArtifact, "CollectContext"], Awaitable[None]]
PortalGatherer = Callable[[Snapshot, "CollectContext"], Awaitable[None]]


@dataclass(frozen=True)
class Registered:
    name: str
    function: Callable[..., Awaitable[None]]
    # Portal gatherers run in this order (lower first); the crawl itself is not a gatherer.
    order: int = 50


PAGE_GATHERERS: list[Registered] = []
PORTAL_GATHERERS: list[Registered] = []


def page_gatherer(name: str) -> Callable[[PageGatherer], PageGatherer]:
    def register(function: PageGatherer) -> PageGatherer:
        PAGE_GATHERERS.append(Registered(name, function))
        return function

    return register


def portal_gatherer(name: str, order: int = 50) -> Callable[[PortalGatherer], PortalGatherer]:
    def register(function: PortalGatherer) -> PortalGatherer:
        PORTAL_GATHERERS.append(Registered(name, function, order))
        PORTAL_GATHERERS.sort(key=lambda item: item.order)
        return function

    return register


_loaded = False


def load_gatherers() -> None:
    """Import every module of assessor.collect once so that their decorators register."""
    global _loaded
    if _loaded:
        return
    package = importlib.import_module("assessor.collect")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"assessor.collect.{module.name}")
    _loaded = True
