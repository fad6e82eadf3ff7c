"""Entry point of a Locust process: `python -m assessor.perf.locust_child PARENT_PID LOCUST_ARGS...`.

Locust runs in its own session, so that a Ctrl-C meant for assessor reaches assessor (which then
stops the load test) rather than Locust half-way. The price: nothing would stop the load if
assessor were killed outright, until Locust's own `-t` ran out, up to the ceiling's five minutes
of traffic on a public portal. So Locust dies with its parent (`assessor.orphans`) before it is
even imported. (Not from a `preexec_fn`: the runner starts Locust from a thread, where Python warns
that one may deadlock.)
"""

from __future__ import annotations

import sys

from assessor.orphans import die_with_parent


def main(parent_pid: int, locust_args: list[str]) -> None:
    die_with_parent(parent_pid)
    sys.argv = ["locust", *locust_args]
    from locust.main import main as locust_main  # patches the standard library with gevent on import

    locust_main()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2:])
