"""The composition root of collection: browser, crawl, then every portal gatherer."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from assessor.collect.browser import BrowserOptions, BrowserSession
from assessor.collect.context import CollectContext
from assessor.collect.crawl import crawl
from assessor.collect.deadline import within
from assessor.collect.functions import entry_targets
from assessor.collect.gatherers import PORTAL_GATHERERS, Registered, load_gatherers, stages
from assessor.collect.trust import trusted_spki_hashes
from assessor.criteria import Rubric
from assessor.model import PortalRef
from assessor.snapshot import CollectSettings, Snapshot

CERTIFICATE_ERRORS = ("ERR_CERT_", "ERR_SSL_", "ERR_BAD_SSL")


def hosts_to_trust(start_url: str, resolve: dict[str, str]) -> dict[str, tuple[str, int]]:
    parts = urlsplit(start_url)
    hosts: dict[str, tuple[str, int]] = {}
    if parts.scheme == "https" and parts.hostname:
        hosts[parts.hostname] = (parts.hostname, parts.port or 443)
    for host, target in resolve.items():
        address, _, port = target.rpartition(":")
        hosts[host] = (address.strip("[]"), int(port))
    return hosts


async def collect(
    portal: PortalRef,
    settings: CollectSettings,
    rubric: Rubric,
    folder: Path,
    browser_path: str,
    ca_bundle: Path | None = None,
    progress: Callable[[str], None] = lambda message: None,
    remote_browser: str | None = None,
) -> Snapshot:
    """Collect one portal into a snapshot saved under `folder`. Never raises for a bad portal:
    an unreachable one yields a snapshot with reachable=False and the reason.

    The snapshot is collected beside `folder` and takes its place once finished: a run stopped
    midway (Ctrl-C, SIGTERM, a campaign's time limit) leaves the last finished run's as it was,
    not half overwritten, and no file of an older run stays in the new one."""
    work = folder.with_name(folder.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)  # left by a run that was killed
    work.mkdir(parents=True)
    try:
        snapshot = await collect_into(work, portal, settings, rubric, browser_path, ca_bundle, progress,
                                      remote_browser)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    replace_folder(folder, work)
    snapshot.folder = folder
    return snapshot


def replace_folder(folder: Path, new: Path) -> None:
    """`new` becomes `folder`, and the old `folder` goes."""
    retired = folder.with_name(folder.name + ".old")
    shutil.rmtree(retired, ignore_errors=True)
    if folder.exists():
        folder.rename(retired)
    new.rename(folder)
    shutil.rmtree(retired, ignore_errors=True)


async def collect_into(
    folder: Path,
    portal: PortalRef,
    settings: CollectSettings,
    rubric: Rubric,
    browser_path: str,
    ca_bundle: Path | None,
    progress: Callable[[str], None],
    remote_browser: str | None,
) -> Snapshot:
    load_gatherers()
    snapshot = Snapshot(portal=portal, start_url=portal.url, started_at=datetime.now(UTC), settings=settings)
    trusted = trusted_spki_hashes(hosts_to_trust(portal.url, settings.resolve), ca_bundle) if ca_bundle else []
    options = BrowserOptions(
        executable=browser_path, resolve=settings.resolve, trusted_spki=trusted, remote_endpoint=remote_browser,
        user_agent=settings.user_agent,
    )
    async with BrowserSession(options) as session:
        ctx = CollectContext(
            settings=settings,
            session=session,
            folder=folder,
            rubric=rubric,
            ca_bundle=ca_bundle,
            deadline=time.monotonic() + settings.time_budget_s,
            progress=progress,
        )
        progress("crawl")
        wanted = partial(entry_targets, ctx=ctx)
        started = time.monotonic()
        pages = await crawl(portal.url, ctx, settings.extra_urls, wanted=wanted)
        home = pages[0]
        if home.error and any(marker in home.error for marker in CERTIFICATE_ERRORS):
            snapshot.certificate_error = home.error
            progress("certificate refused; crawling again without verification to judge the rest")
            pages = await crawl(portal.url, ctx, settings.extra_urls, ignore_https_errors=True, wanted=wanted)
            home = pages[0]
        snapshot.pages = pages
        snapshot.step_seconds["crawl"] = round(time.monotonic() - started, 2)
        if home.status is None:
            snapshot.reachable = False
            snapshot.error = home.error or "no response"
        else:
            for stage in stages(PORTAL_GATHERERS):
                await run_stage(stage, snapshot, ctx)
    snapshot.finished_at = datetime.now(UTC)
    snapshot.collected_with = dict(ctx.asked)
    snapshot.save(folder)
    return snapshot


async def run_stage(stage: list[Registered], snapshot: Snapshot, ctx: CollectContext) -> None:
    """The gatherers of one stage side by side. The stage gets a time budget of its own: one
    measurement stalled by a dripping or silent server is abandoned, and never starves the next
    stage. A failing gatherer leaves its error in the snapshot and the others go on."""
    ctx.progress(", ".join(gatherer.name for gatherer in stage))
    ctx.deadline = time.monotonic() + ctx.settings.time_budget_s

    async def run_one(gatherer: Registered) -> None:
        started = time.monotonic()
        try:
            await within(gatherer.function(snapshot, ctx), ctx.settings.time_budget_s)
        except Exception as exc:  # noqa: BLE001 - one failing gatherer must not lose the rest
            snapshot.gather_errors[gatherer.name] = f"{type(exc).__name__}: {exc}"[:500]
        snapshot.step_seconds[gatherer.name] = round(time.monotonic() - started, 2)

    await asyncio.gather(*(run_one(gatherer) for gatherer in stage))
