"""Hard deadlines for work that a hostile page can stall: a browser call that never returns
(a renderer spinning in JavaScript, a connection that never answers) must not stall the run.

`asyncio.wait_for` alone is not enough: on timeout it waits for the cancelled task to finish
its clean-up, and closing a page whose renderer is stuck can itself hang. Here the task is
cancelled, given a short while to clean up, and then left behind; closing the browser context
or the browser at the end of the run reaps whatever it was holding.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
CLEANUP_GRACE_S = 3.0


class DeadlineExceeded(TimeoutError):
    """The work did not finish within its hard deadline and was abandoned."""


async def within(work: Coroutine[Any, Any, T], seconds: float) -> T:
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=max(0.0, seconds))
    if task in done:
        return task.result()
    task.cancel()
    await asyncio.wait({task}, timeout=CLEANUP_GRACE_S)
    if task.done() and not task.cancelled():
        task.exception()  # retrieved, so asyncio does not warn that it was never read
    raise DeadlineExceeded(f"gave up after {seconds:.0f} s")
