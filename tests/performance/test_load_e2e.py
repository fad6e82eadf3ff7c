"""The load test against the sample portal on 127.0.0.1: real Locust in child processes."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assessor.checks.performance import load_metric
from assessor.cli import app
from assessor.collect.context import CollectContext
from assessor.collect.load_test import CHART_FILE, load_target, load_test, refusal
from assessor.criteria import load_rubric
from assessor.model import Status
from assessor.perf.cli import apply_load_overrides
from assessor.perf.runner import LoadPlan, run_load_test
from assessor.sample_portal.profile import resolve_profile
from assessor.sample_portal.server import SamplePortal
from assessor.snapshot import CollectSettings, Snapshot
from tests.builders import make_snapshot, page, params_of
from tests.core.local_site import QuietHandler, serve_handler, serve_site

QUICK_LOAD = {"users": 12, "spawn_rate": 12, "duration_s": 4, "think_min_s": 0, "think_max_s": 0.2}


def run_gatherer(portal_url: str, folder: Path, allow: bool, load: dict[str, float], ca: Path | None) -> Snapshot:
    rubric = load_rubric()
    rubric.criterion("performance.load_latency").params["load"] = dict(load)
    snapshot = make_snapshot(page(portal_url), url=portal_url)
    # The load gatherer needs no browser: the session is never touched.
    ctx = CollectContext(settings=CollectSettings(allow_load_test=allow), session=None, folder=folder,
                         rubric=rubric, ca_bundle=ca)
    asyncio.run(load_test(snapshot, ctx))
    snapshot.folder = folder
    return snapshot


@pytest.fixture(scope="module")
def overloaded(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """A portal that answers 503 beyond 2 requests in flight, each taking 150 ms."""
    folder = tmp_path_factory.mktemp("load")
    with SamplePortal(resolve_profile("good", errors_under_load=2, server_delay_ms=150)) as portal:
        return run_gatherer(portal.url, folder, True, QUICK_LOAD, portal.ca_cert_path)


def test_errors_under_load_are_measured_per_page_type(overloaded: Snapshot) -> None:
    load = overloaded.performance.load
    assert load.skipped_reason is None and load.error is None
    assert load.users == 12 and load.target.startswith("https://127.0.0.1:")
    assert load.total.requests >= 12  # every simulated citizen got at least one page
    assert load.total.failures > 0
    assert [stats.name for stats in load.pages] == ["home"]  # the only key page the snapshot had
    assert load.total.p95_ms >= 150
    assert load.timeline and max(sample.users for sample in load.timeline) == 12
    assert (overloaded.folder / CHART_FILE).read_bytes().startswith(b"\x89PNG")
    assert "gevent" not in sys.modules  # Locust ran in its own processes, never in this asyncio one


def test_error_ratio_is_scored_below_full_marks(overloaded: Snapshot) -> None:
    finding = load_metric(overloaded, params_of("performance.load_errors"))
    assert finding.status in (Status.PARTIAL, Status.FAIL)
    assert any(evidence.kind == "screenshot" for evidence in finding.evidence)


def test_refused_without_permission(tmp_path: Path) -> None:
    snapshot = run_gatherer("https://127.0.0.1:9/", tmp_path, False, QUICK_LOAD, None)
    assert "allow_load_test" in snapshot.performance.load.skipped_reason
    finding = load_metric(snapshot, params_of("performance.load_latency"))
    assert finding.status == Status.NEEDS_REVIEW and "--allow-load-test" in finding.message.en


def test_refused_above_the_ceilings(tmp_path: Path) -> None:
    snapshot = run_gatherer("https://127.0.0.1:9/", tmp_path, True, {**QUICK_LOAD, "users": 100_000}, None)
    reason = snapshot.performance.load.skipped_reason
    assert reason.startswith("refused:") and "users 100000 is above the ceiling" in reason


def test_command_line_overrides_reach_the_rubric() -> None:
    rubric = load_rubric()
    apply_load_overrides(rubric, users=7, duration_s=3)
    load = rubric.criterion("performance.load_latency").params["load"]
    assert (load["users"], load["duration_s"]) == (7, 3)


def test_load_command_needs_permission() -> None:
    result = CliRunner().invoke(app, ["load", "https://127.0.0.1:9/", "--users", "2"])
    assert result.exit_code == 2
    assert "--allow-load-test" in result.output


def test_load_command_with_two_local_workers(tmp_path: Path) -> None:
    with SamplePortal(resolve_profile("good")) as portal:
        result = CliRunner().invoke(app, [
            "load", portal.url, "--allow-load-test", "--workers", "2", "--users", "4", "--spawn-rate", "4",
            "--duration", "3", "--think-min", "0", "--think-max", "0.3", "--ca-bundle", str(portal.ca_cert_path),
            "--out", str(tmp_path),
        ])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "load.json").read_text(encoding="utf-8"))
    assert report["workers"] == 2 and report["total"]["requests"] > 0 and report["total"]["failures"] == 0
    assert {"home", "search", "lookup"} <= set(report["paths"])  # discovered from the home page
    assert "<table>" in (tmp_path / "load-report.html").read_text(encoding="utf-8")


def test_refused_when_the_portal_redirects_elsewhere(tmp_path: Path) -> None:
    rubric = load_rubric()
    snapshot = make_snapshot(page("https://127.0.0.1:9/", final_url="https://dichvucong.gov.vn/"),
                             url="https://127.0.0.1:9/")
    ctx = CollectContext(settings=CollectSettings(allow_load_test=True), session=None, folder=tmp_path,
                         rubric=rubric)
    asyncio.run(load_test(snapshot, ctx))
    assert "redirects to another site" in snapshot.performance.load.skipped_reason


def test_certificates_are_really_verified() -> None:
    """The portal's CA is made on the spot: trusting only the system's CAs must fail every request
    (not succeed silently), and skipping verification must not."""
    with SamplePortal(resolve_profile("good")) as portal:
        plans = {verify: LoadPlan(target=portal.url, users=2, spawn_rate=2, duration_s=2, think_min_s=0,
                                  think_max_s=0.2, verify=verify) for verify in (True, False)}
        untrusted, unverified = (run_load_test(plans[True]), run_load_test(plans[False]))
    assert untrusted.total.requests > 0 and untrusted.total.failures == untrusted.total.requests
    assert unverified.total.requests > 0 and unverified.total.failures == 0


@contextmanager
def counting_site(delay_s: float) -> Iterator[tuple[str, list[float]]]:
    """A page that answers after `delay_s`, and the times it was answered."""
    answered: list[float] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            time.sleep(delay_s)
            self.reply(200, b"ok", {"Content-Type": "text/plain"})
            answered.append(time.monotonic())

    with serve_handler(Handler) as base:
        yield base + "/", answered


@pytest.mark.parametrize("workers", [0, 2])
def test_every_request_to_the_end_of_the_test_is_counted(workers: int) -> None:
    """Locust's own CSV file of statistics is rewritten once a second while the test runs and not
    after its last requests (locustio/locust#1806): the totals are read from a final dump instead,
    which on a master includes its workers' last reports. Each user has at most one request cut
    short when the test stops."""
    users = 4
    with counting_site(delay_s=0.02) as (url, answered):
        result = run_load_test(LoadPlan(target=url, users=users, spawn_rate=users, duration_s=3,
                                        think_min_s=0, think_max_s=0, workers=workers))
    assert result.error is None and result.total is not None
    assert len(answered) - users <= result.total.requests <= len(answered), (result.total.requests, len(answered))
    assert sum(stats.requests for stats in result.pages) == result.total.requests
    # The chart's timeline reaches the end of the test too: its last point counts every request,
    # and its users have stopped.
    assert result.timeline[-1].requests == result.total.requests
    assert result.timeline[-1].users == 0 and max(sample.users for sample in result.timeline) == users


BRIEF_LOAD = ["--users", "2", "--spawn-rate", "2", "--duration", "1", "--think-min", "0", "--think-max", "0.1",
              "--path", "home=/"]


@pytest.mark.parametrize(("gate", "exit_code"), [([], 1), (["--max-error-ratio", "1"], 0)],
                         ids=["any failure fails", "failures allowed"])
def test_load_command_fails_when_requests_failed(gate: list[str], exit_code: int, tmp_path: Path) -> None:
    """Like Locust's own exit code: a load test in which requests failed fails the command, unless
    --max-error-ratio allows them. The report is written either way."""
    with serve_site({"/": (503, {}, "<h1>Quá tải</h1>")}) as failing_site:
        result = CliRunner().invoke(app, ["load", failing_site + "/", "--allow-load-test", *BRIEF_LOAD, *gate,
                                          "--out", str(tmp_path)])
    assert result.exit_code == exit_code, result.output
    output = " ".join(result.output.split())
    verdict = "FAILED" if exit_code else "passed"
    assert f"gate --max-error-ratio {gate[1] if gate else 0}: {verdict} (errors 100.0% of" in output
    assert (tmp_path / "load-report.html").is_file() and f"report: {tmp_path}" in output


@pytest.mark.parametrize(("delay_s", "max_p95_ms", "exit_code"), [(0.0, 2000, 0), (0.3, 150, 1)],
                         ids=["fast enough", "too slow"])
def test_load_command_fails_when_p95_is_above_the_limit(delay_s: float, max_p95_ms: int, exit_code: int,
                                                       tmp_path: Path) -> None:
    with counting_site(delay_s=delay_s) as (url, _):
        result = CliRunner().invoke(app, ["load", url, "--allow-load-test", *BRIEF_LOAD,
                                          "--max-p95", str(max_p95_ms), "--out", str(tmp_path)])
    assert result.exit_code == exit_code, result.output
    verdict = "FAILED" if exit_code else "passed"
    assert f"gate --max-p95 {max_p95_ms}: {verdict} (p95 " in " ".join(result.output.split())


def test_a_portal_redirecting_to_its_own_subdomain_is_load_tested_there(tmp_path: Path) -> None:
    """tinh.test sending citizens on to dichvucong.tinh.test is the same portal: the permission
    covers it, and the load goes where the portal lives."""
    snapshot = make_snapshot(page("https://tinh.test:9/", final_url="https://dichvucong.tinh.test:9/"),
                             url="https://tinh.test:9/")
    ctx = CollectContext(settings=CollectSettings(allow_load_test=True), session=None, folder=tmp_path,
                         rubric=load_rubric())
    target = load_target(snapshot)
    assert target == "https://dichvucong.tinh.test:9"
    assert refusal(snapshot, ctx, target) is None
