"""A real campaign over the example fleet of sample portals, through the command line.

One uninterrupted run of the 12-portal fleet is shared by the tests of this module (ranking,
report in a real browser, exports, status, rescore with reviews, history). A second run of a
few of the same portals is killed with SIGKILL mid-way and resumed; its results must match the
uninterrupted run's with no portal assessed twice.
"""

from __future__ import annotations

import asyncio
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from assessor.collect.browser import BrowserOptions, BrowserSession, find_browser
from assessor.model import Status
from assessor.perf import HISTORY_SUFFIX
from assessor.portals import example_portals_path
from assessor.store import Store, open_store
from tests.builders import LONG_LOAD, quick_rubric_file
from tests.processes import pids_left, pids_started

# The shared 12-portal run is set up inside the first test; on a busy machine it outlasts the
# default per-test limit.
pytestmark = pytest.mark.timeout(3000)

# Reduced settings so that 12 portals fit the test budget on 2 cores; the same criteria and
# weights with one desktop lab run per key page (tests.builders.quick_rubric_file).
QUICK_RUBRIC = quick_rubric_file(Path(tempfile.mkdtemp(prefix="assessor-rubric-")))
SETTINGS = ["--criteria", str(QUICK_RUBRIC), "--max-pages", "4", "--max-depth", "2", "--time-budget", "120", "--page-timeout", "15", "--concurrency", "2",
            "--portal-timeout", "600"]
# Lab timings move a little between runs on a busy machine: scores of portals whose profiles
# differ only in defects that may not move the score are compared with this slack.
SLACK = 3.0
# Ladder entries add defects one after another (see portals.sample.yaml): scores cannot rise.
LADDER = ["good", "ladder-1", "ladder-2", "ladder-3", "ladder-4", "ladder-5", "poor"]
# (better, worse): the worse profile holds every defect of the better one and more.
IMPLIED = [("good", "insecure"), ("good", "inaccessible"), ("good", "slow"), ("insecure", "poor"),
           ("inaccessible", "poor")]


# The command line as a user runs it, in a process of its own (so that it can be killed).
COMMAND = [sys.executable, "-c", "from assessor.cli import app; app(prog_name='assessor')"]


def assessor(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"CI": "true"}
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, env=env,
                          check=check, timeout=1700)


@dataclass
class Fleet:
    db: str
    out: Path

    def store(self) -> Store:
        return open_store(self.db)

    def scores(self, name: str = "fleet") -> dict[str, float | None]:
        with self.store() as store:
            return {row.portal_id: row.score if row.grade else None for row in store.results(store.campaign(name))}


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Fleet:
    root = tmp_path_factory.mktemp("fleet")
    fleet = Fleet(db=str(root / "store.sqlite3"), out=root / "reports")
    done = assessor("campaign", "run", str(example_portals_path()), "--name", "fleet", "--db", fleet.db,
                    "--out", str(fleet.out), *SETTINGS)
    assert "12 assessed, 0 failed" in done.stdout, done.stdout + done.stderr
    return fleet


def test_every_portal_is_stored_and_the_closed_one_is_not_graded(fleet: Fleet) -> None:
    with fleet.store() as store:
        rows = {row.portal_id: row for row in store.results(store.campaign("fleet"))}
    assert len(rows) == 12 and all(row.outcome == "done" for row in rows.values())
    assert rows["closed"].status == "closed" and rows["closed"].grade is None
    assert all(row.grade for pid, row in rows.items() if pid != "closed")
    assert all(Path(row.snapshot_dir, "snapshot.json").is_file() for row in rows.values())


def test_the_ranking_follows_the_profiles(fleet: Fleet) -> None:
    scores = fleet.scores()
    for better, worse in zip(LADDER, LADDER[1:]):
        assert scores[better] >= scores[worse] - SLACK, (better, worse, scores)
    for better, worse in IMPLIED:
        assert scores[better] >= scores[worse] - SLACK, (better, worse, scores)
    # Far apart on the ladder, the order is strict.
    assert scores["good"] > scores["ladder-5"] + SLACK > scores["poor"] + SLACK
    graded = sorted((pid for pid, score in scores.items() if score is not None), key=lambda pid: -scores[pid])
    assert graded[-1] == "poor" and "good" in graded[:3]


