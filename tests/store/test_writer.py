"""The single writer: group commit, one savepoint per operation, events only once durable."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from clearline.model.agreement import Party
from clearline.model.event import Event, EventType
from clearline.services.agreements import create_agreement
from clearline.store import events as event_store
from clearline.store.database import create_engine
from clearline.store.schema import events
from clearline.store.writer import Writer, run_now

NOW = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)


@pytest.fixture
def agreement(engine: Engine) -> str:
    run_now(
        engine,
        lambda c: create_agreement(
            c, "a", "A", [Party(code="IL", name="I"), Party(code="TR", name="T")], [], NOW
        ),
    )
    return "a"


def _append(n: int) -> Callable[[Connection], int]:
    def operation(connection: Connection) -> int:
        return event_store.append(
            connection, EventType.LINE_RESTORED, NOW, "a", ["IL"], {"n": n}
        ).seq

    return operation


def _fail(connection: Connection) -> None:
    event_store.append(connection, EventType.LINE_RESTORED, NOW, "a", ["IL"], {"n": "doomed"})
    raise ValueError("refused")


async def _run_all(
    engine: Engine, published: list[Event], operations: list[Callable[[Connection], object]]
) -> list[object]:
    writer = Writer(engine, published.extend)
    writer.start()
    try:
        return await asyncio.gather(*(writer.run(op) for op in operations), return_exceptions=True)
    finally:
        await writer.stop()


def test_operations_queued_together_share_one_commit(engine: Engine, agreement: str) -> None:
    commits = []
    sa.event.listen(engine, "commit", lambda _conn: commits.append(1))
    published: list[Event] = []
    seqs = asyncio.run(_run_all(engine, published, [_append(n) for n in range(50)]))
    assert seqs == sorted(seqs) and len(set(seqs)) == 50
    assert len(commits) == 1  # queued before the writer's first turn: one batch, one commit
    assert [e.payload["n"] for e in published] == list(range(50))


def test_a_failing_operation_rolls_back_alone(engine: Engine, agreement: str) -> None:
    published: list[Event] = []
    results = asyncio.run(_run_all(engine, published, [_append(1), _fail, _append(2)]))
    assert isinstance(results[1], ValueError)
    assert [e.payload["n"] for e in published] == [1, 2]
    with engine.connect() as connection:
        stored = connection.execute(sa.select(events.c.payload).order_by(events.c.seq)).scalars()
        assert [p["n"] for p in stored] == [1, 2]


def test_the_caller_hears_back_only_after_the_commit(engine: Engine, agreement: str) -> None:
    async def scenario() -> bool:
        writer = Writer(engine, lambda _events: None)
        writer.start()
        try:
            seq = await writer.run(_append(7))
            other = create_engine(engine.url.render_as_string(hide_password=False))
            with other.connect() as connection:  # a different connection sees it at once
                found = connection.execute(sa.select(events).where(events.c.seq == seq)).first()
            other.dispose()
            return found is not None
        finally:
            await writer.stop()

    assert asyncio.run(scenario())
