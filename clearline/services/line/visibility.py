"""Who may see a message, and what of it: its sender every recipient's copy, a recipient only
its own, a mediator a line's state but not why it changed or by whom. Every read and every
event's audience asks here, so that the rule is stated once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from clearline.model.errors import (
    not_found,
)
from clearline.model.line import Line
from clearline.model.message import (
    Message,
    MessageType,
)
from clearline.store import agreements as agreement_store
from clearline.store import messages as message_store


def audience(message: Message) -> set[str]:
    """Who may see a message's events: its sender and the recipients it has reached."""
    parties = {r.party for r in message.recipients if r.released_at is not None}
    if message.sender_party:
        parties.add(message.sender_party)
    return parties


def may_see(message: Message, party: str) -> bool:
    recipient = message.recipient(party)
    return message.sender_party == party or (
        recipient is not None and recipient.released_at is not None
    )


def visible(connection: Connection, party: str, message_id: int) -> Message:
    """The message as ``party`` may see it; 404 for anything else, so as not to reveal it."""
    message = message_store.get(connection, message_id)
    if message is None or not may_see(message, party):
        raise not_found("id", f"no message {message_id} on your lines")
    return view(message, party)


def view(message: Message, party: str) -> Message:
    """The sender sees every recipient's state; a recipient sees only its own."""
    if message.sender_party == party:
        return message
    return message.model_copy(
        update={"recipients": tuple(r for r in message.recipients if r.party == party)}
    )


def messages_for(
    connection: Connection,
    party: str,
    box: str,
    state: str | None,
    type: MessageType | None,
    since: datetime | None,
    limit: int,
) -> list[Message]:
    found = message_store.query(connection, party, box, state, type, since, limit)
    return [view(m, party) for m in found]


def senders(message: Message) -> set[str]:
    """The sending party, if a party sent it (the line itself is nobody's party)."""
    return {message.sender_party} if message.sender_party else set()


def for_mediator(line: Line) -> Line:
    """A line as its mediator sees it, in a list or an event: its state and since when, not
    the reason a party gave nor who (a mediator's reads are figures)."""
    return line.model_copy(update={"reason": None, "changed_by": None})


def line_audience(connection: Connection, line: Line) -> set[str]:
    """A line's own events go to both its parties and to the agreement's mediators."""
    agreement = agreement_store.get_agreement(connection, line.agreement_id)
    mediators = agreement.mediators() if agreement else []
    return {line.party_a, line.party_b, *mediators}
