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
