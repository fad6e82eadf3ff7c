"""Benchmark: wall time and peak memory of a 12-portal campaign at concurrency 1, 2 and 4.

The campaign is the shipped example fleet (assessor/examples/portals.sample.yaml: 12 sample
portals with different profiles), run through the command line with a fresh store each time.
Peak memory is sampled (RSS every 100 ms, PSS every second) over the campaign process and all its children (worker
processes, Chromium, sample portals), as the sum of resident sizes (RSS, which counts the pages
Chromium's processes share once per process) and of proportional sizes (PSS, what the tree
really holds); see assess_sample.py. The target is judged on PSS.
Target (issue 7): under 3 minutes and under 2 GiB on a 2-core machine.

    .venv/bin/python bench/campaign_bench.py [--concurrency 1 2 4] [--max-pages 4]

Measured on the idle 2-core build machine (2026-11-29), full shipped rubric, 4 pages per portal:
concurrency 2: 279.5 s, peak PSS 1.1 GiB (RSS 2.4 GiB); concurrency 4: 249.0 s, peak PSS 1.7 GiB
(RSS 4.4 GiB). Before (2026-11-23, the full Chromium, every lab run taken): concurrency 1: 576 s;
2: 390 s (415 s again), PSS 1.3 GiB; 4: 372 s. The slowest portals set the pace: the `slow`
profile alone takes 91 s (1.2 s server delay on every request, 4 MB of images that a throttled
mobile load cannot finish in the 20 s page timeout), against about 20 s for a healthy one.
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


def campaign_command(portals: Path, name: str, out: str, concurrency: int, max_pages: int) -> list[str]:
    return [sys.executable, "-c", "from assessor.cli import app; app(prog_name='assessor')",
            "campaign", "run", str(portals), "--name", name, "--db", f"{out}/bench.sqlite3",
            "--out", out, "--no-progress", "--concurrency", str(concurrency),
            "--max-pages", str(max_pages), "--max-depth", "2", "--time-budget", "60"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--max-pages", type=int, default=4)
    parser.add_argument("--portals", type=Path, default=example_portals_path())
    parser.add_argument("--repeat", action="store_true",
                        help="also time a second campaign on the same store, which starts the portals "
                             "that took longest last time first")
    args = parser.parse_args()
    print("| concurrency | campaign | wall time (s) | peak PSS (MiB) | peak RSS (MiB) | exit | max pages |")
    print("|---|---|---|---|---|---|---|")
    for concurrency in args.concurrency:
        with tempfile.TemporaryDirectory() as out:
            for name in ("first", "repeat")[: 2 if args.repeat else 1]:
                measured = measure(campaign_command(args.portals, name, out, concurrency, args.max_pages))
                over = measured.seconds >= TARGET_S or measured.peak_pss >= TARGET_BYTES
                print(f"| {concurrency} | {name} | {measured.seconds:.1f}{' (over target)' if over else ''} | "
                      f"{measured.peak_pss / 2**20:.0f} | {measured.peak_rss / 2**20:.0f} | {measured.exit_code} | "
                      f"{args.max_pages} |", flush=True)


if __name__ == "__main__":
    main()
