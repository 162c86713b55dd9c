"""Incidents and the ledger events gathered as their evidence."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from clearline.model.event import EventType
from clearline.model.incident import EvidenceItem, Incident
from clearline.store.events import audiences_of
from clearline.store.schema import (
    event_audience,
    events,
    incident_evidence,
    incidents,
    insert_returning_id,
)

i, e = incidents.c, incident_evidence.c


def insert(connection: Connection, incident: Incident) -> int:
    row = _row(incident)
    del row["id"]
    return insert_returning_id(connection, incidents.insert(), row)


def update(connection: Connection, incident: Incident) -> None:
    """Write the case back whole: its accounts and steps are small, and one writer changes it."""
    connection.execute(incidents.update().where(i.id == incident.id).values(**_row(incident)))


def get(connection: Connection, incident_id: int) -> Incident | None:
    row = connection.execute(sa.select(incidents).where(i.id == incident_id)).first()
    return None if row is None else Incident.model_validate(row._asdict())


def of_agreements(connection: Connection, agreement_ids: list[str]) -> list[Incident]:
    """The agreements' incidents, newest first; who may see which is the service's to say."""
    query = sa.select(incidents).where(i.agreement_id.in_(agreement_ids)).order_by(i.id.desc())
    return [Incident.model_validate(row._asdict()) for row in connection.execute(query)]


def add_evidence(
    connection: Connection, incident_id: int, owners: Iterable[tuple[int, str | None]]
) -> None:
    rows: list[dict[str, Any]] = [
        {"incident_id": incident_id, "seq": seq, "owner": owner, "shared_with": []}
        for seq, owner in owners
    ]
    if rows:
        connection.execute(incident_evidence.insert(), rows)


def share(connection: Connection, incident_id: int, seqs: list[int], party: str) -> None:
    """Add ``party`` to whom each item was shown; a JSON list, so read, extend, write."""
    query = sa.select(e.seq, e.shared_with).where(e.incident_id == incident_id, e.seq.in_(seqs))
    for seq, shared in connection.execute(query).all():
        if party not in shared:
            connection.execute(
                incident_evidence.update()
                .where(e.incident_id == incident_id, e.seq == seq)
                .values(shared_with=sorted([*shared, party]))
            )


def evidence(connection: Connection, incident_id: int) -> list[EvidenceItem]:
    """Every item of the case, oldest first, each with its event."""
    query = (
        sa.select(events, e.owner, e.shared_with)
        .join(incident_evidence, e.seq == events.c.seq)
        .where(e.incident_id == incident_id)
        .order_by(events.c.time, events.c.seq)
    )
    rows = connection.execute(query).all()
    audiences = audiences_of(connection, [row.seq for row in rows])
    return [
        EvidenceItem(
            seq=row.seq,
            type=row.type,
            time=row.time,
            owner=row.owner,
            audience=tuple(sorted(audiences[row.seq])),
            shared_with=tuple(row.shared_with),
            payload=row.payload,
        )
        for row in rows
    ]


def events_between(
    connection: Connection,
    agreement_id: str,
    types: list[str],
    start: datetime,
    end: datetime,
) -> list[sa.Row[Any]]:
    """The agreement's events of ``types`` with ``start <= time <= end``, oldest first."""
    query = (
        sa.select(events)
        .where(
            events.c.agreement_id == agreement_id,
            events.c.type.in_(types),
            events.c.time.between(start, end),
        )
        .order_by(events.c.seq)
    )
    return list(connection.execute(query))


def _row(incident: Incident) -> dict[str, Any]:
    row = incident.model_dump(mode="json")
    for name in ("start", "end", "filed_at"):
        row[name] = getattr(incident, name)
    return row


def case_events(connection: Connection, incident: Incident, party: str) -> dict[int, Any]:
    """The steps of a case ``party`` was told of (filed, changed): payloads by sequence."""
    mine = sa.select(event_audience.c.seq).where(event_audience.c.party == party)
    query = (
        sa.select(events.c.seq, events.c.payload)
        .where(
            events.c.agreement_id == incident.agreement_id,
            events.c.type.in_([EventType.INCIDENT_FILED, EventType.INCIDENT_CHANGED]),
            events.c.time >= incident.filed_at,
            events.c.seq.in_(mine),
        )
        .order_by(events.c.seq)
    )
    return {
        row.seq: row.payload
        for row in connection.execute(query)
        if row.payload["incident"]["id"] == incident.id
    }
