"""The sample portal served from a process of its own, for whoever measures it.

`SamplePortal` serves from threads of the process that starts it. When that process is also the one
measuring the portal (a campaign's worker, the demo, the Lighthouse benchmark), the portal's request
threads and the measuring code (Playwright's client, the screencast handler) take turns on one
interpreter lock: a page's timings then depend on what the assessor happened to be doing, and the
spread of its first paint widens. A real portal is on another machine; `SamplePortalProcess` puts
the sample one in another process, and offers what `RunOptions.for_local_portal` and Chromium's
flags need (`url`, `http_url`, `resolve`, `ca_cert_path`, `leaf_spki_sha256`, `chromium_args()`).

The child ignores Ctrl-C (the parent stops it, once its own clean-up has run) and leaves as soon as
the parent's end of the pipe closes, which also happens when the parent is killed.
"""

from __future__ import annotations

import multiprocessing
import signal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .profile import Profile, resolve_profile

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
# What the parent learns of the running portal, as `SamplePortal` names it.
SHARED_FIELDS = ("url", "http_url", "resolve", "ca_cert_path", "leaf_spki_sha256")


def _serve(profile: Profile, host: str, conn: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .server import SamplePortal

    try:
        portal = SamplePortal(profile, host).start()
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send({"error": f"{type(exc).__name__}: {exc}"})
        return
    try:
        conn.send({name: getattr(portal, name) for name in SHARED_FIELDS})
        try:
            conn.recv()  # "stop", or EOF when the parent has gone
        except EOFError:
            pass
    finally:
        portal.stop()


class SamplePortalProcess:
    """A running sample portal in a child process; use as a context manager."""

    def __init__(self, profile: Profile | str = "good", host: str = "127.0.0.1") -> None:
        self.profile = resolve_profile(profile) if isinstance(profile, str) else profile
        self.host = host
        self.url = self.http_url = self.leaf_spki_sha256 = ""
        self.resolve: dict[str, str] = {}
        self.ca_cert_path = Path()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    @property
    def pid(self) -> int | None:
        """The serving process, while it runs."""
        return self._process.pid if self._process is not None else None

    def start(self) -> SamplePortalProcess:
        # spawn, not fork: the parent may already run threads (an event loop, a browser driver).
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        self._process = context.Process(target=_serve, args=(self.profile, self.host, theirs),
                                        name=f"sample-portal-{self.profile.name}", daemon=True)
        self._process.start()
        theirs.close()
        self._conn = ours
        for name, value in self._first_message(ours).items():
            setattr(self, name, value)
        return self

    def _first_message(self, conn: Connection) -> dict[str, Any]:
        """The running portal's fields, or RuntimeError with the reason it did not start."""
        try:
            if conn.poll(START_TIMEOUT_S):
                message: dict[str, Any] = conn.recv()
                if "error" not in message:
                    return message
                reason = message["error"]
            else:
                reason = f"no answer within {START_TIMEOUT_S:.0f} s"
        except EOFError:
            assert self._process is not None
            self._process.join(STOP_TIMEOUT_S)
            reason = f"its process exited with code {self._process.exitcode}"
        self.stop()
        raise RuntimeError(f"the sample portal did not start: {reason}")

    def chromium_args(self) -> list[str]:
        from .server import chromium_args

        return chromium_args(self.resolve, self.leaf_spki_sha256)

    def stop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.send("stop")
            except (BrokenPipeError, OSError):
                pass  # already gone
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.join(STOP_TIMEOUT_S)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
            self._process = None

    def __enter__(self) -> SamplePortalProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
