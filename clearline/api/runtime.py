"""What one running server holds: the store, the single writer, the event bus and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from clearline.clock import Clock
from clearline.services.bus import Bus
from clearline.store.writer import Writer

T = TypeVar("T")


@dataclass
class Runtime:
    engine: Engine
    clock: Clock
    bus: Bus = field(default_factory=Bus)
    writer: Writer = field(init=False)

    def __post_init__(self) -> None:
        self.writer = Writer(self.engine, self.bus.publish)

    async def read(self, operation: Callable[[Connection], T]) -> T:
        """Run a read on a pooled connection in a worker thread, off the event loop."""
        return await run_in_threadpool(self._read, operation)

    async def write(self, operation: Callable[[Connection], T]) -> T:
        return await self.writer.run(operation)

    def _read(self, operation: Callable[[Connection], T]) -> T:
        with self.engine.connect() as connection:
            return operation(connection)
