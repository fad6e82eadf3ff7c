"""How a long command stops when asked to: Ctrl-C, or SIGTERM from a scheduler, a CI job's
timeout or `kill`. Both cancel the work, so that browsers, workers and load generators are taken
down and the command says what was kept, instead of the process vanishing mid-sentence."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, TypeVar

from assessor.console import fail

# Like a shell's exit status after Ctrl-C, and after SIGTERM.
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 128 + signal.SIGTERM
T = TypeVar("T")


class Terminated(Exception):
    """The process was sent SIGTERM."""


async def stopped_by_sigterm_too(work: Coroutine[Any, Any, T]) -> T:
    """Run `work`; SIGTERM cancels it as Ctrl-C does (`asyncio.run` cancels on Ctrl-C itself), and
    raises `Terminated` once it has unwound."""
    task = asyncio.ensure_future(work)
    terminated = False

    def terminate() -> None:
        nonlocal terminated
        terminated = True
        task.cancel()

    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, terminate)
    try:
        return await task
    except asyncio.CancelledError:
        if terminated:
            raise Terminated from None
        raise
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """For synchronous work: SIGTERM raises `Terminated` wherever the main thread is, as Ctrl-C
    raises KeyboardInterrupt, so `finally` blocks take down what was started."""
    def raise_terminated(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def stops_reported(outcome: Callable[[], str]) -> Iterator[None]:
    """Ctrl-C and SIGTERM end the command with one line, `how: outcome()` (what was kept), and the
    exit status a shell gives either."""
    try:
        yield
    except KeyboardInterrupt:
        raise fail(f"interrupted: {outcome()}", EXIT_INTERRUPTED) from None
    except Terminated:
        raise fail(f"stopped by SIGTERM: {outcome()}", EXIT_TERMINATED) from None
