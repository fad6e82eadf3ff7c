"""The simulated citizen, run by Locust in its own process (gevent must not meet asyncio).

Its plan (paths, think time, TLS trust) arrives as JSON in the ASSESSOR_LOAD_PLAN environment
variable, so that a remote worker started with the same variable behaves the same way:

    ASSESSOR_LOAD_PLAN='{"paths": {"home": "/"}, ...}' \
    python -m locust -f "$(python -c 'import assessor.perf.locustfile as m; print(m.__file__)')" \
        --worker --master-host MASTER
"""

from __future__ import annotations

import json
import os

from locust import HttpUser, between, task

from assessor.perf import PLAN_ENV

PLAN = json.loads(os.environ.get(PLAN_ENV) or "{}")


class Citizen(HttpUser):
    """Visits the home page, searches the catalogue, reads a procedure and looks up a dossier,
    pausing to read between pages; each page type is its own row in Locust's statistics."""

    wait_time = between(PLAN.get("think_min_s", 1.0), PLAN.get("think_max_s", 3.0))

    def on_start(self) -> None:
        self.client.verify = PLAN.get("verify", True)

    @task
    def journey(self) -> None:
        paths: dict[str, str] = PLAN.get("paths") or {"home": "/"}
        for step, (kind, path) in enumerate(paths.items()):
            if step:
                self.wait()
            self.client.get(path, name=kind)
