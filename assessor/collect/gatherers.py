"""Gatherers: named steps that add artifacts to a snapshot (Lighthouse's gatherer idea).

A page gatherer runs on every crawled page while it is open in the browser; a portal gatherer
runs once after the crawl (TLS scan, HTTP probes, lab runs, load test, ...). A gatherer that
fails leaves a note in `snapshot.gather_errors` and the rest goes on.

Portal gatherers run in stages, one stage after another; the gatherers of one stage run side
by side, which pays where they mostly wait on the network (TLS scan, HTTP probes, DNS). What a
stage reads from the snapshot was written by earlier stages, never by a neighbour. Timing
measurements (the lab, the load test) each have a stage of their own, so nothing else competes
for the CPU or the server while they measure.
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
    # Portal gatherers run stage by stage (lower first); the crawl itself is not a gatherer.
    stage: int = 1


PAGE_GATHERERS: list[Registered] = []
PORTAL_GATHERERS: list[Registered] = []

# What reads only the server (TLS, HTTP probes, DNS) and the login, whose pages later stages use.
STAGE_INDEPENDENT = 1
# Browser work on the crawled pages (viewports and keyboard, the functions), side by side: the
# viewports mostly wait (on each key press, on quiet networks), so together they took 6 s on two
# cores against 9 s one after the other.
STAGE_BROWSER = 2
# Timing measurements, each alone: lab runs first, then the load test, so that no load's
# after-effects reach the lab.
STAGE_LAB = 3
STAGE_LOAD = 4


def page_gatherer(name: str) -> Callable[[PageGatherer], PageGatherer]:
    def register(function: PageGatherer) -> PageGatherer:
        PAGE_GATHERERS.append(Registered(name, function))
        return function

    return register


def portal_gatherer(name: str, stage: int = STAGE_INDEPENDENT) -> Callable[[PortalGatherer], PortalGatherer]:
    def register(function: PortalGatherer) -> PortalGatherer:
        PORTAL_GATHERERS.append(Registered(name, function, stage))
        PORTAL_GATHERERS.sort(key=lambda item: item.stage)
        return function

    return register


def stages(gatherers: list[Registered]) -> list[list[Registered]]:
    """The gatherers grouped by stage, in stage order."""
    grouped: dict[int, list[Registered]] = {}
    for gatherer in sorted(gatherers, key=lambda item: item.stage):
        grouped.setdefault(gatherer.stage, []).append(gatherer)
    return list(grouped.values())


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
