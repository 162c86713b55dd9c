"""Messages and their per-recipient states."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from clearline.model.message import (
    DeliveryState,
    Message,
    MessageDraft,
    MessageType,
    Precedence,
    Recipient,
)
from clearline.model.protocol import Protocol
from clearline.store.schema import insert_returning_id, messages, recipients

r = recipients.c

STATE_CONDITIONS: dict[str, sa.ColumnElement[bool]] = {
    DeliveryState.HELD: r.released_at.is_(None),
    DeliveryState.SENT: sa.and_(
        r.released_at.is_not(None),
        r.delivered_at.is_(None),
        r.acknowledged_at.is_(None),
        r.answered_at.is_(None),
    ),
    DeliveryState.DELIVERED: sa.and_(
        r.delivered_at.is_not(None), r.acknowledged_at.is_(None), r.answered_at.is_(None)
    ),
    DeliveryState.ACKNOWLEDGED: sa.and_(r.acknowledged_at.is_not(None), r.answered_at.is_(None)),
    DeliveryState.ANSWERED: r.answered_at.is_not(None),
    "escalated": sa.and_(r.escalation_level > 0, r.acknowledged_at.is_(None)),
    "overdue": sa.and_(r.overdue.is_(True), r.acknowledged_at.is_(None)),
}
"""Filters on a recipient's state; ``escalated`` and ``overdue`` cut across the states."""


class NewMessage(MessageDraft):
    """A draft with what the store keeps of the request that made it, to answer a retry."""

    idempotency_key: str | None = None
    request_hash: str | None = None


_INSERT_MESSAGE = messages.insert()
_INSERT_RECIPIENT = recipients.insert()
_BY_KEY = sa.select(messages.c.id, messages.c.request_hash).where(
    messages.c.sender_user == sa.bindparam("user_id"),
    messages.c.idempotency_key == sa.bindparam("key"),
)
_DELIVER = (
    recipients.update()
    .where(
        r.message_id == sa.bindparam("b_message_id"),
        r.party == sa.bindparam("b_party"),
        r.released_at.is_not(None),
        r.delivered_at.is_(None),
    )
    .values(delivered_at=sa.bindparam("b_now"), delivered_to=sa.bindparam("b_user_id"))
)
# The statements above run for every message: built once, their compiled form is cached.


def insert(
    connection: Connection,
    new: NewMessage,
    to: Iterable[str],
    now: datetime,
    deadline_s: int,
) -> Message:
    """Store a message; recipients on a carrying line are released now with a deadline."""
    message_id = insert_returning_id(connection, _INSERT_MESSAGE, {"created_at": now, **dict(new)})
    released = None if new.line_suspended else now
    copies: list[dict[str, Any]] = [
        {
            "message_id": message_id,
            "party": party,
            "released_at": released,
            "due_at": None if released is None else _after(now, deadline_s),
            "escalation_level": 0,
            "overdue": False,
        }
        for party in to
    ]
    connection.execute(_INSERT_RECIPIENT, copies)
    stored = tuple(_recipient({**NEW_RECIPIENT, **copy}) for copy in copies)
    return Message.model_validate(
        {**dict(new), "id": message_id, "created_at": now, "recipients": stored}
    )


def by_idempotency_key(
    connection: Connection, user_id: int, key: str
) -> tuple[int, str | None] | None:
    """The id and request fingerprint of what this user already sent under this key."""
    row = connection.execute(_BY_KEY, {"user_id": user_id, "key": key}).first()
    return None if row is None else (row.id, row.request_hash)


def mark_delivered(
    connection: Connection, message_id: int, party: str, user_id: int, now: datetime
) -> bool:
    """Record first delivery of ``party``'s copy; False if it was delivered before, or held."""
    done = connection.execute(
        _DELIVER,
        {"b_message_id": message_id, "b_party": party, "b_user_id": user_id, "b_now": now},
    )
    return done.rowcount == 1


def get(connection: Connection, message_id: int) -> Message | None:
    found = _load(connection, messages.c.id == message_id)
    return found[0] if found else None


