"""Child processes that die with the process that started them.

A campaign's worker, or a Locust process generating load, that outlived its parent would go on
assessing or loading a portal for nobody: after a `kill -9`, a crash, or a campaign taking a
worker down with SIGKILL (which runs no clean-up code). Linux's PR_SET_PDEATHSIG has the kernel
send the child SIGKILL when its parent goes. This module imports nothing heavy: a child calls it
first thing, before it loads what it will run.
"""

from __future__ import annotations

import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Be killed when the parent (which passed its pid) dies; leave at once if it already has.

    The kernel ties this to the thread that started the child: a parent must start such children
    from a thread that outlives them (the main thread, or one waiting for them)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # not Linux: children may outlive a killed parent
    if os.getppid() != parent_pid:
        os._exit(1)
