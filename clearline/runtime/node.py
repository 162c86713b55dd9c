"""What one running server holds: the store, the single writer, the event bus and the clock."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from clearline.clock import Clock
from clearline.model.event import Event
from clearline.model.ledger import Receipt
from clearline.model.token import Credential
from clearline.runtime.bus import Bus
from clearline.runtime.health import Health
from clearline.runtime.metrics import Metrics
from clearline.services.deconfliction.engine import ConflictEngine
from clearline.services.record import ledger
from clearline.services.tactical.picture import Pictures
from clearline.store.claim import Claim
from clearline.store.writer import Writer

T = TypeVar("T")
log = logging.getLogger("clearline")


@dataclass
class Runtime:
    engine: Engine
    clock: Clock
    key: Ed25519PrivateKey
    bus: Bus = field(default_factory=Bus)
    conflict_engine: ConflictEngine = field(default_factory=ConflictEngine)
    """The conflict index of every agreement, kept in memory beside the store."""
    pictures: Pictures = field(default_factory=Pictures)
    """The live tracks of every agreement, kept in memory beside the store."""
    health: Health = field(default_factory=Health)
    """When the node's loops last finished a round: ``/readyz``."""
    metrics: Metrics = field(default_factory=Metrics)
    """This node's figures: ``/metrics``."""
    claim: Claim = field(init=False)
    """This node's claim on its database, taken at start-up: one node per database."""
    writer: Writer = field(init=False)
    tokens: dict[str, tuple[Credential, datetime]] = field(default_factory=dict)
    """Token hashes recently seen, with their user and token and when they were looked up."""
    _background: set[asyncio.Task[None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.claim = Claim(self.engine)
        self.writer = Writer(
            self.engine, self._committed, self._seal, self.claim, self.metrics.writer_batch.observe
        )

    def _committed(self, events: list[Event]) -> None:
        self.metrics.observe(events)
        self.bus.publish(events)

    async def read(self, operation: Callable[[Connection], T]) -> T:
        """Run a read on a pooled connection in a worker thread, off the event loop."""
        return await run_in_threadpool(self.read_now, operation)

    async def write(self, operation: Callable[[Connection], T]) -> T:
        return await self.writer.run(operation)

    async def write_sealed(self, operation: Callable[[Connection], T]) -> tuple[T, list[Receipt]]:
        """As ``write``, with the ledger's receipts for what the operation recorded."""
        return await self.writer.run_sealed(operation)

    def _seal(self, connection: Connection, events: list[Event]) -> dict[int, Receipt]:
        return ledger.seal(connection, events, self.key, self.clock.now())

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` without waiting for it; a failure is logged, never lost silently."""
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._finished)

    async def drain(self) -> None:
        """Wait for background work still under way (at shutdown, before the writer stops)."""
        await asyncio.gather(*self._background, return_exceptions=True)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background work failed", exc_info=task.exception())

    def read_now(self, operation: Callable[[Connection], T]) -> T:
        """Run a read on a connection of its own, in the calling thread (start-up)."""
        with self.engine.connect() as connection:
            return operation(connection)
