"""Benchmark: wall time and peak memory of a 12-portal campaign at concurrency 1, 2 and 4.

The campaign is the shipped example fleet (assessor/examples/portals.sample.yaml: 12 sample
portals with different profiles), run through the command line with a fresh store for each concurrency.
Peak memory is sampled (RSS every 100 ms, PSS every second) over the campaign process and all its children (worker
processes, Chromium, sample portals), as the sum of resident sizes (RSS, which counts the pages
Chromium's processes share once per process) and of proportional sizes (PSS, what the tree
really holds); see assess_sample.py. The target is judged on PSS.
Target (issue 7): under 3 minutes and under 2 GiB on a 2-core machine.

    .venv/bin/python bench/campaign_bench.py [--concurrency 1 2 4] [--max-pages 4] [--repeat]
                                             [--criteria FILE] [--scores]

`--criteria` runs the campaigns with another rubric (for instance another `lab` block, to price a
measurement setting in seconds); `--scores` prints each campaign's scores and grades after its
row, to see what such a setting changes in the results.

Latest (2026-11-30, the idle 2-core build machine, full shipped rubric, 4 pages per portal),
concurrency 3: first campaign (fresh store, list order) 203.8 s, 207.2 s, 204.2 s and 214.5 s in
four invocations, repeat (same store, longest last time first) 194.3 s, 184.0 s and 194.0 s, peak
PSS 1.7 GiB (RSS 4.2-4.3 GiB). The CPU sets
the pace: 318-349 CPU-s, about a third of them Chromium's CPU throttling spinning during mobile lab
runs. Where the time goes, what the `lab` settings would buy and every earlier figure:
bench/README.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from assess_sample import measure  # bench/ is the script's folder, hence on sys.path

from assessor.portals import example_portals_path
from assessor.store import open_store

TARGET_S = 180
TARGET_BYTES = 2 * 1024**3


def campaign_command(portals: Path, name: str, out: str, concurrency: int, max_pages: int,
                     criteria: Path | None) -> list[str]:
    return [sys.executable, "-c", "from assessor.cli import app; app(prog_name='assessor')",
            "campaign", "run", str(portals), "--name", name, "--db", store_url(out),
            "--out", out, "--no-progress", "--concurrency", str(concurrency),
            "--max-pages", str(max_pages), "--max-depth", "2", "--time-budget", "60",
            *(["--criteria", str(criteria)] if criteria else [])]


def store_url(out: str) -> str:
    return f"{out}/bench.sqlite3"


def scores_line(out: str, name: str) -> str:
    """`portal score grade, ...` of one campaign, best first."""
    with open_store(store_url(out)) as store:
        rows = store.results(store.campaign(name))
    ranked = sorted(rows, key=lambda row: -(row.score or 0))
    said = ", ".join(f"{row.portal_id} {row.score:.1f} {row.grade}" if row.score is not None
                     else f"{row.portal_id} {row.outcome}" for row in ranked)
    # A failed portal's error, so that a figure spoilt by one is not taken for a measurement.
    return said + "".join(f"\n  {row.portal_id} failed: {row.error}" for row in ranked if row.outcome == "failed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--max-pages", type=int, default=4)
    parser.add_argument("--portals", type=Path, default=example_portals_path())
    parser.add_argument("--repeat", action="store_true",
                        help="also time a second campaign on the same store, which starts the portals "
                             "that took longest last time first")
    parser.add_argument("--criteria", type=Path, help="criteria YAML file (default: the shipped rubric)")
    parser.add_argument("--scores", action="store_true", help="print each campaign's scores after its row")
    args = parser.parse_args()
    print("| concurrency | campaign | wall time (s) | peak PSS (MiB) | peak RSS (MiB) | exit | max pages |")
    print("|---|---|---|---|---|---|---|")
    for concurrency in args.concurrency:
        with tempfile.TemporaryDirectory() as out:
            for name in ("first", "repeat")[: 2 if args.repeat else 1]:
                measured = measure(campaign_command(args.portals, name, out, concurrency, args.max_pages,
                                                    args.criteria))
                over = measured.seconds >= TARGET_S or measured.peak_pss >= TARGET_BYTES
                print(f"| {concurrency} | {name} | {measured.seconds:.1f}{' (over target)' if over else ''} | "
                      f"{measured.peak_pss / 2**20:.0f} | {measured.peak_rss / 2**20:.0f} | {measured.exit_code} | "
                      f"{args.max_pages} |", flush=True)
                if args.scores:
                    print(f"  scores ({name}): {scores_line(out, name)}", flush=True)


if __name__ == "__main__":
    main()
