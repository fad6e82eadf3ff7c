"""One process at a time works on a campaign.

Two `campaign run` of one campaign at once (a second terminal, a scheduler starting it again while
the last run goes on) would each assess the same portals, into the same folders; a `rescore` in
the middle of a run would mix two rubrics. Whoever comes second is refused, with who holds it.

The lock is the operating system's or the database's own, so it goes with its process however
that ends, `kill -9` included: nothing stale to clear by hand.
- SQLite: `flock` on a file in `STORE.locks/`, one per campaign, holding the pid and host of its
  holder for the message.
- PostgreSQL: a session advisory lock, on a connection of its own kept for as long as it is held.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import socket
import time
import zlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import text

from assessor.store import ADVISORY_LOCK_KEY, Store, StoreError

# `campaign status` holds a free campaign's lock for an instant to see that it is free: whoever
# comes for the lock just then waits that instant out instead of being refused.
PATIENCE_S = 1.0
RETRY_S = 0.05


class CampaignBusy(StoreError):
    """Another process works on the campaign."""

    def __init__(self, name: str, holder: str) -> None:
        super().__init__(f"campaign {name!r} is in use by another assessor ({holder}): wait until it has "
                         "finished, or stop it first")
        self.holder = holder


def _lock_file(store: Store, name: str) -> Path | None:
    """The SQLite store's lock file for the campaign, named by a hash: a campaign's name may hold
    anything a file name cannot."""
    database = store.engine.url.database
    if store.engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database + ".locks") / (hashlib.sha256(name.encode("utf-8")).hexdigest()[:24] + ".lock")


@contextmanager
def campaign_held(store: Store, name: str, patience_s: float = PATIENCE_S) -> Iterator[None]:
    """Hold campaign `name` (it need not exist yet) until the block ends, or raise CampaignBusy
    when another process still holds it after `patience_s`."""
    deadline = time.monotonic() + patience_s
    while True:
        held = ExitStack()
        try:
            held.enter_context(_lock(store, name))
            break
        except CampaignBusy:
            if time.monotonic() >= deadline:
                raise
            time.sleep(RETRY_S)
    with held:
        yield


def _lock(store: Store, name: str) -> AbstractContextManager[None]:
    lock_file = _lock_file(store, name)
    if lock_file is not None:
        return _file_lock(lock_file, name)
    if store.engine.dialect.name == "postgresql":
        return _advisory_lock(store, name)
    return nullcontext()  # an in-memory store lives in one process


def holder_of(store: Store, name: str) -> str | None:
    """Who works on the campaign now, if anyone (for `campaign status`)."""
    lock_file = _lock_file(store, name)
    if lock_file is not None and not lock_file.exists():
        return None  # never run from this store: nothing to make for asking
    try:
        with campaign_held(store, name, patience_s=0):
            return None
    except CampaignBusy as exc:
        return exc.holder


@contextmanager
def _file_lock(path: Path, name: str) -> Iterator[None]:
    path.parent.mkdir(exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 200, 0).decode("utf-8", "replace").strip() or "process unknown"
            raise CampaignBusy(name, holder) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"process {os.getpid()} on {socket.gethostname()}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock; the file stays, for the next holder


@contextmanager
def _advisory_lock(store: Store, name: str) -> Iterator[None]:
    key = zlib.crc32(name.encode("utf-8")) - 2**31  # PostgreSQL's int4 is signed
    # Autocommit: a lock held for a whole campaign must not keep a transaction open that long.
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        taken = connection.execute(text("SELECT pg_try_advisory_lock(:space, :key)"),
                                   {"space": ADVISORY_LOCK_KEY, "key": key}).scalar()
        if not taken:
            raise CampaignBusy(name, "a session on this database")
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:space, :key)"), {"space": ADVISORY_LOCK_KEY, "key": key})
