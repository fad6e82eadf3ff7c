"""Benchmark: assessor's lab metrics against Lighthouse's, on the same pages of the sample portal.

Lighthouse is installed on demand from npm (`npx --yes lighthouse@12`) and pointed at the system's
full Chromium, as its users run Chrome (`--lighthouse-chrome` to choose another), with
--throttling-method=provided and the desktop preset; assessor runs the browser it finds (the
headless shell where installed). Both load the same pages unthrottled at a desktop viewport, with
the same host mapping (`chromium_args()`). Each tool loads each page `--runs` times; the script
prints the medians side by side, each tool's run-to-run spread, and a 90 % bootstrap interval of
the ratio of our spread to Lighthouse's.

Target (issue 5): our FCP and LCP medians within 15% of Lighthouse's; our spread (coefficient of
variation) no wider than Lighthouse's. Runs are interleaved (Lighthouse then assessor, page by
page) so both meet the same machine load. Lighthouse's TTFB ("server-response-time") leaves out
connection set-up; ours, like web-vitals', counts from the start of navigation.

    .venv/bin/python bench/lighthouse_compare.py [--runs 3] [--profile good slow] [--lighthouse-browser fresh|warm]

Two profiles by default: `good`, whose pages paint in 150-250 ms, so that 15 % is under two frames
(16.7 ms each); and `slow` (1.2 s server delay, heavy images, a 700 ms long task, a late banner),
whose pages paint in about 1.4 s and move every metric. The sample portal is served from a
process of its own (`SamplePortalProcess`), as a real portal is on another machine.

Latest (2026-11-30, 10 runs, Lighthouse fresh): `slow` meets both targets on 6 of 6 (-2 %, -3 %,
-3 %; TBT 649 against 650 ms); `good` is 16-22 % early on every page (ours 158/144/146 ms against
199/185/174 ms, 0 of 6), its spread no wider on 4 of 6. The same page loads about 40 ms more slowly
under Lighthouse's harness; the traces, what was ruled out and every earlier figure are in
bench/README.md.

Lighthouse's command line starts a new browser for every run; assessor keeps one browser and opens
a fresh context per run. `--lighthouse-browser warm` has Lighthouse connect (`--port`) to a browser
left running instead.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from assessor.artifacts.performance import FormFactor, LabSettings
from assessor.collect.browser import QUIET_FLAGS, BrowserOptions, BrowserSession, find_browser
from assessor.collect.context import CollectContext
from assessor.collect.lab import measure_pages
from assessor.criteria import load_rubric
from assessor.perf.cli import discover_paths, rubric_settings
from assessor.perf.runner import free_port
from assessor.sample_portal.process import SamplePortalProcess
from assessor.sample_portal.profile import resolve_profile
from assessor.snapshot import CollectSettings

LIGHTHOUSE = "lighthouse@12"
LIGHTHOUSE_ATTEMPTS = 3
# Lighthouse's audit id -> our metric name.
AUDITS = {"first-contentful-paint": "fcp_ms", "largest-contentful-paint": "lcp_ms", "speed-index": "speed_index_ms",
          "total-blocking-time": "total_blocking_time_ms", "cumulative-layout-shift": "cls",
          "server-response-time": "ttfb_ms"}
DESKTOP = FormFactor(name="desktop", width=1350, height=940)
TOLERANCE = 0.15
# The team's other way to state the target on fast pages: within 15 % or within this many
# milliseconds (three 16.7 ms frames), whichever is looser. Printed beside, never in place of, the 15 %.
ABSOLUTE_TOLERANCE_MS = 50
BOOTSTRAP_SAMPLES = 2000
BOOTSTRAP_SEED = 473
# Before each tool's run: the other tool's browser has just shut down (Lighthouse starts and
# stops a Chromium per run), and its exit must not weigh on the next measurement.
SETTLE_S = 2.0
Runs = dict[str, list[dict[str, float]]]


def cv(values: list[float]) -> float:
    mean = statistics.fmean(values)
    return statistics.pstdev(values) / mean if mean else 0.0


def spread_ratio_interval(mine: list[float], theirs: list[float]) -> tuple[float, float] | None:
    """A 90 % bootstrap interval of CV ours / CV Lighthouse. With 5 or 10 runs a CV is itself
    uncertain by a third or more: a ratio of 1.2 is noise unless the interval's low end is above 1."""
    rng = random.Random(BOOTSTRAP_SEED)
    ratios = []
    for _ in range(BOOTSTRAP_SAMPLES):
        theirs_cv = cv(rng.choices(theirs, k=len(theirs)))
        if theirs_cv > 0:
            ratios.append(cv(rng.choices(mine, k=len(mine))) / theirs_cv)
    if len(ratios) < BOOTSTRAP_SAMPLES // 2:
        return None  # Lighthouse's runs (nearly) all equal: no ratio to speak of
    ratios.sort()
    return ratios[int(len(ratios) * 0.05)], ratios[int(len(ratios) * 0.95) - 1]


