"""Snapshots of the sample portal for end-to-end tests of the accessibility, layout and EMC groups.

A run crawls a few pages with the real browser and runs only the portal gatherers asked for (a
full assessment also scans TLS and measures performance, which these groups do not read). Runs
are cached per profile for the whole test session; each portal is stopped as soon as its run ends,
since the snapshot on disk is all the checks need.
"""

from __future__ import annotations

import asyncio
import atexit
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from assessor.assess import portal_from_url
from assessor.collect.browser import BrowserOptions, BrowserSession, find_browser
from assessor.collect.context import CollectContext
from assessor.collect.crawl import crawl
from assessor.collect.gatherers import PORTAL_GATHERERS, load_gatherers, stages
from assessor.collect.run import hosts_to_trust, run_stage
from assessor.collect.trust import trusted_spki_hashes
from assessor.criteria import load_rubric
from assessor.sample_portal.content import PROCEDURES
from assessor.sample_portal.profile import resolve_profile
from assessor.sample_portal.server import SamplePortal
from assessor.snapshot import CollectSettings, Snapshot

_ROOT = Path(tempfile.mkdtemp(prefix="assessor-a11y-runs-"))
atexit.register(shutil.rmtree, _ROOT, ignore_errors=True)


@dataclass(frozen=True)
class PortalRun:
    snapshot: Snapshot
    # What the stand-in EMC collector received while the portal was crawled.
    emc_hits: list[dict[str, Any]]
    procedure_url: str


async def _collect(
    portal: SamplePortal, folder: Path, gatherers: tuple[str, ...], settings: CollectSettings
) -> Snapshot:
    load_gatherers()
    trusted = trusted_spki_hashes(hosts_to_trust(portal.url, settings.resolve), portal.ca_cert_path)
    options = BrowserOptions(
        executable=find_browser(look_for_playwright=False).path, resolve=settings.resolve, trusted_spki=trusted
    )
    snapshot = Snapshot(
        portal=portal_from_url(portal.url), start_url=portal.url, started_at=datetime.now(UTC), settings=settings
    )
    async with BrowserSession(options) as session:
        ctx = CollectContext(
            settings=settings,
            session=session,
            folder=folder,
            rubric=load_rubric(),
            ca_bundle=portal.ca_cert_path,
            deadline=time.monotonic() + settings.time_budget_s,
        )
        snapshot.pages = await crawl(portal.url, ctx, settings.extra_urls)
        # As the real collector does, stage by stage, with only the gatherers asked for.
        for stage in stages([gatherer for gatherer in PORTAL_GATHERERS if gatherer.name in gatherers]):
            await run_stage(stage, snapshot, ctx)
    snapshot.save(folder)
    return snapshot


@cache
def portal_run(profile: str = "good", gatherers: tuple[str, ...] = (), max_pages: int = 4, **flags: Any) -> PortalRun:
    """Crawl the sample portal `profile` (with `flags` overriding it) from the home page plus one
    procedure page, and run the named portal gatherers."""
    with SamplePortal(resolve_profile(profile, **flags), host="127.0.0.1") as portal:
        procedure_url = portal.url.rstrip("/") + portal.paths.procedure.format(code=PROCEDURES[0].code)
        settings = CollectSettings(
            resolve=dict(portal.resolve),
            http_url=portal.http_url,
            max_pages=max_pages,
            max_depth=1,
            extra_urls=[procedure_url],
            time_budget_s=90,
        )
        folder = Path(tempfile.mkdtemp(dir=_ROOT))
        snapshot = asyncio.run(_collect(portal, folder, gatherers, settings))
        return PortalRun(snapshot, list(portal.emc_hits), procedure_url)
