"""The one writer: every change goes through it, in group-committed transactions.

Why one writer: SQLite allows one writer at a time anyway, and with a single writer the event
sequence numbers are committed in order, so a reader resuming "after N" can never miss an event
that commits later with a smaller number (which concurrent PostgreSQL writers would allow).

Why group commit: durability costs an fsync per commit (a few milliseconds on these disks), so
one commit per message caps the line at a few hundred messages a second. The writer takes every
operation that queued up while the previous commit was on disk, runs each in its own SAVEPOINT
(a failing one rolls back alone), commits once, and only then answers each caller.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from clearline.model.event import Event
from clearline.model.ledger import Receipt
from clearline.store.claim import Claim

T = TypeVar("T")
Operation = Callable[[Connection], Any]
OUTBOX = "clearline.outbox"
UNDO = "clearline.undo"
MAX_BATCH = 512


def outbox(connection: Connection) -> list[Event]:
    """Events written on this connection and not yet published (see ``store.events.append``)."""
    return connection.info.setdefault(OUTBOX, [])


def on_rollback(connection: Connection, undo: Callable[[], None]) -> None:
    """Call ``undo`` if what this operation wrote is rolled back: for state kept outside the
    store (the conflict index), which must never hold what the store does not."""
    _undos(connection).append(undo)


def _undos(connection: Connection) -> list[Callable[[], None]]:
    return connection.info.setdefault(UNDO, [])


def _undo_from(connection: Connection, mark: int) -> None:
    undos = _undos(connection)
    for undo in reversed(undos[mark:]):
        undo()
    del undos[mark:]


Seal = Callable[[Connection, list[Event]], dict[int, Receipt]]
"""Called once per batch, in its transaction, with the batch's events: the ledger's hook."""


@dataclass
class _Job:
    operation: Operation
    future: asyncio.Future[Any]
    result: Any = None
    error: BaseException | None = None
    events: list[Event] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)


@dataclass
class Writer:
    """Runs operations on one connection in a worker thread; ``on_commit`` gets the new events.

    With ``claim``, every batch first verifies that this node still holds its database: a node
    that lost it (``ClaimLost``) writes nothing, since another node may be writing there now.
    """

    engine: Engine
    on_commit: Callable[[list[Event]], None]
    seal: Seal | None = None
    claim: Claim | None = None
    on_batch: Callable[[float], None] | None = None
    """Told how many seconds each batch took, operations and commit (the node's metrics)."""
    _queue: asyncio.Queue[_Job | None] = field(default_factory=asyncio.Queue)
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="clearline-writer")

    async def stop(self) -> None:
        """Commit everything already asked for, then stop: no write is cut off halfway."""
        if self._task is not None:
            self._queue.put_nowait(None)
            await self._task
            self._task = None

    async def run(self, operation: Callable[[Connection], T]) -> T:
        """Run ``operation`` in a transaction; return once that transaction is durable."""
        result, _receipts = await self.run_sealed(operation)
        return result

    async def run_sealed(self, operation: Callable[[Connection], T]) -> tuple[T, list[Receipt]]:
        """As ``run``, with the ledger's receipts for the events the operation recorded."""
        if self._task is None:
            raise RuntimeError("the writer is not running")
        future: asyncio.Future[tuple[T, list[Receipt]]] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Job(operation, future))
        return await future

    async def _take_batch(self) -> tuple[list[_Job], bool]:
        """Everything queued now, up to MAX_BATCH; True once the stop sign is reached."""
        jobs: list[_Job] = []
        job = await self._queue.get()
        while job is not None:
            jobs.append(job)
            if len(jobs) == MAX_BATCH or self._queue.empty():
                return jobs, False
            job = self._queue.get_nowait()
        return jobs, True

    async def _run(self) -> None:
        with self.engine.connect() as connection:
            stopping = False
            while not stopping:
                jobs, stopping = await self._take_batch()
                if not jobs:
                    continue
                begun = time.perf_counter()
                try:
                    events = await asyncio.to_thread(
                        _commit, connection, jobs, self.seal, self.claim
                    )
                except Exception as exc:  # the commit itself failed: nobody's change is durable
                    events = []
                    for job in jobs:
                        job.error, job.result = exc, None
                if self.on_batch is not None:
                    self.on_batch(time.perf_counter() - begun)
                for job in jobs:
                    if job.future.done():
                        continue
                    if job.error is not None:
                        job.future.set_exception(job.error)
                    else:
                        job.future.set_result((job.result, job.receipts))
                if events:
                    self.on_commit(events)


def _commit(
    connection: Connection, jobs: list[_Job], seal: Seal | None, claim: Claim | None
) -> list[Event]:
    if claim is not None:
        claim.verify()
    pending = outbox(connection)
    pending.clear()
    _undos(connection).clear()
    try:
        with connection.begin():
            for job in jobs:
                _run_in_savepoint(connection, job, pending)
            receipts = seal(connection, pending) if seal is not None else {}
        for job in jobs:
            job.receipts = [receipts[e.seq] for e in job.events if e.seq in receipts]
        return list(pending)
    except Exception:
        _undo_from(connection, 0)
        raise
    finally:
        pending.clear()
        _undos(connection).clear()


def _run_in_savepoint(connection: Connection, job: _Job, pending: list[Event]) -> None:
    mark, undo_mark = len(pending), len(_undos(connection))
    # One fixed savepoint name, in plain SQL both back-ends speak: SQLAlchemy's begin_nested()
    # names each savepoint anew and so compiles three statements per operation, a tenth of the
    # writer's time. This connection is the writer's alone, and no operation opens savepoints.
    connection.exec_driver_sql("SAVEPOINT clearline_job")
    try:
        job.result = job.operation(connection)
        job.events = pending[mark:]
    except Exception as exc:
        connection.exec_driver_sql("ROLLBACK TO SAVEPOINT clearline_job")
        del pending[mark:]
        _undo_from(connection, undo_mark)
        job.error = exc
    connection.exec_driver_sql("RELEASE SAVEPOINT clearline_job")


def run_now(engine: Engine, operation: Callable[[Connection], T], seal: Seal | None = None) -> T:
    """Run one operation in its own transaction, outside any server: the CLI's admin commands.
    With ``seal``, the events it records enter the ledger in the same transaction."""
    with engine.connect() as connection:
        try:
            with connection.begin():
                result = operation(connection)
                if seal is not None:
                    seal(connection, outbox(connection))
                return result
        except Exception:
            _undo_from(connection, 0)
            raise
        finally:
            outbox(connection).clear()
            _undos(connection).clear()
