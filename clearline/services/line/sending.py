"""A message put on the line, with what its answer changes beyond the hotline: a crossing
decision rescreens the requester's notices, an identification reply settles an unknown
object. The API and the demo's player send through here, so both do the same."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from clearline.model.message import Message
from clearline.model.user import User
from clearline.services.deconfliction import notices
from clearline.services.deconfliction.engine import ConflictEngine
from clearline.services.line import messages
from clearline.services.tactical import unknowns
from clearline.services.tactical.picture import Pictures


def send(
    connection: Connection,
    sender: User,
    request: messages.SendRequest,
    now: datetime,
    idempotency_key: str,
    conflict_engine: ConflictEngine,
    pictures: Pictures,
) -> tuple[Message, bool]:
    """``messages.send``, then its consequences if the message is new (not a replay)."""
    message, created = messages.send(connection, sender, request, now, idempotency_key)
    if created:
        notices.on_crossing_decision(connection, message, now, conflict_engine)
        unknowns.on_identification_reply(connection, message, now, pictures)
    return message, created


def send_to_each(
    connection: Connection,
    sender: User,
    request: messages.SendRequest,
    now: datetime,
    idempotency_key: str,
    conflict_engine: ConflictEngine,
    pictures: Pictures,
) -> tuple[list[Message], bool]:
    """A message to several parties: one copy to each, over its own line, each with its own
    deadline and escalation; all or none. A replay (the same key, the same request) returns
    the copies sent the first time."""
    messages.lines_for(connection, sender, request)
    fingerprint = request.fingerprint()
    sent = [
        messages.send(
            connection, sender, copy, now, f"{idempotency_key}/{copy.recipient}", fingerprint
        )
        for copy in request.copies()
    ]
    return [message for message, _ in sent], all(created for _, created in sent)
