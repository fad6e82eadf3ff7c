"""Benchmark: wall time and peak memory of `assessor run` on the sample portal.

Target (issue 2): a full assessment (all six groups, 20 pages, no load test) in under 30 s on a
2-core machine. Peak memory is sampled over the assessor process and all its
children (Chromium's processes included), two ways: the sum of their resident sizes (RSS),
which counts every page Chromium's processes share (its code, for one) once per process, and
the sum of their proportional sizes (PSS, each shared page divided among those sharing it),
which is what the tree really holds.

    .venv/bin/python bench/assess_sample.py [--profile good] [--runs 3] [--max-pages 20]

Measured on the idle 2-core build machine (2026-11-30, the functions and viewport gatherers on
reused tabs): 27.7 s median of 3 (27.6-28.2), peak RSS 1.5 GiB, PSS 0.75 GiB, score 90.5 A; steps:
crawl 7 s, functions 3.4-3.8 s and viewports 4.2-4.5 s side by side (one run of the code before:
4.0 and 5.3 s), TLS and probes under 1 s, lab 13-14 s (16-18 cold loads: most pages settle after 2
of their 3 runs). 2026-12-01, on a machine running about a third slower that day: 37.9 s
(37.0-38.5) with the client hints set on every tab, 39.4 s (38.7-41.3) with the tabs as before,
one after the other: setting them costs nothing measurable. 2026-11-29: 28.2 s (27.8-28.6). Before
(2026-11-23, the full Chromium, every lab run taken, a new tab per crawled page): 54.4 s.
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
from dataclasses import dataclass
from pathlib import Path

import psutil

from assessor.sample_portal.profile import resolve_profile
from assessor.sample_portal.server import SamplePortal


@dataclass
class Measurement:
    seconds: float
    exit_code: int
    peak_rss: int = 0
    peak_pss: int = 0


# RSS is cheap to read (statm); PSS means reading every process's smaps, which on a dozen
# Chromium processes costs a noticeable share of the two cores being measured: it is sampled
# less often. Peak PSS may then miss a short peak by up to a second.
RSS_EVERY_S = 0.1
PSS_EVERY_S = 1.0


def tree_memory(process: psutil.Process, with_pss: bool) -> tuple[int, int]:
    """(sum of RSS, sum of PSS or 0) of `process` and its descendants, in bytes."""
    rss = pss = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            if with_pss:
                info = member.memory_full_info()
                pss += getattr(info, "pss", info.rss)
            else:
                info = member.memory_info()
        except psutil.Error:
            continue
        rss += info.rss
    return rss, pss


def measure(command: list[str]) -> Measurement:
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    watched = psutil.Process(child.pid)
    result = Measurement(seconds=0.0, exit_code=0)
    done = threading.Event()

    def sample() -> None:
        next_pss = time.monotonic()
        while not done.is_set():
            with_pss = time.monotonic() >= next_pss
            if with_pss:
                next_pss += PSS_EVERY_S
            try:
                rss, pss = tree_memory(watched, with_pss)
            except psutil.Error:
                rss = pss = 0
            result.peak_rss, result.peak_pss = max(result.peak_rss, rss), max(result.peak_pss, pss)
            time.sleep(RSS_EVERY_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    result.exit_code = child.wait()
    result.seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return result


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
        runs = []
        for run in range(1, args.runs + 1):
            measured = measure(command)
            runs.append(measured)
            steps = json.loads((Path(out) / "bench" / "snapshot" / "snapshot.json").read_text())["step_seconds"]
            score = json.loads((Path(out) / "bench" / "assessment.json").read_text())
            print(f"run {run}: {measured.seconds:.1f} s, peak RSS {measured.peak_rss / 2**20:.0f} MiB, "
                  f"PSS {measured.peak_pss / 2**20:.0f} MiB, exit {measured.exit_code}, "
                  f"score {score['score']:.1f} {score['grade']}; steps: "
                  + ", ".join(f"{name} {spent:.1f}s" for name, spent in steps.items()))
    times = [measured.seconds for measured in runs]
    print(f"median wall time {statistics.median(times):.1f} s (min {min(times):.1f}, max {max(times):.1f}); "
          f"peak memory RSS {max(m.peak_rss for m in runs) / 2**20:.0f} MiB, "
          f"PSS {max(m.peak_pss for m in runs) / 2**20:.0f} MiB; target < 30 s")

if __name__ == "__main__":
    main()
