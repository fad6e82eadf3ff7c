"""Benchmark: requests per second our Locust-based load generator sustains against the sample
portal, compared with wrk (apt-get install -y wrk) on the same endpoint.

Both hammer one small static file of the sample portal over HTTPS on 127.0.0.1 with no think
time, for the same duration and the same number of connections / users. Locust runs once in a
single process and once with `--workers` local worker processes (its master/worker mode). The
ratio printed is Locust's throughput over wrk's: wrk, written in C with an event loop, is the
ceiling of what this machine and this server can do.

    .venv/bin/python bench/load_vs_wrk.py [--users 50] [--duration 10] [--workers 2]

Latest (2026-12-01, second session): wrk 2004 req/s; Locust in one process 1447 req/s (ratio
0.72), with 2 local workers 1747 req/s (ratio 0.87), no errors.

2026-12-01, first session (two invocations, after Locust's totals began to be read once it quits, not
from its once-a-second CSV, which missed the last second): wrk 1360 and 1268 req/s (this
session's machine; the same script gave wrk 2076 the day before); Locust in one process 826 and
840 req/s (ratios 0.61 and 0.66), with 2 local workers 1016 and 951 req/s (ratios 0.75 and 0.75),
no errors.

2026-11-30 (the idle 2-core build machine, two invocations): wrk 2076 and 2053 req/s;
Locust in one process 1405 and 1273 req/s (ratios 0.68 and 0.62), with 2 local workers 2116 and
2603 req/s (ratios 1.02 and 1.27), no errors.

Measured on the idle 2-core build machine (2026-11-23), 50 connections, 10 s, with the load
generator's FastHttpUser (geventhttpclient): wrk 2526 req/s; Locust 1654 req/s in one process
(ratio 0.65), 2896 req/s with 2 local workers (ratio 1.15), no errors. An earlier run with
another job on the machine gave 2838 / 2292 / 2876 req/s (ratios 0.81 and 1.01). On 2 cores the
server, wrk and Locust compete for the same CPUs: at a ratio near 1 the server and the shared
CPUs are the limit, no longer Locust. (With HttpUser, python-requests, Locust managed 200 req/s
in one process and 227 req/s with 2 workers, ratios 0.05 and 0.06 against wrk's 3940, on a
busier machine.)
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess

from assessor.perf.runner import LoadPlan, run_load_test
from assessor.sample_portal.profile import resolve_profile
from assessor.sample_portal.server import SamplePortal

ENDPOINT = "/static/css/site.css"


def wrk_rps(url: str, connections: int, duration_s: int, threads: int) -> float:
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration_s}s", url],
        check=True, capture_output=True, text=True, timeout=duration_s + 60,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not match:
        raise RuntimeError(f"no Requests/sec in wrk's output:\n{output}")
    return float(match.group(1))


def locust_rps(portal: SamplePortal, users: int, duration_s: int, workers: int) -> tuple[float, float]:
    plan = LoadPlan(target=portal.url, paths={"css": ENDPOINT}, users=users, spawn_rate=min(50, users),
                    duration_s=duration_s, think_min_s=0, think_max_s=0, workers=workers,
                    verify=str(portal.ca_cert_path))
    result = run_load_test(plan)
    if result.total is None:
        raise RuntimeError(result.error or "no statistics")
    return result.total.rps, result.total.error_ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install -y wrk")
    with SamplePortal(resolve_profile("good")) as portal:
        url = portal.url.rstrip("/") + ENDPOINT
        wrk = wrk_rps(url, args.users, args.duration, args.threads)
        single, single_errors = locust_rps(portal, args.users, args.duration, 0)
        spread, spread_errors = locust_rps(portal, args.users, args.duration, args.workers)
    print(f"endpoint {ENDPOINT}, {args.users} connections/users, {args.duration} s")
    print(f"wrk ({args.threads} threads):          {wrk:8.1f} req/s")
    print(f"Locust, 1 process:             {single:8.1f} req/s ({single_errors:.1%} errors), "
          f"ratio {single / wrk:.2f}")
    print(f"Locust, {args.workers} worker processes:    {spread:8.1f} req/s ({spread_errors:.1%} errors), "
          f"ratio {spread / wrk:.2f}")


if __name__ == "__main__":
    main()
