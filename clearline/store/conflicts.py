"""Conflicts, the alerts that carried them, and who acknowledged them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from clearline.model.conflict import Conflict, ConflictSource, ConflictState, Involved, Near
from clearline.model.zone import Severity
from clearline.store.schema import (
    conflict_alerts,
    conflict_parties,
    conflicts,
    insert_returning_id,
    recipients,
)

c = conflicts.c
STANDING = [ConflictState.OPEN, ConflictState.ACKNOWLEDGED]


def insert(connection: Connection, match_key: str, **values: Any) -> int:
    conflict_id = insert_returning_id(
        connection, conflicts.insert(), {"match_key": match_key, **_row(values)}
    )
    connection.execute(
        conflict_parties.insert(),
        [{"conflict_id": conflict_id, "party": p} for p in values["parties"]],
    )
    return conflict_id


def update(connection: Connection, conflict_id: int, **values: Any) -> None:
    connection.execute(conflicts.update().where(c.id == conflict_id).values(**_row(values)))


def add_alert(connection: Connection, conflict_id: int, message_id: int) -> None:
    connection.execute(
        conflict_alerts.insert(), {"conflict_id": conflict_id, "message_id": message_id}
    )


def get(connection: Connection, conflict_id: int) -> Conflict | None:
    found = load(connection, c.id == conflict_id)
    return found[0] if found else None


def standing_of_notice(connection: Connection, notice_id: int) -> dict[str, Conflict]:
    """Open or acknowledged conflicts a notice is in, by match key."""
    where = ((c.notice_a == notice_id) | (c.notice_b == notice_id)) & c.state.in_(STANDING)
    query = sa.select(c.match_key, c.id).where(where)
    keys = {row.id: row.match_key for row in connection.execute(query)}
    return {keys[found.id]: found for found in load(connection, c.id.in_(list(keys)))}


def ended_before(connection: Connection, now: datetime) -> list[Conflict]:
    """Resolved or accepted conflicts whose window has passed: ready to close."""
    settled = [ConflictState.RESOLVED, ConflictState.ACCEPTED]
    return load(connection, c.state.in_(settled) & (c.window_end < now))


def load(
    connection: Connection, where: sa.ColumnElement[bool], limit: int | None = None
) -> list[Conflict]:
    """Conflicts, newest first, with every party's acknowledgement of their alerts."""
    rows = connection.execute(
        sa.select(conflicts).where(where).order_by(c.id.desc()).limit(limit)
    ).all()
    alerts = _alerts(connection, [row.id for row in rows])
    return [_conflict(row, *alerts.get(row.id, ((), {}))) for row in rows]


def for_party(
    connection: Connection, party: str, states: list[ConflictState] | None, limit: int
) -> list[Conflict]:
    """Conflicts ``party`` is involved in, newest first."""
    where: sa.ColumnElement[bool] = c.id.in_(
        sa.select(conflict_parties.c.conflict_id).where(conflict_parties.c.party == party)
    )
    if states:
        where &= c.state.in_(states)
    return load(connection, where, limit)


def _alerts(
    connection: Connection, conflict_ids: list[int]
) -> dict[int, tuple[tuple[int, ...], dict[str, datetime]]]:
    """Each conflict's alert messages and, per party, when it acknowledged all its copies."""
    if not conflict_ids:
        return {}
    query = (
        sa.select(
            conflict_alerts.c.conflict_id,
            conflict_alerts.c.message_id,
            recipients.c.party,
            recipients.c.acknowledged_at,
        )
        .join(recipients, recipients.c.message_id == conflict_alerts.c.message_id)
        .where(conflict_alerts.c.conflict_id.in_(conflict_ids))
        .order_by(conflict_alerts.c.message_id)
    )
    messages: dict[int, set[int]] = {}
    latest: dict[int, dict[str, datetime | None]] = {}
    for row in connection.execute(query):
        messages.setdefault(row.conflict_id, set()).add(row.message_id)
        acks = latest.setdefault(row.conflict_id, {})
        if row.acknowledged_at is None or acks.get(row.party, row.acknowledged_at) is None:
            acks[row.party] = None
        else:
            acks[row.party] = max(row.acknowledged_at, acks.get(row.party) or row.acknowledged_at)
    return {
        cid: (
            tuple(sorted(messages[cid])),
            {p: t for p, t in latest[cid].items() if t is not None},
        )
        for cid in messages
    }


def _row(values: dict[str, Any]) -> dict[str, Any]:
    """Model values as columns: sides as JSON, the notice ids beside them for look-ups."""
    row = dict(values)
    if "a" in row:
        a: Involved = row.pop("a")
        b: Involved = row.pop("b")
        row["sides"] = {"a": a.model_dump(mode="json"), "b": b.model_dump(mode="json")}
        row["notice_a"], row["notice_b"] = a.notice_id, b.notice_id
    if "parties" in row:
        row["parties"] = list(row["parties"])
    if "near" in row:
        near: dict[str, Near] = row.pop("near")
        row["near"] = {side: part.model_dump(mode="json") for side, part in near.items()}
    return row


def _conflict(row: Any, alert_ids: tuple[int, ...], acknowledged: dict[str, datetime]) -> Conflict:
    state = ConflictState(row.state)
    involved = tuple(row.parties)
    if state is ConflictState.OPEN and involved and all(p in acknowledged for p in involved):
        state = ConflictState.ACKNOWLEDGED
    return Conflict(
        id=row.id,
        agreement_id=row.agreement_id,
        source=ConflictSource(row.source),
        parties=involved,
        a=Involved.model_validate(row.sides["a"]),
        b=Involved.model_validate(row.sides["b"]),
        region=row.region,
        near={side: Near.model_validate(part) for side, part in (row.near or {}).items()} or None,
        window_start=row.window_start,
        window_end=row.window_end,
        severity=Severity(row.severity),
        late_s=row.late_s,
        state=state,
        acknowledged=acknowledged,
        created_at=row.created_at,
        updated_at=row.updated_at,
        resolution=row.resolution,
        accepted_by=row.accepted_by,
        protocol_version=row.protocol_version,
        amendment=row.amendment,
        alert_ids=alert_ids,
    )


def standing_count(connection: Connection) -> dict[str, int]:
    """Conflicts open or acknowledged (not yet resolved, accepted or closed), by agreement."""
    query = (
        sa.select(c.agreement_id, sa.func.count())
        .where(c.state.in_(STANDING))
        .group_by(c.agreement_id)
    )
    return {agreement: int(n) for agreement, n in connection.execute(query)}
