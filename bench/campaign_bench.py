"""Benchmark: wall time and peak memory of a 12-portal campaign at concurrency 1, 2 and 4.

The campaign is the shipped example fleet (assessor/examples/portals.sample.yaml: 12 sample
portals with different profiles), run through the command line with a fresh store each time.
Peak memory is the largest sum of resident memory of the campaign process and all its children
(worker processes, Chromium, sample portals), sampled every 100 ms (see assess_sample.py).
Target (issue 7): under 3 minutes and under 2 GiB on a 2-core machine.

    .venv/bin/python bench/campaign_bench.py [--concurrency 1 2 4] [--max-pages 4]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from assess_sample import measure  # bench/ is the script's folder, hence on sys.path

from assessor.portals import example_portals_path

TARGET_S = 180
TARGET_BYTES = 2 * 1024**3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--max-pages", type=int, default=4)
    parser.add_argument("--portals", type=Path, default=example_portals_path())
    args = parser.parse_args()
    print("| concurrency | wall time (s) | peak memory (MiB) | exit | max pages |")
    print("|---|---|---|---|---|")
    for concurrency in args.concurrency:
        with tempfile.TemporaryDirectory() as out:
            command = [sys.executable, "-c", "from assessor.cli import app; app(prog_name='assessor')",
                       "campaign", "run", str(args.portals), "--name", "bench", "--db", f"{out}/bench.sqlite3",
                       "--out", out, "--no-progress", "--concurrency", str(concurrency),
                       "--max-pages", str(args.max_pages), "--max-depth", "2", "--time-budget", "60"]
            wall, peak, code = measure(command)
        verdict = "" if wall < TARGET_S and peak < TARGET_BYTES else " (over target)"
        print(f"| {concurrency} | {wall:.1f}{verdict} | {peak / 1024**2:.0f} | {code} | {args.max_pages} |", flush=True)


if __name__ == "__main__":
    main()
