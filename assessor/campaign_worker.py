"""Entry point of a campaign's worker process: `python -m assessor.campaign_worker JOB.json PARENT_PID`.

Before anything heavy is imported, the worker asks Linux to kill it when the campaign process
dies (`assessor.orphans`), and leaves at once if that already happened: a campaign killed while
it was starting workers leaves no orphan to assess a portal nobody will store.
"""

from __future__ import annotations

import faulthandler
import signal
import sys

from assessor.orphans import die_with_parent


def main(job_file: str, parent_pid: int) -> int:
    die_with_parent(parent_pid)
    # On a timeout the campaign sends SIGUSR1 first: the log then shows where the worker was stuck.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    from assessor.campaign import run_worker

    return run_worker(job_file)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
