"""Events as a reader reads them: everything its party is in the audience of after a sequence
number, oldest first. "Everything after N" is how every client catches up (a poll, a stream's
backlog), so it is asked one way, of the party, never of the user."""

from __future__ import annotations

from sqlalchemy import Connection

from clearline.model.event import Event
from clearline.model.user import User
from clearline.store import events as event_store


def since(connection: Connection, reader: User, seq: int, limit: int) -> list[Event]:
    """Up to ``limit`` events after ``seq`` that the reader's party may see."""
    return event_store.since(connection, reader.party, seq, limit)


def last_seq(connection: Connection, reader: User) -> int:
    """The newest event the reader's party may see, where a client that wants only what comes
    next starts; 0 if none."""
    return event_store.last_seq(connection, reader.party)
