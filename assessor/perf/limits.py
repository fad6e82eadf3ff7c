"""Hard ceilings on any load test, whatever the rubric or the command line asks.

A load test is a burst of traffic against a public service: these bound the harm a mistaken
configuration can do. Asking for more is refused, never silently trimmed.
"""

from __future__ import annotations

MAX_USERS = 200
MAX_SPAWN_RATE = 50.0
MAX_DURATION_S = 300.0
MAX_WORKERS = 8


def above_ceilings(users: int, spawn_rate: float, duration_s: float, workers: int) -> str | None:
    """What a load test asks beyond a ceiling, in words; None when it asks for no more than they allow."""
    for name, value, ceiling in (("users", users, MAX_USERS), ("spawn rate", spawn_rate, MAX_SPAWN_RATE),
                                 ("duration", duration_s, MAX_DURATION_S), ("workers", workers, MAX_WORKERS)):
        if value > ceiling:
            return f"{name} {value:g} is above the ceiling of {ceiling:g}"
    return None


# After the planned duration, the runner kills Locust if it has not stopped by itself.
STOP_GRACE_S = 30.0
