"""Running Locust headless in child processes and reading back its statistics.

Locust runs in its own processes: its gevent monkey-patching must never share a process with
the collector's asyncio. With `workers` > 0 it uses Locust's own master/worker mode: one master
that aggregates, N worker processes on this machine, and optionally workers on other machines
(`remote_workers`, with the master listening on `master_bind_host`). Every run is bounded by
`assessor.perf.limits`, stops by itself after `duration_s`, and is killed if it overstays, if
the caller stops it (Ctrl-C, SIGTERM, a portal's time budget), or if its parent dies
(`assessor.perf.locust_child`).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import psutil
from pydantic import BaseModel, Field, model_validator

from assessor.artifacts.performance import LoadError, LoadPageStats, LoadSample, LoadSettings, LoadTestResult
from assessor.collect.user_agent import USER_AGENT
from assessor.perf import (
    FINAL_HISTORY_SUFFIX,
    FINAL_STATS_SUFFIX,
    FINAL_SUMMARY_SUFFIX,
    HISTORY_SUFFIX,
    PLAN_ENV,
    limits,
)

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
# How often a waiting runner looks whether it has been asked to stop.
STOP_POLL_S = 0.2
# A load test works in a temporary folder named after its process: one whose process is gone was
# abandoned by a `kill -9` (no clean-up code runs) and is removed by the next load test.
LOAD_FOLDER_PREFIX = "assessor-load-"
# Reasons for failed requests kept per page type, the most frequent: a portal's errors can quote
# the URL or a changing detail, each a reason of its own.
ERRORS_KEPT_PER_PAGE = 5


class LoadPlan(BaseModel):
    """One load test: where, which pages, how big. Validation enforces the hard ceilings."""

    target: str
    paths: dict[str, str] = Field(default_factory=lambda: {"home": "/"})
    users: int = Field(ge=1)
    spawn_rate: float = Field(gt=0)
    duration_s: float = Field(gt=0)
    think_min_s: float = 1.0
    think_max_s: float = 3.0
    workers: int = Field(default=0, ge=0)
    remote_workers: int = Field(default=0, ge=0)
    master_bind_host: str = "127.0.0.1"
    # A CA bundle to trust (test servers), True for the system's, False to skip verification.
    verify: str | bool = True
    # None: assessor's own (`collect.user_agent.USER_AGENT`).
    user_agent: str | None = None

    @model_validator(mode="after")
    def _within_ceilings(self) -> LoadPlan:
        beyond = limits.above_ceilings(self.users, self.spawn_rate, self.duration_s, self.workers + self.remote_workers)
        if beyond is not None:
            raise ValueError(beyond)
        if self.think_max_s < self.think_min_s:
            raise ValueError("think_max_s must not be below think_min_s")
        if urlsplit(self.target).scheme not in ("http", "https"):
            raise ValueError(f"not an http(s) URL: {self.target}")
        return self

    @classmethod
    def from_settings(cls, target: str, paths: dict[str, str], settings: LoadSettings, **extra: object) -> LoadPlan:
        return cls(target=target, paths=paths, **settings.model_dump(), **extra)

    def environment(self) -> dict[str, str]:
        plan = {"paths": self.paths, "think_min_s": self.think_min_s, "think_max_s": self.think_max_s,
                "verify": self.verify, "user_agent": self.user_agent or USER_AGENT}
        return {**os.environ, PLAN_ENV: json.dumps(plan)}


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def locust_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "assessor.perf.locust_child", str(os.getpid()),
            "-f", str(LOCUSTFILE), "--loglevel", "WARNING", *args]


def start_processes(plan: LoadPlan, csv_prefix: Path, log: IO[bytes]) -> list[subprocess.Popen[bytes]]:
    """The master (or the only process) first, then the local workers."""
    common = ["--headless", "--host", plan.target.rstrip("/")]
    run = ["-u", str(plan.users), "-r", f"{plan.spawn_rate:g}", "-t", f"{plan.duration_s:g}s",
           "--csv", str(csv_prefix), "--csv-full-history", "--only-summary", "--stop-timeout", "2",
           "--exit-code-on-error", "0"]
    # Output goes to a file, not a pipe: a chatty Locust must never block on a full pipe.
    options = {"env": plan.environment(), "stdout": log, "stderr": subprocess.STDOUT,
               "start_new_session": True}
    if plan.workers + plan.remote_workers == 0:
        return [subprocess.Popen(locust_command(*common, *run), **options)]
    port = free_port(plan.master_bind_host)
    master = subprocess.Popen(locust_command(
        *common, *run, "--master", "--master-bind-host", plan.master_bind_host, "--master-bind-port", str(port),
        "--expect-workers", str(plan.workers + plan.remote_workers), "--expect-workers-max-wait", "30",
    ), **options)
    connect_to = "127.0.0.1" if plan.master_bind_host in ("0.0.0.0", "::") else plan.master_bind_host
    workers = [
        subprocess.Popen(locust_command(*common, "--worker", "--master-host", connect_to, "--master-port", str(port)),
                         **options)
        for _ in range(plan.workers)
    ]
    return [master, *workers]


def wait_for(master: subprocess.Popen[bytes], deadline: float, cancel: threading.Event) -> str | None:
    """Wait until the master exits; if it has to be stopped first, why."""
    while master.poll() is None:
        if time.monotonic() > deadline:
            return "Locust did not stop in time and was killed"
        if cancel.wait(STOP_POLL_S):
            return "the load test was cancelled before its end"
    return None


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "", "N/A") else None
    except ValueError:
        return None


def page_stats(row: dict[str, str]) -> LoadPageStats:
    return LoadPageStats(
        name=row["Name"], requests=int(row["Request Count"]), failures=int(row["Failure Count"]),
        rps=number(row["Requests/s"]) or 0.0, p50_ms=number(row["50%"]), p95_ms=number(row["95%"]),
        p99_ms=number(row["99%"]),
    )


def read_timeline(csv_prefix: Path) -> list[LoadSample]:
    """Locust's history of the test (its aggregated rows), ending with the moment it stopped."""
    rows: dict[int, dict[str, str]] = {}
    for suffix in (HISTORY_SUFFIX, FINAL_HISTORY_SUFFIX):
        path = Path(f"{csv_prefix}{suffix}")
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as history_file:
                # One row a second: the final row replaces one written in its second.
                rows.update({int(row["Timestamp"]): row for row in csv.DictReader(history_file)
                             if row["Name"] == "Aggregated"})
    start = min(rows, default=0)
    return [
        LoadSample(t_s=timestamp - start, users=int(row["User Count"]), rps=number(row["Requests/s"]) or 0.0,
                   failures_per_s=number(row["Failures/s"]) or 0.0, p50_ms=number(row["50%"]),
                   p95_ms=number(row["95%"]), requests=int(row["Total Request Count"]))
        for timestamp, row in sorted(rows.items())
    ]