def browser_flags(portal: SamplePortalProcess) -> list[str]:
    """Lighthouse's Chromium: quiet, and like ours mapping the stand-in hosts (EMC, CDN, national
    portal) to the sample portal, so that neither tool looks the real ones up."""
    return [*QUIET_FLAGS, "--headless=new", "--no-sandbox", *portal.chromium_args()]


def chrome_flags_option(flags: list[str]) -> str:
    """Lighthouse's --chrome-flags is one string, which it splits with yargs: a value holding
    spaces (the host-resolver rules) is quoted."""
    def quoted(flag: str) -> str:
        name, _, value = flag.partition("=")
        return f'{name}="{value}"' if " " in value else flag

    return "--chrome-flags=" + " ".join(quoted(flag) for flag in flags)


@contextmanager
def warm_browser(chrome: str, portal: SamplePortalProcess, folder: Path) -> Iterator[int]:
    """A Chromium left running for Lighthouse to connect to (`--port`), as assessor's lab keeps one
    browser for all its runs: Lighthouse then no longer pays a cold browser's start in each load."""
    port = free_port("127.0.0.1")
    browser = subprocess.Popen([chrome, *browser_flags(portal), f"--remote-debugging-port={port}",
                                f"--user-data-dir={folder / 'lighthouse-profile'}", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or browser.poll() is not None:
                    raise RuntimeError(f"{chrome} did not open its DevTools port") from None
                time.sleep(0.2)
        yield port
    finally:
        browser.terminate()
        browser.wait(timeout=30)


def lighthouse_run(url: str, portal: SamplePortalProcess, out: Path, chrome: str, port: int | None) -> dict[str, float]:
    browser = [f"--port={port}"] if port else [f"--chrome-path={chrome}", chrome_flags_option(browser_flags(portal))]
    command = ["npx", "--yes", LIGHTHOUSE, url, *browser, "--throttling-method=provided",
               "--preset=desktop", "--only-categories=performance", "--output=json", f"--output-path={out}",
               "--quiet"]
    # Lighthouse itself asks to be run again after a trace it could not read (NO_NAVSTART, ...).
    for attempt in range(LIGHTHOUSE_ATTEMPTS):
        if subprocess.run(command, timeout=300, check=False).returncode == 0:
            break
        if attempt == LIGHTHOUSE_ATTEMPTS - 1:
            raise RuntimeError(f"Lighthouse failed {LIGHTHOUSE_ATTEMPTS} times on {url}")
    audits = json.loads(out.read_text(encoding="utf-8"))["audits"]
    return {ours: audits[audit]["numericValue"] for audit, ours in AUDITS.items() if audit in audits}


async def interleaved_runs(targets: dict[str, str], portal: SamplePortalProcess, runs: int, folder: Path,
                           chrome: str, port: int | None) -> tuple[Runs, Runs]:
    """Run i of both tools on each page back to back, so that both meet the same machine load."""
    options = BrowserOptions(executable=find_browser().path, resolve=portal.resolve,
                             trusted_spki=[portal.leaf_spki_sha256])
    settings = LabSettings(runs=1, form_factors=[DESKTOP], concurrency=1)
    ours: Runs = {kind: [] for kind in targets}
    theirs: Runs = {kind: [] for kind in targets}
    async with BrowserSession(options) as session:
        ctx = CollectContext(settings=CollectSettings(resolve=portal.resolve), session=session, folder=folder,
                             rubric=load_rubric())
        for run in range(runs):
            for kind, url in targets.items():
                await asyncio.sleep(SETTLE_S)
                theirs[kind].append(await asyncio.to_thread(lighthouse_run, url, portal, folder / f"{kind}-{run}.json",
                                                            chrome, port))
                await asyncio.sleep(SETTLE_S)
                result = await measure_pages({kind: url}, ctx, settings)
                ours[kind].append({metric: getattr(result.pages[0].runs[0], metric) for metric in AUDITS.values()})
    return ours, theirs


def compare(profile: str, args: argparse.Namespace) -> None:
    """Both tools on the key pages of a sample portal with `profile`; prints the table and the verdict."""
    with SamplePortalProcess(resolve_profile(profile)) as portal, tempfile.TemporaryDirectory() as folder:
        _, lab = rubric_settings(load_rubric())
        paths, _ = asyncio.run(discover_paths(portal.url, lab, portal.ca_cert_path))
        targets = {kind: portal.url.rstrip("/") + path for kind, path in paths.items()}
        with ExitStack() as stack:
            port = (stack.enter_context(warm_browser(args.lighthouse_chrome, portal, Path(folder)))
                    if args.lighthouse_browser == "warm" else None)
            ours, theirs = asyncio.run(interleaved_runs(targets, portal, args.runs, Path(folder),
                                                        args.lighthouse_chrome, port))
    print(f"profile {profile}, {args.runs} runs")
    print(f"{'page':<10}{'metric':<24}{'assessor':>10}{'Lighthouse':>12}{'diff':>8}{'CV ours':>9}{'CV LH':>8}"
          f"{'CV ratio, 90 %':>17}")
    verdicts = []
    for kind in targets:
        for metric in AUDITS.values():
            mine = [run[metric] for run in ours[kind] if run[metric] is not None]
            lh = [run[metric] for run in theirs[kind] if metric in run]
            if not mine or not lh:
                continue
            ours_median, lh_median = statistics.median(mine), statistics.median(lh)
            diff = (ours_median - lh_median) / lh_median if lh_median else 0.0
            interval = spread_ratio_interval(mine, lh)
            shown = f"{interval[0]:.2f}-{interval[1]:.2f}" if interval else "-"
            print(f"{kind:<10}{metric:<24}{ours_median:>10.1f}{lh_median:>12.1f}{diff:>8.0%}"
                  f"{cv(mine):>9.1%}{cv(lh):>8.1%}{shown:>17}")
            if metric in ("fcp_ms", "lcp_ms"):
                surely_wider = interval is not None and interval[0] > 1
                near = abs(diff) <= TOLERANCE or abs(ours_median - lh_median) <= ABSOLUTE_TOLERANCE_MS
                verdicts.append((abs(diff) <= TOLERANCE, cv(mine) <= cv(lh), surely_wider, near))
    within = sum(ok for ok, _, _, _ in verdicts)
    steadier = sum(ok for _, ok, _, _ in verdicts)
    surely_wider = sum(wider for _, _, wider, _ in verdicts)
    near = sum(ok for _, _, _, ok in verdicts)
    print(f"FCP/LCP medians within {TOLERANCE:.0%} of Lighthouse: {within}/{len(verdicts)}; "
          f"spread no wider than Lighthouse's: {steadier}/{len(verdicts)} "
          f"(wider beyond the runs' own uncertainty, the interval above 1: {surely_wider}/{len(verdicts)})", flush=True)
    print(f"  within {TOLERANCE:.0%} or {ABSOLUTE_TOLERANCE_MS} ms (the target stated with an absolute floor, "
          f"for the team to weigh): {near}/{len(verdicts)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", nargs="+", default=["good", "slow"],
                        help="sample-portal profiles compared, one after the other")
    parser.add_argument("--lighthouse-chrome", default=shutil.which("chromium") or find_browser().path,
                        help="the browser Lighthouse runs (default: the system's full Chromium)")
    parser.add_argument("--lighthouse-browser", choices=("fresh", "warm"), default="fresh",
                        help="fresh: Lighthouse starts a browser for each run, as its command line does; "
                             "warm: it connects to one left running, as assessor's lab keeps one")
    args = parser.parse_args()
    for profile in args.profile:
        compare(profile, args)


if __name__ == "__main__":
    main()