def query(
    connection: Connection,
    party: str,
    box: str,
    state: str | None = None,
    type: MessageType | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[Message]:
    """Messages ``party`` sent (outbox) or received and may see (inbox), newest first.

    ``state`` filters on the party's own copy of what it received, and on any recipient's
    copy of what it sent.
    """
    received = sa.and_(r.party == party, r.released_at.is_not(None))
    if state is not None:
        received = sa.and_(received, STATE_CONDITIONS[state])
    mine = sa.select(r.message_id).where(received)
    sent = sa.select(messages.c.id).where(messages.c.sender_party == party)
    if state is not None:
        sent = sent.where(messages.c.id.in_(sa.select(r.message_id).where(STATE_CONDITIONS[state])))
    where = {
        "inbox": messages.c.id.in_(mine),
        "outbox": messages.c.id.in_(sent),
        "all": sa.or_(messages.c.id.in_(mine), messages.c.id.in_(sent)),
    }[box]
    if type is not None:
        where = sa.and_(where, messages.c.type == type)
    if since is not None:
        where = sa.and_(where, messages.c.created_at >= since)
    return _load(connection, where, limit)


def update_recipient(connection: Connection, message_id: int, party: str, **values: Any) -> None:
    connection.execute(
        recipients.update().where(r.message_id == message_id, r.party == party).values(**values)
    )


def due(connection: Connection, now: datetime) -> list[tuple[Message, Recipient]]:
    """Recipients whose acknowledgement deadline has passed, oldest deadline first."""
    rows = connection.execute(
        sa.select(r.message_id, r.party)
        .where(r.due_at <= now, r.acknowledged_at.is_(None))
        .order_by(r.due_at)
    ).all()
    found = []
    for message_id, party in rows:
        message = get(connection, message_id)
        if message is not None and (recipient := message.recipient(party)) is not None:
            found.append((message, recipient))
    return found


def held_on_line(connection: Connection, line_id: int) -> list[tuple[int, str]]:
    return [
        (row.message_id, row.party)
        for row in connection.execute(
            sa.select(r.message_id, r.party)
            .join(messages, messages.c.id == r.message_id)
            .where(messages.c.line_id == line_id, r.released_at.is_(None))
            .order_by(r.message_id)
        )
    ]


def release(
    connection: Connection, message_id: int, party: str, now: datetime, protocol: Protocol
) -> None:
    precedence = connection.execute(
        sa.select(messages.c.precedence).where(messages.c.id == message_id)
    ).scalar_one()
    deadline = protocol.deadline_s(Precedence(precedence))
    update_recipient(connection, message_id, party, released_at=now, due_at=_after(now, deadline))


def _after(now: datetime, seconds: int) -> datetime:
    return now + timedelta(seconds=seconds)


def _load(
    connection: Connection, where: sa.ColumnElement[bool], limit: int | None = None
) -> list[Message]:
    query = sa.select(messages).where(where).order_by(messages.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    rows = connection.execute(query).all()
    by_message: dict[int, list[Recipient]] = {row.id: [] for row in rows}
    if by_message:
        for rec in connection.execute(
            sa.select(recipients).where(r.message_id.in_(list(by_message))).order_by(r.party)
        ):
            by_message[rec.message_id].append(_recipient(rec._mapping))
    return [
        Message.model_validate({**row._mapping, "recipients": tuple(by_message[row.id])})
        for row in rows
    ]


def _recipient(values: Mapping[Any, Any]) -> Recipient:
    """A recipient's copy from its columns, as read or as just stored: the record has a field
    for each, and its state follows from which transitions have happened."""
    return Recipient.model_validate({**values, "state": _state(values)})


NEW_RECIPIENT: dict[str, Any] = dict.fromkeys(c.name for c in recipients.columns if c.nullable)
"""A recipient's columns before any transition has happened: every one that may be empty."""


def _state(values: Mapping[Any, Any]) -> DeliveryState:
    if values["answered_at"] is not None:
        return DeliveryState.ANSWERED
    if values["acknowledged_at"] is not None:
        return DeliveryState.ACKNOWLEDGED
    if values["delivered_at"] is not None:
        return DeliveryState.DELIVERED
    if values["released_at"] is not None:
        return DeliveryState.SENT
    return DeliveryState.HELD


def crossing_decisions(
    connection: Connection, agreement_id: str, party: str
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Bodies of ``party``'s crossing requests and of the decisions that answered them."""
    request, decision = messages.alias("request"), messages.alias("decision")
    query = (
        sa.select(request.c.body, decision.c.body.label("decision"))
        .join(recipients, recipients.c.message_id == request.c.id)
        .join(decision, decision.c.id == recipients.c.answer_id)
        .where(
            request.c.agreement_id == agreement_id,
            request.c.sender_party == party,
            request.c.type == MessageType.CROSSING_REQUEST,
            decision.c.type == MessageType.CROSSING_DECISION,
        )
    )
    return [(row.body, row.decision) for row in connection.execute(query)]


def unanswered(connection: Connection, party: str) -> list[Message]:
    """What was put through to ``party`` and nobody of it has acknowledged or answered yet,
    newest first: the raw stuff of its pending queue."""
    open_copy = sa.select(r.message_id).where(
        r.party == party,
        r.released_at.is_not(None),
        r.acknowledged_at.is_(None),
        r.answered_at.is_(None),
    )
    return _load(connection, messages.c.id.in_(open_copy))


def counts(connection: Connection) -> dict[tuple[str, str], int]:
    """How many messages were ever put on the line, by type and precedence."""
    m = messages.c
    rows = connection.execute(
        sa.select(m.type, m.precedence, sa.func.count()).group_by(m.type, m.precedence)
    )
    return {(kind, precedence): int(n) for kind, precedence, n in rows}


def waiting(connection: Connection) -> dict[tuple[str, bool], int]:
    """Copies released to their party and acknowledged by nobody yet, by precedence and by
    whether the ladder is exhausted (overdue)."""
    unacknowledged = sa.and_(
        r.released_at.is_not(None), r.acknowledged_at.is_(None), r.answered_at.is_(None)
    )
    query = (
        sa.select(messages.c.precedence, r.overdue, sa.func.count())
        .join(messages, messages.c.id == r.message_id)
        .where(unacknowledged)
        .group_by(messages.c.precedence, r.overdue)
    )
    return {
        (precedence, bool(overdue)): int(n) for precedence, overdue, n in connection.execute(query)
    }
