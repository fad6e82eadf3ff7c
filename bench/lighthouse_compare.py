"""Benchmark: assessor's lab metrics against Lighthouse's, on the same pages of the sample portal.

Lighthouse is installed on demand from npm (`npx --yes lighthouse@12`) and pointed at the system's
full Chromium, as its users run Chrome (`--lighthouse-chrome` to choose another), with
--throttling-method=provided and the desktop preset; assessor runs the browser it finds (the
headless shell where installed). Both load the same pages unthrottled at a desktop viewport. Each tool loads each page
`--runs` times; the script prints the medians side by side and each tool's run-to-run spread.

Target (issue 5): our FCP and LCP medians within 15% of Lighthouse's; our spread (coefficient of
variation) no wider than Lighthouse's. Runs are interleaved (Lighthouse then assessor, page by
page) so both meet the same machine load. Lighthouse's TTFB ("server-response-time") leaves out
connection set-up; ours, like web-vitals', counts from the start of navigation.

    .venv/bin/python bench/lighthouse_compare.py [--runs 3] [--profile good slow] [--lighthouse-browser fresh|warm]

Two profiles by default: `good`, whose pages paint in 150-250 ms, so that 15 % is under two frames
(16.7 ms each) and a tool's medians move that much from one invocation to the next; and `slow`
(1.2 s server delay, heavy images, a 700 ms long task, a late banner), whose pages paint in about
1.4 s and move every metric.

The sample portal is served from a process of its own (`SamplePortalProcess`), as a real portal
is on another machine. Served from threads of this script's process, as before 2026-11-30, it shared
an interpreter lock with our Playwright client while assessor measured, but not while Lighthouse
(another process) did: our first paints then spread wider on the heavy `slow` home page.

Measured on the idle 2-core build machine (2026-11-30), 10 runs of home, search and lookup,
assessor on the headless shell, Lighthouse fresh on the full Chromium:

    profile  page    FCP/LCP  assessor  Lighthouse  diff   CV ours  CV Lighthouse
    slow     home             1394.0      1448.7    -4 %    1.6 %    1.8 %
    slow     search           1370.0      1399.6    -2 %    0.8 %    2.1 %
    slow     lookup           1364.0      1393.0    -2 %    1.0 %    1.6 %
    good     home              206.0       233.6   -12 %   11.8 %   11.8 %
    good     search            196.0       221.6   -12 %   15.3 %   13.0 %
    good     lookup            192.0       202.4    -5 %    9.3 %    9.7 %

slow (pages paint in 1.4 s): medians within 15 % on 6 of 6, spread no wider on 6 of 6; Speed Index,
Total Blocking Time and TTFB within 3 % too. A second invocation (with the CV-ratio intervals): medians
-3 %, -2 %, -2 % (6 of 6), spread no wider on 2 of 6 (home 1.8 % against 1.5 %, search 2.4 % against
2.3 %), every FCP/LCP interval spanning 1 (0.62-2.18, 0.69-1.70, 0.33-1.08): wider beyond the runs'
own uncertainty on 0 of 6. good (pages paint in about 200 ms, where 15 % is two
16.7 ms frames): two invocations of 10 runs gave medians within 15 % on 6 of 6 (above) and on 2 of
6 (-17 %, -12 %, -19 %: ours 172/170/150 ms against 208/192/185), spread no wider on 2 of 6 and on
4 of 6. Both tools' medians moved 30 ms between the invocations and each tool's CV is 9-15 %: at
this scale the verdicts are the noise's, which the CV-ratio interval column now shows (with 10 runs
a ratio's 90 % interval spans about 0.6-2). With the portal in this script's process (5 runs):
slow -4 %, -4 %, -1 %, spread no wider on 5 of 6 (10 runs: 4 of 6, home 2.3 % against 0.9 %); good
-14 %, -9 %, -9 %, 4 of 6. assessor on the full Chromium instead of the headless shell (10 runs,
good, 2026-11-30): +18 %, +12 %, +12-19 %, spread no wider on 0 of 6 (15-20 %): the headless shell
is the steadier lab browser.

Before 2026-11-30 the slow profile's long task ran straight from a deferred script and raced the
first paint: the search page's FCP fell before it in some runs and after it in others (ours 2060 ms
against Lighthouse's 1393, 4 of 6 within 15 %). The sample portal now starts the task after the
first frame. Earlier set-ups on the good profile: Lighthouse warm on the full Chromium, 5 runs,
-6 %, -15 %, -18 % (4 of 6); both on the headless shell, warm, 10 runs, +7 %, +10 %, +20 % (4 of 6,
spread no wider on 4 of 6); assessor on the full Chromium too (2026-11-23): 6 of 6, spread no
wider on 2 of 6. TTFB differs by design: Lighthouse's leaves out connection set-up, ours does not.

20 runs (2026-11-30, same set-up; 58 min for both profiles): slow -5 %, -2 %, -2 % (6 of 6), spread
no wider on 4 of 6, and narrower beyond the runs' own uncertainty on home (CV 1.5 % against 2.1 %,
ratio interval 0.49-0.92) and lookup (1.1 % against 2.1 %, 0.38-0.70); search 1.7 % against 1.6 %
(0.68-1.57); wider beyond it on 0 of 6. good: ours 184/164/158 ms against 212/194-199/185 ms, -13 %
to -18 % (4 of 6 within 15 %), spread no wider on 0 of 6 (ours 12-16 %, Lighthouse's 9-12 %), every
interval spanning 1 (0.63-2.10): wider beyond noise on 0 of 6. Ours paints about 28 ms earlier on
every good page, a constant that 15 % of 200 ms (two frames) cannot absorb.

Until 2026-11-30 (every figure above) Lighthouse's Chromium got only the certificate pin, while
ours also mapped the stand-in hosts to the sample portal: in Lighthouse's runs the CDN script and
the EMC tracker (f-emc.ngsp.gov.vn, the real EMC host's name) were looked up for real and failed,
in ours they were served. Both browsers now get the same `chromium_args()`. First figures after the
fix, 5 runs: good -18 %, -12 %, -8 % (4 of 6), spread no wider on 6 of 6 (ours 3-4 %, Lighthouse's
7-9 %); slow -3 %, -2 %, -3 % (6 of 6), spread no wider on 2 of 6 (0.9 % against 0.7 % on lookup,
equal on search); wider beyond the runs' own uncertainty on 0 of 12. 20 runs after the fix (an hour
for both profiles): slow -4 %, -3 %, -3 % (6 of 6), spread no wider on 6 of 6 (home 1.4 % against
1.4 %, search 0.9 % against 1.4 %, narrower beyond the runs' uncertainty at 0.51-0.89, lookup 1.0 %
against 1.1 %); good 170/156/154 ms against 209/196/188 ms, -19 %, -20 %, -18 % (0 of 6), spread no
wider on 2 of 6 (lookup 6.7 % against 12.1 %, narrower beyond noise at 0.37-0.77; home 8.5 % against
7.4 %, search 9.7 % against 7.4 %), wider beyond noise on 0 of 12. Ours paints 35-40 ms earlier on
every good page. What it is not (10 runs of good each, 2026-11-30): the lab's warm-up (a spare
renderer before each run at `concurrency: 1`; turned off, ours -22 %, -17 %, -15 %); the browser
binary (Lighthouse fresh on the headless shell too: -20 %, -17 %, -22 %); assessor keeping one
browser for all runs (a new browser for each of our runs, Lighthouse on the headless shell: -21 %,
-20 %, -19 %). Nor an earlier paint time: ours reads the paint entry's startTime, which in this
Chromium equals its presentationTime (paintTime comes about 30 ms before). Nor the clock: traced
with Lighthouse's own categories, our reported FCP is the trace's firstContentfulPaint counted from
its navigationStart to within 3 ms, as Lighthouse's is in its `--save-assets` trace. Nor Lighthouse's
other audits (`--only-audits` of the three paint metrics: 192 ms against 186 ms for the whole
category, 8 runs), nor the Chromium switches Playwright adds and Lighthouse's browser lacks (given to
Lighthouse too: 207 ms), nor our screencast (without it ours paints 8 ms earlier still).

What it is, from the traces (2026-11-30, good home, 4 Lighthouse and 5 assessor runs): the same page
loads more slowly under Lighthouse. Every fetch on the path to the first paint (document, CSS,
scripts, the EMC tracker, whose script and hit the first paint waits for) takes about 30 % longer,
the browser process's main thread is busy 73-74 ms before the first paint against our 24-28 ms, and
the renderer's main thread 121-127 ms against 92-108 ms. On this 2-core machine that points to
the work Lighthouse has its browser do while the page loads (its tracing, its protocol traffic)
competing with the page; only the tracing's share is measured: with Lighthouse's categories our FCP
moves 10 ms later (164 against 154 ms, 8 runs). Lighthouse's Node process is not it: run at nice 19
with its Chromium at 0, Lighthouse's FCP did not move (214 against 214 ms, 8 runs). Nor its on-disk
profile: with `--incognito`, 225 against 210 ms. Nor the debugger and console domains it enables:
ours with Debugger, Runtime and Log enabled on the page, 154 against 160 ms (10 runs).
The 35-40 ms is a constant of the harness, not of the page, which is why the slow profile's pages
differ by the same 40-60 ms (3-4 %).

Since the slow profile's long task waits for the first contentful paint to be reported (it started
after the first frame's rendering before, which a loaded machine could present later), 10 runs of
slow (2026-11-30): medians -2 %, -3 %, -3 % (6 of 6), spread no wider on 6 of 6 (1.3 % against
1.7 %, 0.8 % against 1.0 %, 0.4 % against 0.7 %), Total Blocking Time 649 ms against 650 ms on
every page, Speed Index within 4 %.

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
        paths = asyncio.run(discover_paths(portal.url, lab, portal.ca_cert_path))
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
                verdicts.append((abs(diff) <= TOLERANCE, cv(mine) <= cv(lh), surely_wider))
    within = sum(ok for ok, _, _ in verdicts)
    steadier = sum(ok for _, ok, _ in verdicts)
    surely_wider = sum(wider for _, _, wider in verdicts)
    print(f"FCP/LCP medians within {TOLERANCE:.0%} of Lighthouse: {within}/{len(verdicts)}; "
          f"spread no wider than Lighthouse's: {steadier}/{len(verdicts)} "
          f"(wider beyond the runs' own uncertainty, the interval above 1: {surely_wider}/{len(verdicts)})", flush=True)


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