def test_the_report_renders_in_a_browser_sorts_and_filters(fleet: Fleet) -> None:
    index = fleet.out / "fleet" / "index.html"
    html = index.read_text(encoding="utf-8")
    assert "Kết quả đợt đánh giá" in html and "Phân bố xếp loại" in html

    async def exercise() -> tuple[list[str], list[str], list[str], list[str]]:
        async with BrowserSession(BrowserOptions(executable=find_browser().path)) as session:
            context = await session.new_context()
            page = await context.new_page()
            problems: list[str] = []
            page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            await page.goto(index.as_uri())
            rows = "#ranking tbody tr"
            initial = await page.locator(rows).evaluate_all("rows => rows.map(r => r.dataset.portal)")
            await page.click("#ranking thead th:nth-child(4) button")  # score, ascending
            ascending = await page.locator(rows).evaluate_all("rows => rows.map(r => r.dataset.portal)")
            await page.select_option("#kind-filter", "ministry")
            visible = await page.locator(rows).evaluate_all(
                "rows => rows.filter(r => !r.hidden).map(r => r.dataset.portal)")
            await context.close()
            return problems, initial, ascending, visible

    problems, initial, ascending, visible = asyncio.run(exercise())
    assert problems == []
    scores = fleet.scores()
    ranked = sorted((pid for pid in scores if scores[pid] is not None), key=lambda pid: (-scores[pid], pid))
    assert initial[: len(ranked)] == ranked and initial[-1] == "closed"
    # Ascending by score: ungraded portals (no score) first, then from the lowest score up.
    assert [pid for pid in ascending if scores[pid] is not None] == ranked[::-1]
    kinds = {entry["id"]: entry["kind"] for entry in yaml.safe_load(example_portals_path().read_text())["portals"]}
    assert sorted(visible) == sorted(pid for pid, kind in kinds.items() if kind == "ministry")


def test_exports_hold_the_ranking_and_every_criterion(fleet: Fleet) -> None:
    from openpyxl import load_workbook

    folder = fleet.out / "fleet"
    with (folder / "ranking.csv").open(encoding="utf-8-sig") as handle:
        ranking = list(csv.DictReader(handle))
    scores = fleet.scores()
    assert ranking[0]["id"] == max((pid for pid in scores if scores[pid] is not None), key=lambda pid: scores[pid])
    assert len(ranking) == 12 and ranking[0]["rank"] == "1" and ranking[-1]["id"] == "closed"
    with (folder / "criteria.csv").open(encoding="utf-8-sig") as handle:
        criteria = list(csv.DictReader(handle))
    with fleet.store() as store:
        good = next(r for r in store.results(store.campaign("fleet")) if r.portal_id == "good").assessment
    count = sum(len(group.criteria) for group in good.groups)
    assert len([row for row in criteria if row["portal_id"] == "good"]) == count
    workbook = load_workbook(folder / "campaign.xlsx", read_only=True)
    assert workbook.sheetnames == ["ranking", "criteria"]
    assert workbook["ranking"].max_row == 13 and workbook["criteria"].max_row == len(criteria) + 1


def test_status_shows_where_the_campaign_stands(fleet: Fleet) -> None:
    status = assessor("campaign", "status", "fleet", "--db", fleet.db)
    assert "12 done, 0 failed, 0 pending of 12; finished" in status.stdout
    missing = assessor("campaign", "status", "nope", "--db", fleet.db, check=False)
    assert missing.returncode == 2 and "no campaign named 'nope'" in missing.stderr


def test_rescore_applies_reviews_from_the_stored_snapshots_without_crawling(fleet: Fleet, tmp_path: Path) -> None:
    with fleet.store() as store:
        campaign = store.campaign("fleet")
        attempts_before = len(store.attempts(campaign))
        good = next(r for r in store.results(campaign) if r.portal_id == "good").assessment
    manual = next(c for g in good.groups for c in g.criteria if c.method == "manual")
    reviews = tmp_path / "reviews.csv"
    reviews.write_text(
        "portal,criterion,points,note,reviewer,date\n"
        f"good,{manual.id},{manual.points},Đã kiểm tra hồ sơ <b>gốc</b>,Trần Thị B,2026-11-20\n",
        encoding="utf-8",
    )
    assessor("campaign", "rescore", "fleet", "--db", fleet.db, "--reviews", str(reviews))
    with fleet.store() as store:
        campaign = store.campaign("fleet")
        assert len(store.attempts(campaign)) == attempts_before
        after = next(r for r in store.results(campaign) if r.portal_id == "good").assessment
    result = after.criterion(manual.id)
    assert result.status == Status.PASS and result.review.reviewer == "Trần Thị B"
    assert after.score > good.score
    html = (fleet.out / "fleet" / "index.html").read_text(encoding="utf-8")
    assert "Trần Thị B" in html and "&lt;b&gt;gốc&lt;/b&gt;" in html
    bad = tmp_path / "bad.csv"
    bad.write_text(f"portal,criterion,points\ngood,{manual.id},{manual.points + 5}\n", encoding="utf-8")
    refused = assessor("campaign", "rescore", "fleet", "--db", fleet.db, "--reviews", str(bad), check=False)
    assert refused.returncode == 2 and "bad.csv:2" in refused.stderr


