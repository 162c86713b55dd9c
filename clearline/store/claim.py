"""The node's claim on its database: one ``clearline serve`` per database, held in the database.

Why: a node keeps the conflict index and the event bus in its own memory, so a second node on
the same database would miss conflicts between notices filed on the other one and never stream
the other's events, and nobody would know. Until several nodes are designed for, the first node
claims its database and a second one refuses to start; a node that loses its claim stops
writing (``verify`` before each write), for good, since another node may have claimed it since.

The claim lives in the database itself, never in a file beside it, which would prove nothing to
a node on another host:

- PostgreSQL: a session-level advisory lock, taken on a connection of the claim's own and held
  for the node's life; the session ends, the lock goes with it, even after a SIGKILL. Its key
  is derived from the database and the schema the node serves, so nodes on different schemas of
  one database (the test suite's) do not exclude each other.
- SQLite: its own locks let any number of processes in, one writer at a time, which does not
  keep a second node out. The claim is an exclusive ``flock`` on the database file itself:
  on Linux, where the line is served, it is apart from SQLite's own (POSIX record) locks, which
  neither take nor release it, and the kernel drops it when the process ends.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clearline.store.database import sqlite_path

log = logging.getLogger("clearline")
NAMESPACE = "clearline.node"
"""What the advisory lock's key is a hash of, with the database and schema served."""


class ClaimRefused(Exception):
    """Another live node serves this database: this one must not start."""


class ClaimLost(Exception):
    """This node no longer holds its database: it must not write."""


class _Hold(Protocol):
    def lost(self) -> str | None:
        """Why the claim is no longer held, or None while it is."""

    def release(self) -> None: ...


@dataclass
class Claim:
    """The claim of one node on the database behind ``engine``: ``take`` it before serving,
    ``verify`` it before each write, ``release`` it at shutdown."""

    engine: Engine
    _hold: _Hold | None = field(default=None, init=False)
    _lost: str | None = field(default=None, init=False)

    def take(self) -> None:
        """Claim the database for this node, unless it holds it already; ``ClaimRefused``
        says why not. ``clearline serve`` takes it before uvicorn starts, to refuse in one
        line; the app's start-up takes it otherwise."""
        if self._hold is not None:
            return
        if self.engine.dialect.name == "postgresql":
            self._hold = _AdvisoryLock.take(self.engine)
        elif (path := sqlite_path(str(self.engine.url))) is not None:
            self._hold = _FileLock.take(path)
        else:
            raise ClaimRefused("a node serves PostgreSQL or a SQLite file, nothing else")
        self._lost = None

    def verify(self) -> None:
        """Raise ``ClaimLost`` unless this node still holds the database; the loss is logged
        once, when first found, and is for good."""
        if self._hold is None:
            raise ClaimLost(self._lost or "this node has not claimed its database")
        reason = self._hold.lost()
        if reason is None:
            return
        self._lost = f"this node lost its claim on the database: {reason}"
        log.error("%s; refusing every write from now on", self._lost)
        self._hold.release()
        self._hold = None
        raise ClaimLost(self._lost)

    @property
    def lost(self) -> str | None:
        """Why the claim was lost, once ``verify`` found it so; None otherwise."""
        return self._lost

    def release(self) -> None:
        """Give the database up (at shutdown), so that the next node can claim it."""
        if self._hold is not None:
            self._hold.release()
            self._hold = None


def advisory_key(database: str, schema: str) -> int:
    """The advisory lock key (a signed 64-bit integer) of one schema of one database."""
    digest = hashlib.blake2b(f"{NAMESPACE}:{database}:{schema}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


@dataclass
class _AdvisoryLock:
    """A session-level advisory lock on a connection taken out of the pool for good: it is
    closed, not returned, on release, so no pooled connection ever carries the lock."""

    connection: sa.Connection
    backend: int
    """The server process of the session holding the lock: another one means a new session."""

    @classmethod
    def take(cls, engine: Engine) -> _AdvisoryLock:
        connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        connection.detach()
        database, schema, backend = connection.execute(
            sa.text(
                "SELECT current_database(), coalesce(current_schema(), "
                "current_setting('search_path')), pg_backend_pid()"
            )
        ).one()
        key = advisory_key(database, schema)
        taken = connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        if not taken.scalar():
            connection.close()
            raise ClaimRefused(
                f"another clearline node serves database {database!r}, schema {schema!r} "
                f"(it holds PostgreSQL advisory lock {key}); stop it first"
            )
        return cls(connection, backend)

    def lost(self) -> str | None:
        try:
            backend = self.connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        except sa.exc.DBAPIError as exc:
            return f"the connection holding its lock failed ({type(exc.orig).__name__})"
        return None if backend == self.backend else "the session holding its lock ended"

    def release(self) -> None:
        self.connection.close()


@dataclass
class _FileLock:
    """An exclusive ``flock`` on the database file, held on a descriptor of its own."""

    path: Path
    descriptor: int
    identity: tuple[int, int]
    """The locked file's device and inode: a file put in its place is not claimed."""

    @classmethod
    def take(cls, path: Path) -> _FileLock:
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ClaimRefused(f"cannot open {path}: {exc.strerror}") from exc
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise ClaimRefused(
                f"another clearline node serves {path} (it holds the file's lock); stop it first"
            ) from None
        stat = os.fstat(descriptor)
        return cls(path, descriptor, (stat.st_dev, stat.st_ino))

    def lost(self) -> str | None:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return f"{self.path} was removed"
        if (stat.st_dev, stat.st_ino) != self.identity:
            return f"{self.path} was replaced by another file"
        return None

    def release(self) -> None:
        os.close(self.descriptor)
