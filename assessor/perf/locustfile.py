"""The simulated citizen, run by Locust in its own process (gevent must not meet asyncio).

Its plan (paths, think time, TLS trust) arrives as JSON in the ASSESSOR_LOAD_PLAN environment
variable, so that a remote worker started with the same variable behaves the same way:

    ASSESSOR_LOAD_PLAN='{"paths": {"home": "/"}, ...}' \
    python -m locust -f "$(python -c 'import assessor.perf.locustfile as m; print(m.__file__)')" \
        --worker --master-host MASTER

The citizen is a `FastHttpUser` (geventhttpclient), several times cheaper per request than
`HttpUser` (python-requests), so one load-generator process sustains far more traffic. Its TLS
trust is not requests' `verify`: it is an SSL context made by `ssl_context_factory`, see
`trust_factory`.
"""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Callable

import gevent.ssl
from locust import FastHttpUser, between, events, task
from locust.env import Environment
from locust.runners import WorkerRunner
from locust.stats import PERCENTILES_TO_REPORT, StatsCSV, get_readable_percentiles

from assessor.perf import FINAL_HISTORY_SUFFIX, FINAL_STATS_SUFFIX, PLAN_ENV

PLAN = json.loads(os.environ.get(PLAN_ENV) or "{}")


def unverified_context(*_args: object, **_kwargs: object) -> gevent.ssl.SSLContext:
    context = gevent.ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = gevent.ssl.CERT_NONE
    return context


def trust_factory(verify: str | bool) -> tuple[bool, Callable[..., gevent.ssl.SSLContext] | None]:
    """`insecure` and `ssl_context_factory` for FastHttpUser from a requests-style `verify`.

    True: geventhttpclient's own default, a default context trusting the system's CA bundle.
    False: an unverified context (no certificate or hostname check).
    A path: a context trusting only that CA bundle (a file, or a folder of hashed certificates),
    with the certificate and the hostname checked. geventhttpclient calls the factory with
    `cafile=` its system bundle, which is ignored here: a given bundle replaces the system's
    trust, as it does for requests.
    """
    if verify is True:
        return False, None
    if verify is False:
        return True, unverified_context
    bundle = str(verify)

    def bundle_context(*_args: object, **_kwargs: object) -> gevent.ssl.SSLContext:
        if os.path.isdir(bundle):
            return gevent.ssl.create_default_context(capath=bundle)
        return gevent.ssl.create_default_context(cafile=bundle)

    # A missing or unreadable bundle stops Locust here, rather than failing every request as if
    # the portal were down.
    bundle_context()
    return False, bundle_context


@events.init.add_listener
def keep_final_statistics(environment: Environment, **_kwargs: object) -> None:
    """Write the statistics once more when Locust quits, after the last requests (and, on a
    master, the workers' last reports). Locust's own `--csv` statistics file is rewritten once a
    second while the test runs and not after it (locustio/locust#1806): read at the end, it missed
    up to the last second of the test, a quarter of the requests of a 3-second one."""
    prefix = getattr(environment.parsed_options, "csv_prefix", None)
    if not prefix or isinstance(environment.runner, WorkerRunner):
        return

    def write(**_kwargs: object) -> None:
        statistics = StatsCSV(environment, PERCENTILES_TO_REPORT)
        with open(f"{prefix}{FINAL_STATS_SUFFIX}", "w", encoding="utf-8", newline="") as file:
            statistics.requests_csv(csv.writer(file))
        # The history's last row likewise, so that the chart reaches the end of the test: the
        # columns read from Locust's history file, the latency over its last seconds as there.
        total = environment.stats.total
        row = {"Timestamp": int(time.time()), "User Count": environment.runner.user_count, "Name": total.name,
               "Requests/s": total.current_rps, "Failures/s": total.current_fail_per_sec,
               **dict(zip(get_readable_percentiles(PERCENTILES_TO_REPORT),
                          statistics._percentile_fields(total, use_current=True), strict=True)),
               "Total Request Count": total.num_requests}
        with open(f"{prefix}{FINAL_HISTORY_SUFFIX}", "w", encoding="utf-8", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=list(row))
            writer.writeheader()
            writer.writerow(row)

    environment.events.quit.add_listener(write)


INSECURE, CONTEXT_FACTORY = trust_factory(PLAN.get("verify", True))
HEADERS = {"User-Agent": PLAN["user_agent"]} if PLAN.get("user_agent") else {}


class Citizen(FastHttpUser):
    """Visits the home page, searches the catalogue, reads a procedure and looks up a dossier,
    pausing to read between pages; each page type is its own row in Locust's statistics."""

    wait_time = between(PLAN.get("think_min_s", 1.0), PLAN.get("think_max_s", 3.0))
    insecure = INSECURE
    # A staticmethod: FastHttpUser reads it from the instance, which must not bind it.
    ssl_context_factory = staticmethod(CONTEXT_FACTORY) if CONTEXT_FACTORY else None

    @task
    def journey(self) -> None:
        paths: dict[str, str] = PLAN.get("paths") or {"home": "/"}
        for step, (kind, path) in enumerate(paths.items()):
            if step:
                self.wait()
            self.client.get(path, name=kind, headers=HEADERS)