def subset_list(path: Path, ids: list[str]) -> Path:
    data = yaml.safe_load(example_portals_path().read_text(encoding="utf-8"))
    data["portals"] = [entry for entry in data["portals"] if entry["id"] in ids]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_second_campaign_is_compared_and_history_charts_the_portal(fleet: Fleet, tmp_path: Path) -> None:
    portals = subset_list(tmp_path / "two.yaml", ["good", "poor"])
    assessor("campaign", "run", str(portals), "--name", "fleet-2", "--db", fleet.db, "--out", str(fleet.out),
             *SETTINGS)
    html = (fleet.out / "fleet-2" / "index.html").read_text(encoding="utf-8")
    assert "Đợt trước" in html and "<strong>fleet</strong>" in html
    history = assessor("history", "good", "--db", fleet.db)
    lines = [line for line in history.stdout.splitlines() if "fleet" in line]
    assert [line.split()[1] for line in lines] == ["fleet", "fleet-2"]
    assert "█" in history.stdout


def stored_ids(db: str, name: str) -> set[str]:
    with open_store(db) as store:
        campaign = store.campaign(name)
        return {row.portal_id for row in store.results(campaign)} if campaign else set()


def hear_ctrl_c() -> None:
    """In the campaign's process before it starts: Ctrl-C back to its default. A shell without job
    control starts background commands with it ignored (`make test &`), and the campaign, like
    any program, would then rightly go on through it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt_when_stored(args: list[str], db: str, at_least: int, sig: signal.Signals) -> tuple[int, str, set[str]]:
    """Start the campaign, send `sig` once `at_least` results are stored; return code, stderr, stored ids."""
    process = subprocess.Popen([*COMMAND, *args], env=os.environ | {"CI": "true"}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, preexec_fn=hear_ctrl_c)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and len(stored_ids(db, "resume")) < at_least and process.poll() is None:
        time.sleep(0.3)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    return process.returncode, stderr, stored_ids(db, "resume")


def running_workers(folder: Path) -> list[str]:
    """Worker processes of the campaign writing into `folder`, once they had 15 s to go."""
    return pids_left(str(folder), 15)


def ignore_ctrl_c() -> None:
    """As a shell without job control starts a background command (`assessor campaign run ... &`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def worker_started(folder: Path, within_s: float = 120) -> bool:
    return bool(pids_started(f"campaign_worker {folder}", within_s))


def test_sigterm_stops_a_campaign_like_ctrl_c_and_a_background_campaign_says_how_to_stop_it(tmp_path: Path) -> None:
    portals = subset_list(tmp_path / "two.yaml", ["good", "ladder-1"])
    db, out = str(tmp_path / "term.sqlite3"), tmp_path / "out"
    process = subprocess.Popen([*COMMAND, "campaign", "run", str(portals), "--name", "term", "--db", db, "--out",
                                str(out), *SETTINGS], env=os.environ | {"CI": "true"}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, preexec_fn=ignore_ctrl_c)
    try:
        assert worker_started(out), "the campaign starts its workers"
        process.send_signal(signal.SIGINT)
        time.sleep(1)
        assert process.poll() is None, "Ctrl-C ignored by the shell is ignored by the campaign"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert f"Ctrl-C is ignored in this shell; stop the campaign with `kill {process.pid}`" in stderr
    assert process.returncode == 143
    assert f"stopped by SIGTERM: {len(stored_ids(db, 'term'))} portal result(s) are stored" in stderr
    assert running_workers(out) == [], "SIGTERM stops the workers and their browsers"
    with open_store(db) as store:
        assert [attempt.outcome for attempt in store.attempts(store.campaign("term"))
                if attempt.outcome is not None] == [], "no portal is recorded as failed for being stopped"
    # The campaign remembers its portals: with its list moved away, those still to do are still shown.
    portals.rename(tmp_path / "moved.yaml")
    status = assessor("campaign", "status", "term", "--db", db)
    pending = 2 - len(stored_ids(db, "term"))
    assert f"{pending} pending of 2; not finished" in status.stdout
    assert "good" in status.stdout and "ladder-1" in status.stdout


def generating_load(pid: str, within_s: float = 120) -> bool:
    """Locust `pid` is past its start-up and recording its traffic (rows in its stats history).

    Killed earlier, a Locust could die for an unrelated reason: reading the CA bundle of a sample
    portal that its worker's end has just removed."""
    arguments = Path(f"/proc/{pid}/cmdline").read_text(encoding="utf-8").split("\0")
    history = Path(arguments[arguments.index("--csv") + 1] + HISTORY_SUFFIX)
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if history.is_file() and len(history.read_text(encoding="utf-8").splitlines()) > 1:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_campaign_stopped_during_a_load_test_leaves_no_load_generator(sig: signal.Signals, tmp_path: Path) -> None:
    """Locust runs in a session of its own, out of reach of the worker's process group that a
    stopped campaign kills: it must go because its worker went (the kernel's parent-death signal),
    also when the campaign itself is killed with no chance to clean up."""
    portals = subset_list(tmp_path / "one.yaml", ["good"])
    data = yaml.safe_load(portals.read_text(encoding="utf-8"))
    data["portals"][0]["allow_load_test"] = True
    portals.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    settings = [*SETTINGS]
    settings[settings.index("--criteria") + 1] = str(quick_rubric_file(tmp_path, load=LONG_LOAD))
    out = tmp_path / "out"
    process = subprocess.Popen([*COMMAND, "campaign", "run", str(portals), "--name", "load", "--db",
                                str(tmp_path / "load.sqlite3"), "--out", str(out), *settings],
                               env=os.environ | {"CI": "true"}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    try:
        workers = pids_started(f"campaign_worker {out}", 120)
        assert len(workers) == 1, "the campaign starts one worker"
        # The worker passes its pid to the Locust it starts (assessor.perf.runner.locust_command).
        load_generator = f"assessor.perf.locust_child {workers[0]} "
        locust = pids_started(load_generator, 300)
        assert locust and generating_load(locust[0]), "the worker's load test runs"
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == (-sig if sig == signal.SIGKILL else 143), stderr
    assert "that handles pid" not in stderr, "the stopped worker was waited for before the loop closed"
    assert pids_left(load_generator, 15) == [], "Locust outlived the campaign's worker"
    assert running_workers(out) == []


def test_interrupted_then_killed_then_resumed_gives_the_same_results(fleet: Fleet, tmp_path: Path) -> None:
    ids = ["good", "ladder-3", "poor", "closed"]
    portals = subset_list(tmp_path / "four.yaml", ids)
    db, out = str(tmp_path / "resume.sqlite3"), tmp_path / "out"
    args = ["campaign", "run", str(portals), "--name", "resume", "--db", db, "--out", str(out), *SETTINGS]

    code, stderr, after_ctrl_c = interrupt_when_stored(args, db, 1, signal.SIGINT)
    assert code == 130 and "continue with --resume" in stderr
    assert "that handles pid" not in stderr, "the stopped workers were waited for before the loop closed"
    assert 1 <= len(after_ctrl_c) < len(ids), "Ctrl-C must land mid-campaign"
    assert running_workers(out) == [], "Ctrl-C stops the workers and their browsers"

    code, _, after_kill = interrupt_when_stored([*args, "--resume"], db, len(after_ctrl_c) + 1, signal.SIGKILL)
    assert code == -signal.SIGKILL and after_ctrl_c < after_kill and len(after_kill) < len(ids)
    assert running_workers(out) == [], "workers die with a killed campaign process"

    resumed = assessor(*args, "--resume")
    assert f"{len(after_kill)} kept from before" in resumed.stdout
    with open_store(db) as store:
        campaign = store.campaign("resume")
        rows = {row.portal_id: row for row in store.results(campaign)}
        attempts = store.attempts(campaign)
    assert sorted(rows) == sorted(ids)
    completed = [attempt.portal_id for attempt in attempts if attempt.outcome is not None]
    assert sorted(completed) == sorted(ids), "each portal assessed to the end exactly once"
    with fleet.store() as store:
        baseline = {row.portal_id: row for row in store.results(store.campaign("fleet")) if row.portal_id in ids}
    for pid in ids:
        assert rows[pid].status == baseline[pid].status, pid
        if rows[pid].grade is not None:
            assert rows[pid].score == pytest.approx(baseline[pid].score, abs=SLACK), pid
            judged = {c.id: c.status for g in rows[pid].assessment.groups if g.id != "performance" for c in g.criteria}
            # The baseline may carry a reviewer's score from the rescore test: compare machine judgements.
            expected = {c.id: c.status for g in baseline[pid].assessment.groups if g.id != "performance"
                        for c in g.criteria if c.review is None}
            assert {cid: judged[cid] for cid in expected} == expected, pid
