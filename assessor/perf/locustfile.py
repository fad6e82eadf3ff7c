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

import gevent
import gevent.ssl
from locust import FastHttpUser, between, events, task
from locust.env import Environment
from locust.runners import WorkerRunner
from locust.stats import PERCENTILES_TO_REPORT, StatsCSV, StatsError, get_readable_percentiles

from assessor.perf import FINAL_HISTORY_SUFFIX, FINAL_STATS_SUFFIX, FINAL_SUMMARY_SUFFIX, PLAN_ENV

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
def fresh_loop_clock(**_kwargs: object) -> None:
    """Bring gevent's clock up to date before Locust sets its `-t` timer. The loop keeps the time
    it last looked at, which is stale by however long the imports took (0.7 s to 1.4 s here), and
    the timer counts from it: a 3-second test stopped after 1.6 s."""
    gevent.get_hub().loop.update_now()


def elapsed_test_s(environment: Environment, stopping_at: float | None) -> float:
    """Seconds from the start of the test (Locust clears its statistics then) to the moment it
    began to stop, or to its last request if one ended later. Locust's own `total_rps` divides by
    the time to the last request instead: 2 requests made at once in a 3-second test gave 232 req/s."""
    stats = environment.stats
    end = max(stopping_at or time.time(), stats.last_request_timestamp or 0.0)
    return max(end - stats.start_time, 0.0)


def failure_reasons(environment: Environment) -> list[dict[str, object]]:
    """Locust's record of why requests failed: page type, error, how often."""
    return [{"page": error.name, "error": StatsError.parse_error(error.error), "occurrences": error.occurrences}
            for error in environment.stats.errors.values()]


@events.init.add_listener
def keep_final_statistics(environment: Environment, **_kwargs: object) -> None:
    """Write the statistics once more when Locust quits, after the last requests (and, on a
    master, the workers' last reports). Locust's own `--csv` statistics file is rewritten once a
    second while the test runs and not after it (locustio/locust#1806): read at the end, it missed
    up to the last second of the test, a quarter of the requests of a 3-second one. Beside them,
    a summary: how long the test ran and why requests failed, which the statistics do not say."""
    prefix = getattr(environment.parsed_options, "csv_prefix", None)
    if not prefix or isinstance(environment.runner, WorkerRunner):
        return
    stopping_at: list[float] = []
    environment.events.test_stopping.add_listener(lambda **_kwargs: stopping_at.append(time.time()))

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
        summary = {"elapsed_s": elapsed_test_s(environment, stopping_at[0] if stopping_at else None),
                   "errors": failure_reasons(environment)}
        with open(f"{prefix}{FINAL_SUMMARY_SUFFIX}", "w", encoding="utf-8") as file:
            json.dump(summary, file)

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
