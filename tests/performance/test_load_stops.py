"""A load test stops when assessor is told to stop, or dies: never a load generator left
hammering a portal for nobody (Locust runs in its own session, out of reach of a Ctrl-C meant
for assessor, so assessor has to take it down)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from assessor.assess import portal_from_url
from assessor.collect.context import CollectContext
from assessor.collect.load_test import load_test
from assessor.criteria import load_rubric
from assessor.perf.runner import LOAD_FOLDER_PREFIX, LOCUSTFILE, remove_abandoned_load_folders
from assessor.sample_portal.profile import resolve_profile
from assessor.sample_portal.server import SamplePortal
from assessor.snapshot import CollectSettings
from tests.builders import LONG_LOAD, LONG_LOAD_S, make_snapshot, page, quick_rubric_file
from tests.core.local_site import serve_site
from tests.processes import pids_left, pids_started
from tests.zoo.servers import Zoo

LONG_S = LONG_LOAD_S
ASSESSOR = [sys.executable, "-m", "assessor"]


def locust_for(url: str) -> str:
    """pgrep pattern of the Locust processes (master and workers) loading `url`."""
    return f"{LOCUSTFILE} .*--host {url.rstrip('/')}"


def locust_started(url: str, processes: int = 1) -> bool:
    return len(pids_started(locust_for(url), 60, at_least=processes)) >= processes


def locust_left(url: str) -> list[str]:
    return pids_left(locust_for(url), 5)


def test_a_cancelled_load_test_takes_its_locust_down_at_once(tmp_path: Path) -> None:
    """Ctrl-C, SIGTERM and a portal's time budget all cancel the gatherer: Locust goes with it, and
    the process is not kept waiting for the test's planned end."""
    rubric = load_rubric()
    rubric.criterion("performance.load_latency").params["load"] = dict(LONG_LOAD)
    with SamplePortal(resolve_profile("good")) as portal:
        snapshot = make_snapshot(page(portal.url), url=portal.url)
        ctx = CollectContext(settings=CollectSettings(allow_load_test=True), session=None, folder=tmp_path,
                             rubric=rubric, ca_bundle=portal.ca_cert_path)
        cancelled_at = 0.0

        async def cancel_once_loading() -> None:
            nonlocal cancelled_at
            task = asyncio.create_task(load_test(snapshot, ctx))
            assert await asyncio.to_thread(locust_started, portal.url), "the load test starts Locust"
            cancelled_at = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

        asyncio.run(cancel_once_loading())  # returns once the load test's thread has finished too
        stopped_after_s = time.monotonic() - cancelled_at
        assert locust_left(portal.url) == []
    assert stopped_after_s < LONG_S / 4, f"the load ran on for {stopped_after_s:.0f} s after the cancel"


@pytest.mark.parametrize(("sig", "code", "said"), [
    # `kill -9` runs no clean-up code: the kernel takes the master and its worker down.
    (signal.SIGKILL, -signal.SIGKILL, ""),
    (signal.SIGTERM, 143, "stopped by SIGTERM: the load test was stopped, no report was written"),
])
def test_a_killed_assessor_load_leaves_no_locust_behind(sig: int, code: int, said: str, tmp_path: Path) -> None:
    with SamplePortal(resolve_profile("good")) as portal:
        process = subprocess.Popen([
            *ASSESSOR, "load", portal.url, "--allow-load-test", "--workers", "1", "--users", "2",
            "--duration", str(LONG_S), "--path", "home=/", "--ca-bundle", str(portal.ca_cert_path),
            "--out", str(tmp_path),
        ], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            assert locust_started(portal.url, processes=2), "the master and its worker start"
            process.send_signal(sig)
            _, stderr = process.communicate(timeout=30)
            assert locust_left(portal.url) == [], "Locust outlived the assessor that started it"
        finally:
            process.kill()
    assert process.returncode == code, stderr
    assert said in stderr
    assert not (tmp_path / "load-report.html").exists()
    # Its working folder (Locust's statistics and log): removed on SIGTERM; after `kill -9`, which
    # runs no clean-up code, left for the next load test to remove.
    left = list(Path(tempfile.gettempdir()).glob(f"{LOAD_FOLDER_PREFIX}{process.pid}-*"))
    assert len(left) == (1 if sig == signal.SIGKILL else 0)
    remove_abandoned_load_folders()
    assert not any(folder.exists() for folder in left)


def test_only_the_folders_of_load_tests_whose_process_is_gone_are_removed(tmp_path: Path) -> None:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    folders = {
        "abandoned": tmp_path / f"{LOAD_FOLDER_PREFIX}{ended.pid}-abc123",
        "running": tmp_path / f"{LOAD_FOLDER_PREFIX}{os.getpid()}-def456",
        "other": tmp_path / f"{LOAD_FOLDER_PREFIX}no-pid",
        "unrelated": tmp_path / f"pytest-{ended.pid}-x",
    }
    for folder in folders.values():
        folder.mkdir()
        (folder / "locust_stats.csv").write_text("Name\n", encoding="utf-8")
    remove_abandoned_load_folders(tmp_path)
    assert sorted(name for name, folder in folders.items() if folder.exists()) == ["other", "running", "unrelated"]


def test_sigterm_stops_assessor_load_while_it_looks_for_the_key_pages(tmp_path: Path) -> None:
    with Zoo() as zoo:
        process = subprocess.Popen([*ASSESSOR, "load", zoo.url("silent"), "--allow-load-test", "--out", str(tmp_path)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            # Once the silent portal has the home page's request, which it holds for far longer
            # (a fixed 3 s wait was outlasted by the start-up on a busy machine: SIGTERM came
            # before assessor listened for it).
            assert zoo.wait_for_visit("silent"), "the home page was never asked for"
            assert process.poll() is None, "still waiting for the home page"
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=15)
        finally:
            process.kill()
    assert process.returncode == 143, stderr
    assert "stopped by SIGTERM: stopped while finding the key pages, no load was generated" in stderr
    assert "Traceback" not in stderr


def test_sigterm_stops_assessor_run_during_its_load_test_and_leaves_the_last_run_as_it_was(tmp_path: Path) -> None:
    page_html = "<html lang='vi'><head><title>Cổng thử</title></head><body><h1>Dịch vụ công</h1></body></html>"
    with serve_site({"/": (200, {}, page_html)}) as site:
        # What an earlier run of this portal left: a stopped run must not leave it half replaced.
        folder = tmp_path / portal_from_url(site + "/").id
        earlier = {"report.html": "earlier report", "snapshot/snapshot.json": "{}", "snapshot/pages/000.html": "p"}
        for name, content in earlier.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(content, encoding="utf-8")
        process = subprocess.Popen([
            *ASSESSOR, "run", site + "/", "--criteria", str(quick_rubric_file(tmp_path)), "--out", str(tmp_path),
            "--max-pages", "1", "--allow-load-test", "--load-users", "2", "--load-duration", str(LONG_S),
            "--no-progress",
        ], env=os.environ | {"CI": "true"}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            assert locust_started(site), "the run reaches its load test"
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=LONG_S / 4)
        finally:
            process.kill()
        assert locust_left(site) == []
    assert process.returncode == 143, stderr
    assert "stopped by SIGTERM: no report was written" in stderr
    assert {str(path.relative_to(folder)): path.read_text(encoding="utf-8")
            for path in folder.rglob("*") if path.is_file()} == earlier
