"""Many portals: run a campaign with bounded concurrency, store each result at once, resume.

Each portal is assessed in a child process (assessor.campaign_worker): a portal
that crashes the browser, leaks memory or hangs takes down only its own process, which is killed
at its time limit; the campaign goes on and records the error. The parent only schedules,
stores and reports, so its memory stays small however many portals there are.

A result is committed to the store the moment its child finishes; after a crash or Ctrl-C,
`--resume` skips every portal that has a result and assesses the rest. Children die with the
parent (PR_SET_PDEATHSIG), so a killed campaign leaves no orphan assessing a portal.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil
from pydantic import BaseModel, Field

from assessor.collect.gatherers import load_gatherers
from assessor.criteria import Rubric, load_rubric, parse_rubric
from assessor.model import Assessment, Review
from assessor.portals import PortalEntry, PortalList
from assessor.report.render import write_outputs
from assessor.reviews import CampaignReviews
from assessor.scoring import score
from assessor.snapshot import CollectSettings, Snapshot
from assessor.store import CampaignRow, PortalInfo, ResultRow, Store

ASSESSMENT_FILE = "assessment.json"
WORKER_LOG = "worker.log"


GIB = 1024**3
# Memory a portal in flight needs, its Chromium and its worker (bench/: 1.7 GiB PSS for 3).
MEMORY_PER_PORTAL = GIB


def default_concurrency(cores: int | None = None, available_bytes: int | None = None) -> int:
    """Portals at once: one more than the cores, since each portal also waits on its server and
    its pages' timers (on 2 cores, 3 at once was the fastest in bench/campaign_bench.py, 4 no
    faster); at most 8, and no more than the available memory holds."""
    cores = cores or os.cpu_count() or 1
    available = psutil.virtual_memory().available if available_bytes is None else available_bytes
    return max(1, min(8, cores + 1, available // MEMORY_PER_PORTAL))


class CampaignOptions(BaseModel):
    """How every portal of the campaign is assessed (per-portal overrides come from portals.yaml)."""

    concurrency: int = Field(default_factory=default_concurrency, ge=1, le=64)
    max_pages: int = Field(default=20, ge=1)
    max_depth: int = Field(default=3, ge=0)
    time_budget_s: float = Field(default=120.0, gt=0)
    page_timeout_s: float = Field(default=20.0, gt=0)
    per_host_concurrency: int = Field(default=2, ge=1)
    lang: str = "vi"
    user_agent: str | None = None
    formats: list[str] = Field(default_factory=lambda: ["json", "html"])
    browser_path: str = ""
    # The whole assessment of one portal (browser start, crawl, lab runs, probes, scoring, report)
    # must end within this, or its worker is killed and the portal recorded as failed.
    portal_timeout_s: float | None = Field(default=None, gt=0)
    # The reviewers' scores merged into every portal's (a file or folder, resolved), kept so that
    # --resume and rescore merge the same ones unless told otherwise.
    reviews_file: str | None = None
    # The fingerprint of the rubric's text the campaign's portals were scored with: --resume
    # refuses a criteria file edited since (its ranking would mix two rubrics).
    rubric_fingerprint: str | None = None

    @property
    def portal_deadline_s(self) -> float:
        return self.portal_timeout_s or 2 * self.time_budget_s + 60


class WorkerJob(BaseModel):
    """Everything a child process needs to assess one portal."""

    entry: PortalEntry
    options: CampaignOptions
    # The rubric as the campaign read it when it started this run: a file edited meanwhile
    # changes no portal's scoring half-way through a campaign.
    criteria_text: str
    criteria_source: str
    folder: str
    reviews: dict[str, Review] = Field(default_factory=dict)


def collect_settings(entry: PortalEntry, options: CampaignOptions) -> dict[str, object]:
    login = {"login_recipe": entry.login_recipe()} if entry.login is not None else {}
    return login | {
        "max_pages": entry.max_pages or options.max_pages,
        "max_depth": options.max_depth,
        "time_budget_s": options.time_budget_s,
        "page_timeout_s": options.page_timeout_s,
        "per_host_concurrency": options.per_host_concurrency,
        "extra_urls": entry.extra_urls,
        "allow_load_test": entry.allow_load_test,
        "user_agent": options.user_agent,
    }


async def _assess_in_this_process(job: WorkerJob) -> Assessment:
    from assessor.assess import RunOptions, assess_portal

    rubric = parse_rubric(job.criteria_text, job.criteria_source)
    folder = Path(job.folder)
    settings = collect_settings(job.entry, job.options)
    formats = tuple(dict.fromkeys(["json", *job.options.formats]))
    if job.entry.is_sample:
        from assessor.sample_portal.process import SamplePortalProcess

        # Served from its own process, as a real portal is from another machine (`sample_portal.process`).
        with SamplePortalProcess(job.entry.sample_profile().resolve()) as portal:
            options = RunOptions.for_local_portal(portal, rubric, folder.parent, job.options.browser_path, **settings)
            options.formats, options.lang, options.reviews = formats, job.options.lang, job.reviews
            assessment, _ = await assess_portal(job.entry.ref(portal.url), options)
            return assessment
    options = RunOptions(
        rubric=rubric,
        out_dir=folder.parent,
        browser_path=job.options.browser_path,
        settings=CollectSettings(**settings),
        formats=formats,
        lang=job.options.lang,
        reviews=job.reviews,
    )
    assessment, _ = await assess_portal(job.entry.ref(), options)
    return assessment


@dataclass
class PortalOutcome:
    entry: PortalEntry
    assessment: Assessment | None
    error: str | None
    duration_s: float


@dataclass
class CampaignProgress:
    """What the live display shows; updated by the runner as portals start and finish."""

    total: int
    skipped: int = 0
    done: int = 0
    failed: int = 0
    running: dict[str, float] = field(default_factory=dict)
    durations: list[float] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @property
    def finished(self) -> int:
        return self.skipped + self.done + self.failed

    def time_left_s(self, concurrency: int) -> float | None:
        """Average portal time x portals still to start or finish / concurrency."""
        if not self.durations:
            return None
        remaining = self.total - self.finished
        average = sum(self.durations) / len(self.durations)
        return average * remaining / max(1, min(concurrency, remaining or 1))


def last_error(log: Path, limit: int = 500) -> str:
    """What a worker's log says went wrong, on one line: the exception that ended its traceback
    (type, message and the lines it spans, without pydantic's "further information" link), or
    else its last line. Cut at the end, never the front, where the message starts."""
    try:
        with log.open("rb") as file:
            file.seek(max(0, file.seek(0, os.SEEK_END) - 64_000))
            lines = [line for line in file.read().decode("utf-8", errors="replace").splitlines()
                     if line.strip() and not line.strip().startswith("For further information visit")]
    except OSError:
        return ""
    frames = [index for index, line in enumerate(lines) if line.startswith("  File ")]
    start = frames[-1] + 1 if frames else len(lines) - 1
    while frames and start < len(lines) and lines[start][:1].isspace():  # the frame's source line and carets
        start += 1
    said = " ".join(" ".join(lines[max(0, start):]).split())
    return said if len(said) <= limit else said[:limit - 1] + "…"


async def assess_in_child(job: WorkerJob, timeout_s: float) -> PortalOutcome:
    """Run one portal's assessment in a child process; never raises for the portal's sake."""
    folder = Path(job.folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ASSESSMENT_FILE).unlink(missing_ok=True)
    job_file = folder / "job.json"
    job_file.write_text(job.model_dump_json(indent=1), encoding="utf-8")
    started = time.monotonic()
    with (folder / WORKER_LOG).open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "assessor.campaign_worker",
            str(job_file),
            str(os.getpid()),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        try:
            code = await asyncio.wait_for(process.wait(), timeout_s)
        except TimeoutError:
            # Have the worker write where it is stuck into its log before it goes.
            process.send_signal(signal.SIGUSR1)
            await asyncio.sleep(1)
            _kill_tree(process.pid)
            await process.wait()
            return PortalOutcome(job.entry, None, f"timed out after {timeout_s:.0f} s", time.monotonic() - started)
        except BaseException:
            # Cancelled (Ctrl-C): take the child's whole process group (browser included) with us,
            # and see the child go while the loop runs: after it closes, asyncio's child watcher
            # printed "Loop ... that handles pid N is closed" under the stop message.
            _kill_tree(process.pid)
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(process.wait(), 5)
            raise
    duration = time.monotonic() - started
    result = folder / ASSESSMENT_FILE
    if code != 0 or not result.is_file():
        log = folder / WORKER_LOG
        return PortalOutcome(job.entry, None, f"worker exited with {code}: {last_error(log)} (log: {log})", duration)
    return PortalOutcome(job.entry, Assessment.model_validate_json(result.read_text(encoding="utf-8")), None, duration)


def _kill_tree(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def portal_info(entry: PortalEntry, assessment: Assessment | None) -> PortalInfo:
    # For a sample portal the stored URL is the one really assessed, unless it never started.
    url = assessment.portal.url if assessment is not None else entry.url
    return PortalInfo(id=entry.id, name=entry.name, kind=entry.kind, url=url)


def longest_first(entries: list[PortalEntry], last_durations: dict[str, float]) -> list[PortalEntry]:
    """The order to start portals in: those never assessed before first (in list order), then the
    longest last time first. A slow portal started last would keep the campaign waiting on it
    alone at the end; started first, the quick ones fill the other slots around it."""
    return sorted(entries, key=lambda entry: -last_durations.get(entry.id, float("inf")))


async def run_campaign(
    store: Store,
    campaign: CampaignRow,
    portals: PortalList,
    options: CampaignOptions,
    reviews: CampaignReviews | None = None,
    retry_failed: bool = False,
    on_change: Callable[[CampaignProgress], None] = lambda progress: None,
    rubric: Rubric | None = None,
) -> CampaignProgress:
    """Assess every portal of the list that has no result yet in this campaign, with `rubric`
    (by default the campaign's criteria file, read once here)."""
    reviews = reviews or {}
    rubric = rubric or load_rubric(campaign.criteria_file)
    out_dir = Path(campaign.out_dir)
    stored = {row.portal_id: row for row in store.results(campaign)}
    # Retried: portals whose worker failed, and those that could not be reached (a portal down
    # for the campaign's hour is worth another try once it is back).
    finished = {pid for pid, row in stored.items()
                if not (retry_failed and (row.outcome == "failed" or row.status == "unreachable"))}
    pending = longest_first([entry for entry in portals.portals if entry.id not in finished],
                            store.last_durations([entry.id for entry in portals.portals]))
    progress = CampaignProgress(total=len(portals.portals), skipped=len(portals.portals) - len(pending))
    on_change(progress)
    semaphore = asyncio.Semaphore(options.concurrency)

    async def one(entry: PortalEntry) -> None:
        async with semaphore:
            job = WorkerJob(
                entry=entry,
                options=options,
                criteria_text=rubric.text,
                criteria_source=rubric.source,
                folder=str(out_dir / entry.id),
                reviews=reviews.get(entry.id, {}),
            )
            started_at = datetime.now(UTC)
            attempt = store.start_attempt(campaign, entry.id)
            progress.running[entry.id] = time.monotonic()
            on_change(progress)
            try:
                outcome = await assess_in_child(job, options.portal_deadline_s)
            finally:
                progress.running.pop(entry.id, None)
            snapshot_dir = str(out_dir / entry.id / "snapshot") if outcome.assessment else None
            store.save_result(
                campaign,
                portal_info(entry, outcome.assessment),
                started_at,
                assessment=outcome.assessment,
                error=outcome.error,
                snapshot_dir=snapshot_dir,
            )
            store.finish_attempt(attempt, "done" if outcome.assessment else "failed")
            progress.durations.append(outcome.duration_s)
            if outcome.assessment is not None:
                progress.done += 1
            else:
                progress.failed += 1
            on_change(progress)

    # A TaskGroup, not gather: stopped (Ctrl-C), gather returns as soon as one portal waiting for
    # its turn is cancelled, while the running ones are still taking their workers down; the loop
    # then closed under them and asyncio said "Loop ... that handles pid N is closed".
    async with asyncio.TaskGroup() as portals_at_once:
        for entry in pending:
            portals_at_once.create_task(one(entry))
    store.mark_finished(campaign)
    return progress


class SnapshotsMissing(Exception):
    """Finished portals whose snapshots are gone (a folder moved or deleted): not rescorable."""

    def __init__(self, campaign: str, rows: list[ResultRow]) -> None:
        where = "; ".join(f"{row.portal_id}: {row.snapshot_dir or 'none stored'}" for row in rows)
        one = len(rows) == 1
        super().__init__(
            f"cannot rescore campaign {campaign!r}: the snapshot of {', '.join(row.portal_id for row in rows)} "
            f"{'is' if one else 'are'} missing ({where}); {'its score' if one else 'their scores'} would stay on "
            "the old rubric and reviews beside the others, so nothing was rescored: put the snapshot folders back")


class CollectedOtherwise(Exception):
    """The rubric asks the collectors for something else (search queries, probed paths, the lab's
    devices) than the finished portals' snapshots were collected with: not rescorable with it."""

    def __init__(self, campaign: str, changes: dict[str, list[str]], portals: list[str]) -> None:
        changed = ", ".join(f"{check} ({', '.join(keys)})" for check, keys in sorted(changes.items()))
        one = len(portals) == 1
        super().__init__(
            f"cannot rescore campaign {campaign!r} with this rubric: it changes what the collectors act on: {changed}. "
            f"The snapshot{'' if one else 's'} of {', '.join(portals)} {'was' if one else 'were'} collected with the "
            "rubric as it was, so those criteria would be judged on evidence this one never asked for; nothing was "
            "rescored: keep those params as they were, or assess the portals again in a new campaign")


def collection_changes(snapshot_dir: Path, rubric: Rubric) -> dict[str, list[str]]:
    """Check id -> the params `rubric` would have had its collector act on otherwise than it did
    for this snapshot (none known for a snapshot collected before they were recorded)."""
    return {check: keys for check, recorded in Snapshot.collected_with_in(snapshot_dir).items()
            if (keys := recorded.differs_from(rubric.params_for(check)))}


def rescore_campaign(
    store: Store,
    campaign: CampaignRow,
    rubric: Rubric,
    reviews: CampaignReviews | None = None,
    formats: tuple[str, ...] = ("json", "html"),
    lang: str = "vi",
    only: Callable[[ResultRow], bool] = lambda _row: True,
) -> list[ResultRow]:
    """Recompute every stored result (or those `only` picks) from its snapshot with `rubric` and
    `reviews`; no crawling. All or none: a result whose snapshot cannot be read raises
    SnapshotsMissing before any is changed, since it would keep its old score beside the new ones."""
    reviews = reviews or {}
    picked = [row for row in store.results(campaign) if row.assessment is not None and only(row)]
    missing = [row for row in picked if not row.snapshot_dir or not Path(row.snapshot_dir, "snapshot.json").is_file()]
    if missing:
        raise SnapshotsMissing(campaign.name, missing)
    changes = {row.portal_id: collection_changes(Path(row.snapshot_dir), rubric) for row in picked}
    if any(changes.values()):
        merged = {check: keys for found in changes.values() for check, keys in found.items()}
        raise CollectedOtherwise(campaign.name, merged, [portal for portal, found in changes.items() if found])
    rescored = []
    for row in picked:
        snapshot = Snapshot.load(Path(row.snapshot_dir))
        assessment = score(rubric, snapshot, reviews.get(row.portal_id, {}), duration_s=row.assessment.duration_s)
        write_outputs(assessment, snapshot, rubric, Path(row.snapshot_dir).parent, formats, lang)
        info = PortalInfo(id=row.portal_id, name=row.portal_name, kind=row.kind, url=row.url)
        store.save_result(campaign, info, row.started_at, assessment=assessment, snapshot_dir=row.snapshot_dir)
        rescored.append(row)
    return rescored


def rescore_changed_reviews(store: Store, campaign: CampaignRow, rubric: Rubric, reviews: CampaignReviews,
                            lang: str) -> list[str]:
    """Score again, from their snapshots, the finished portals whose scores merged other reviews
    than `reviews` now hold for them (the reviews were edited while the campaign was stopped), so
    that a resumed campaign ranks every portal with the same reviews. Their ids."""

    def changed(row: ResultRow) -> bool:
        # An unreachable or closed portal has no criteria to review.
        return bool(row.assessment.groups) and row.assessment.reviews() != reviews.get(row.portal_id, {})

    return [row.portal_id for row in rescore_campaign(store, campaign, rubric, reviews, lang=lang, only=changed)]


def run_worker(job_file: str) -> int:
    """The body of a worker process (see assessor.campaign_worker)."""
    job = WorkerJob.model_validate_json(Path(job_file).read_text(encoding="utf-8"))
    # Import every collector before any thread starts (a sample portal serves from threads):
    # a library that patches threading on import (gevent, under Locust) can deadlock otherwise.
    load_gatherers()
    asyncio.run(_assess_in_this_process(job))
    return 0