def top_errors(reasons: list[dict[str, object]]) -> list[LoadError]:
    """The most frequent reasons of each page type, most frequent first."""
    errors = sorted((LoadError.model_validate(reason) for reason in reasons),
                    key=lambda error: error.occurrences, reverse=True)
    seen_per_page: Counter[str] = Counter()
    kept: list[LoadError] = []
    for error in errors:
        seen_per_page[error.page] += 1
        if seen_per_page[error.page] <= ERRORS_KEPT_PER_PAGE:
            kept.append(error)
    return kept


def read_results(plan: LoadPlan, csv_prefix: Path) -> LoadTestResult:
    result = LoadTestResult(target=plan.target, users=plan.users, spawn_rate=plan.spawn_rate,
                            duration_s=plan.duration_s, workers=plan.workers + plan.remote_workers, paths=plan.paths)
    with open(f"{csv_prefix}{FINAL_STATS_SUFFIX}", encoding="utf-8", newline="") as stats_file:
        for row in csv.DictReader(stats_file):
            if row["Name"] == "Aggregated":
                result.total = page_stats(row)
            else:
                result.pages.append(page_stats(row))
    summary = json.loads(Path(f"{csv_prefix}{FINAL_SUMMARY_SUFFIX}").read_text(encoding="utf-8"))
    result.elapsed_s = summary["elapsed_s"]
    result.errors = top_errors(summary["errors"])
    # Requests per second over the whole test, not Locust's column (see locustfile.elapsed_test_s).
    for stats in (*result.pages, *([result.total] if result.total else [])):
        stats.rps = stats.requests / result.elapsed_s if result.elapsed_s else 0.0
    result.timeline = read_timeline(csv_prefix)
    return result


def remove_abandoned_load_folders(root: Path | None = None) -> None:
    """Remove the working folders of load tests whose process has gone."""
    for folder in Path(root or tempfile.gettempdir()).glob(f"{LOAD_FOLDER_PREFIX}*-*"):
        pid = folder.name.removeprefix(LOAD_FOLDER_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not psutil.pid_exists(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def run_load_test(plan: LoadPlan, cancel: threading.Event | None = None) -> LoadTestResult:
    """Run the plan to completion, or until `cancel` is set (blocking: async code runs it in a
    thread, which cannot be cancelled, and sets `cancel` instead)."""
    cancel = cancel or threading.Event()
    remove_abandoned_load_folders()
    with tempfile.TemporaryDirectory(prefix=f"{LOAD_FOLDER_PREFIX}{os.getpid()}-") as folder:
        csv_prefix = Path(folder) / "locust"
        log_path = Path(folder) / "locust.log"
        with log_path.open("wb") as log:
            # Started and waited for from the same thread: the processes die with it (`locust_child`).
            processes = start_processes(plan, csv_prefix, log)
            deadline = time.monotonic() + plan.duration_s + limits.STOP_GRACE_S + (30 if plan.remote_workers else 0)
            master = processes[0]
            try:
                why_stopped = wait_for(master, deadline, cancel)
            finally:
                for process in processes:
                    stop(process)
        if why_stopped:
            return failed(plan, why_stopped)
        log_tail = log_path.read_text(encoding="utf-8", errors="replace").strip()[-500:]
        if not Path(f"{csv_prefix}{FINAL_STATS_SUFFIX}").is_file():
            return failed(plan, f"Locust wrote no statistics (exit {master.returncode}): {log_tail}")
        result = read_results(plan, csv_prefix)
        if result.total is None or result.total.requests == 0:
            result.error = f"no request completed in {plan.duration_s:g} s: {log_tail or 'Locust logged nothing'}"
        return result


def failed(plan: LoadPlan, reason: str) -> LoadTestResult:
    return LoadTestResult(target=plan.target, users=plan.users, duration_s=plan.duration_s, error=reason)
