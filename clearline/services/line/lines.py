"""The lines between parties: which carry traffic, and their suspension and restoration.

A suspended line still takes messages, and holds them; restored, it releases them with a fresh
deadline each. Lines have been suspended in anger before: who did it, when and why is on the
line itself and on the record.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from clearline.model.errors import (
    conflict,
    forbidden,
    invalid,
    not_found,
)
from clearline.model.event import EventType
from clearline.model.line import Line, LineState
from clearline.model.user import Role, User
from clearline.services.line.messages import announce, stored
from clearline.services.line.visibility import line_audience
from clearline.store import agreements as agreement_store
from clearline.store import events
from clearline.store import messages as message_store
from clearline.store import users as user_store


def lines_in(connection: Connection, agreement_id: str, a: str, b: str) -> list[Line]:
    """The lines between two parties under one agreement."""
    between = agreement_store.lines_between(connection, a, b)
    return [line for line in between if line.agreement_id == agreement_id]


def suspend(connection: Connection, user: User, party: str, reason: str, now: datetime) -> Line:
    line = _liaison_line(connection, user, party)
    if line.state is LineState.SUSPENDED:
        raise conflict("state", "the line is suspended already")
    if not reason.strip():
        raise invalid("reason", "a suspension must say why")
    line = _change_state(connection, line, LineState.SUSPENDED, user, now, reason)
    _announce_line(connection, EventType.LINE_SUSPENDED, line, now)
    return line


def restore(connection: Connection, user: User, party: str, now: datetime) -> Line:
    """Restore a suspended line and release what was held, each with a fresh deadline."""
    line = _liaison_line(connection, user, party)
    if line.state is not LineState.SUSPENDED:
        raise conflict("state", "the line is not suspended")
    suspender = line.changed_by and _party_of(connection, line.changed_by)
    if suspender and suspender != user.party:
        raise forbidden("party", f"only {suspender}, who suspended the line, may restore it")
    line = _change_state(connection, line, LineState.RESTORED, user, now, None)
    protocol = agreement_store.protocol_in_force(connection, line.agreement_id, now)
    for message_id, recipient in message_store.held_on_line(connection, line.id):
        message_store.release(connection, message_id, recipient, now, protocol)
        announce(connection, EventType.MESSAGE_RELEASED, stored(connection, message_id), now)
    _announce_line(connection, EventType.LINE_RESTORED, line, now)
    return line


def lines_for(connection: Connection, user: User) -> list[Line]:
    """A party's own lines; for a mediator, every line of the agreements it mediates."""
    if user.role is not Role.MEDIATOR:
        return agreement_store.lines_of(connection, user.party)
    mediated = [
        a.id
        for a in agreement_store.agreements_of(connection, user.party)
        if user.party in a.mediators()
    ]
    return agreement_store.lines_of_agreements(connection, mediated)


def _announce_line(connection: Connection, type: EventType, line: Line, now: datetime) -> None:
    """To both parties and the agreement's mediators, who read it as ``for_mediator`` shows."""
    events.append(
        connection,
        type,
        now,
        line.agreement_id,
        line_audience(connection, line),
        {"line": line.model_dump(mode="json")},
    )


def _change_state(
    connection: Connection,
    line: Line,
    state: LineState,
    user: User,
    now: datetime,
    reason: str | None,
) -> Line:
    """Who changed the line's state, when and why, kept on the line itself."""
    return agreement_store.update_line(
        connection, line.id, state=state, changed_at=now, changed_by=user.id, reason=reason
    )


def _liaison_line(connection: Connection, user: User, party: str) -> Line:
    if user.role is not Role.LIAISON_OFFICER:
        raise forbidden("role", "only a liaison officer may suspend or restore a line")
    lines = agreement_store.lines_between(connection, user.party, party)
    if user.party == party or not lines:
        raise not_found("party", f"there is no line between {user.party} and {party}")
    return lines[0]


def _party_of(connection: Connection, user_id: int) -> str | None:
    found = user_store.get_user(connection, user_id)
    return found.party if found else None
