"""Finding the processes a test started, by their command lines (pgrep -f)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable


def pids_running(pattern: str) -> list[str]:
    return subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True, check=False).stdout.split()


def _poll(pattern: str, within_s: float, done: Callable[[list[str]], bool]) -> list[str]:
    deadline = time.monotonic() + within_s
    while True:
        found = pids_running(pattern)
        if done(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def pids_started(pattern: str, within_s: float, at_least: int = 1) -> list[str]:
    """The processes matching `pattern` once there are `at_least` of them, or after `within_s`."""
    return _poll(pattern, within_s, lambda found: len(found) >= at_least)


def pids_left(pattern: str, within_s: float) -> list[str]:
    """The processes matching `pattern` that are still there after up to `within_s`."""
    return _poll(pattern, within_s, lambda found: not found)
