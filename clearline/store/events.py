"""The event log: append in the writer's transaction, read back by party and sequence."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from clearline.model.event import Event, EventType
from clearline.store.schema import event_audience, events, insert_returning_id
from clearline.store.writer import outbox

_INSERT_EVENT = events.insert()
_INSERT_AUDIENCE = event_audience.insert()


def append(
    connection: Connection,
    type: EventType,
    time: datetime,
    agreement_id: str,
    audience: Iterable[str],
    payload: dict[str, Any],
) -> Event:
    parties = tuple(sorted(set(audience)))
    seq = insert_returning_id(
        connection,
        _INSERT_EVENT,
        {"type": type, "time": time, "agreement_id": agreement_id, "payload": payload},
    )
    connection.execute(_INSERT_AUDIENCE, [{"party": p, "seq": seq} for p in parties])
    event = Event(
        seq=seq, type=type, time=time, agreement_id=agreement_id, audience=parties, payload=payload
    )
    outbox(connection).append(event)
    return event


def append_each(
    connection: Connection,
    type: EventType,
    time: datetime,
    agreement_id: str,
    parties: Iterable[str],
    payload_for: Callable[[str], dict[str, Any]],
) -> None:
    """One event per party, each with the payload that party may see (a conflict or an
    encounter where another party's part is blind)."""
    for party in parties:
        append(connection, type, time, agreement_id, [party], payload_for(party))


def _of_type_since(
    type: EventType, agreement_id: str, party: str, since: datetime
) -> sa.ColumnElement[bool]:
    mine = sa.select(event_audience.c.seq).where(event_audience.c.party == party)
    return (
        (events.c.type == type)
        & (events.c.agreement_id == agreement_id)
        & (events.c.time > since)
        & events.c.seq.in_(mine)
    )


def count_since(
    connection: Connection, type: EventType, agreement_id: str, party: str, since: datetime
) -> int:
    """How many events of ``type`` ``party`` was told of after ``since``."""
    where = _of_type_since(type, agreement_id, party, since)
    return int(connection.execute(sa.select(sa.func.count()).where(where)).scalar_one())


def of_type_since(
    connection: Connection, type: EventType, agreement_id: str, party: str, since: datetime
) -> list[Event]:
    """Events of ``type`` ``party`` was told of after ``since``, oldest first."""
    rows = connection.execute(
        sa.select(events)
        .where(_of_type_since(type, agreement_id, party, since))
        .order_by(events.c.seq)
    ).all()
    return [_event(row, [party]) for row in rows]


def of_type_after(connection: Connection, type: EventType, seq: int) -> list[Event]:
    """Events of ``type`` after ``seq``, oldest first, for the line's own use (paging): with no
    audience, since nobody reads them through this."""
    rows = connection.execute(
        sa.select(events).where(events.c.seq > seq, events.c.type == type).order_by(events.c.seq)
    ).all()
    return [_event(row, []) for row in rows]


def last_seq(connection: Connection, party: str) -> int:
    """The newest event ``party`` may see; 0 if none."""
    query = sa.select(sa.func.max(event_audience.c.seq)).where(event_audience.c.party == party)
    return int(connection.execute(query).scalar() or 0)


def since(connection: Connection, party: str, seq: int, limit: int) -> list[Event]:
    """Events after ``seq`` that ``party`` may see, oldest first."""
    rows = connection.execute(
        sa.select(events)
        .join(event_audience, event_audience.c.seq == events.c.seq)
        .where(event_audience.c.party == party, events.c.seq > seq)
        .order_by(events.c.seq)
        .limit(limit)
    ).all()
    audiences = audiences_of(connection, [row.seq for row in rows])
    return [_event(row, audiences[row.seq]) for row in rows]


def _event(row: sa.Row[Any], audience: list[str]) -> Event:
    return Event(
        seq=row.seq,
        type=EventType(row.type),
        time=row.time,
        agreement_id=row.agreement_id,
        audience=tuple(sorted(audience)),
        payload=row.payload,
    )


def audiences_of(connection: Connection, seqs: list[int]) -> dict[int, list[str]]:
    """The parties that may see each of these events, in one query."""
    found: dict[int, list[str]] = {seq: [] for seq in seqs}
    if found:
        query = sa.select(event_audience.c.seq, event_audience.c.party).where(
            event_audience.c.seq.in_(seqs)
        )
        for seq, party in connection.execute(query):
            found[seq].append(party)
    return found
