"""Benchmark: wall time and peak memory of `assessor run` on the sample portal.

Target (issue 2): a full assessment (all six groups, 20 pages, no load test) in under 30 s on a
2-core machine. Peak memory is the largest sum of resident memory of the assessor process and
all its children (Chromium's processes included), sampled every 100 ms.

    .venv/bin/python bench/assess_sample.py [--profile good] [--runs 3] [--max-pages 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from assessor.sample_portal.profile import resolve_profile
from assessor.sample_portal.server import SamplePortal


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(command: list[str]) -> tuple[float, int, int]:
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    watched = psutil.Process(child.pid)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                peak = max(peak, tree_rss(watched))
            except psutil.Error:
                pass
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = child.wait()
    done.set()
    sampler.join()
    return time.perf_counter() - started, peak, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="good")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-pages", type=int, default=20)
    args = parser.parse_args()
    with SamplePortal(resolve_profile(args.profile)) as portal, tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "assessor", "run", portal.url, "--out", out, "--no-progress", "--id", "bench",
                   "--max-pages", str(args.max_pages), "--ca-bundle", str(portal.ca_cert_path),
                   "--http-url", portal.http_url]
        for host, target in portal.resolve.items():
            command += ["--resolve", f"{host}={target}"]
        times, peaks = [], []
        for run in range(1, args.runs + 1):
            seconds, peak, code = measure(command)
            times.append(seconds)
            peaks.append(peak)
            steps = json.loads((Path(out) / "bench" / "snapshot" / "snapshot.json").read_text())["step_seconds"]
            score = json.loads((Path(out) / "bench" / "assessment.json").read_text())
            print(f"run {run}: {seconds:.1f} s, peak {peak / 2**20:.0f} MiB, exit {code}, "
                  f"score {score['score']:.1f} {score['grade']}; steps: "
                  + ", ".join(f"{name} {spent:.1f}s" for name, spent in steps.items()))
    print(f"median wall time {statistics.median(times):.1f} s (min {min(times):.1f}, max {max(times):.1f}); "
          f"peak memory {max(peaks) / 2**20:.0f} MiB; target < 30 s")


if __name__ == "__main__":
    main()
