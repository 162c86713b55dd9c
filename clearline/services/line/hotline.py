"""The hotline: sending, delivering, acknowledging and answering messages, and line state.

Delivery (a machine of the recipient party got the message) and acknowledgement (a human of that
party read it) are separate, timed transitions; the sender sees both as they happen.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Connection

from clearline.model.agreement import PartyCode
from clearline.model.errors import (
    ClearlineError,
    conflict,
    forbidden,
    from_validation,
    invalid,
    not_found,
)
from clearline.model.event import EventType
from clearline.model.fields import RecordId, Text
from clearline.model.line import Line, LineState
from clearline.model.message import (
    BODY_MODELS,
    REPLY_TO,
    SYSTEM_TYPES,
    Message,
    MessageType,
    Precedence,
)
from clearline.model.user import SENDING_ROLES, Role, User
from clearline.services.deconfliction import bounds
from clearline.store import agreements as agreement_store
from clearline.store import events
from clearline.store import messages as message_store
from clearline.store import users as user_store
from clearline.store.messages import NewMessage

MAX_FREE_TEXT = 4_000


class SendRequest(BaseModel):
    """What a client asks to put on the line."""

    model_config = ConfigDict(extra="forbid")

    to: PartyCode = Field(description="Code of the receiving party, e.g. IL.")
    type: MessageType
    precedence: Precedence
    body: dict[str, Any] = Field(default_factory=dict, description="Typed by `type`.")
    free_text: Text | None = Field(default=None, max_length=MAX_FREE_TEXT)
    in_reply_to: RecordId | None = None
    agreement: str | None = Field(
        default=None, description="Needed only where two parties share several agreements."
    )

    def fingerprint(self) -> str:
        """The same request always hashes the same, whatever order the client wrote keys in."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()


def send(
    connection: Connection,
    sender: User,
    request: SendRequest,
    now: datetime,
    idempotency_key: str,
) -> tuple[Message, bool]:
    """Put a message on the line. Returns it and whether it was created now (False: a replay)."""
    if sender.role not in SENDING_ROLES:
        raise forbidden("role", f"a {sender.role} may read the line but not send on it")
    previous = message_store.by_idempotency_key(connection, sender.id, idempotency_key)
    if previous is not None:
        previous_id, previous_fingerprint = previous
        if previous_fingerprint != request.fingerprint():
            raise conflict(
                "Idempotency-Key", "this key was used for a different message; use a new key"
            )
        return _get(connection, previous_id), False
    body = _validated_body(request)
    line = _line_for(connection, sender.party, request)
    original = _original(connection, sender, request)
    protocol = agreement_store.protocol_in_force(connection, line.agreement_id)
    bounds.message_body(body, protocol, now)
    fingerprint = request.fingerprint()
    message = message_store.insert(
        connection,
        NewMessage(
            agreement_id=line.agreement_id,
            line_id=line.id,
            sender_party=sender.party,
            sender_user=sender.id,
            type=request.type,
            precedence=request.precedence,
            body=body.model_dump(mode="json", exclude_none=True),
            free_text=request.free_text,
            in_reply_to=request.in_reply_to,
            line_suspended=not line.state.carries_traffic,
            idempotency_key=idempotency_key,
            request_hash=fingerprint,
        ),
        [request.to],
        now,
        protocol.deadline_s(request.precedence),
    )
    _announce(connection, EventType.MESSAGE_SENT, message, now)
    if original is not None:
        _record_answer(connection, original, message, sender, now)
    return message, True


def send_system(
    connection: Connection,
    line: Line,
    type: MessageType,
    precedence: Precedence,
    body: dict[str, Any],
    deadline_s: int,
    now: datetime,
    on_behalf_of: str | None = None,
) -> Message:
    """A message the line itself raises (line checks, alerts) to both parties of ``line``; or,
    ``on_behalf_of`` one of them, to the other alone, which answers it as it would that party
    (an identification query the line raises about an unknown object near that party)."""
    BODY_MODELS[type].model_validate(body)
    to = [line.party_a, line.party_b]
    if on_behalf_of is not None:
        to.remove(on_behalf_of)
    message = message_store.insert(
        connection,
        NewMessage(
            agreement_id=line.agreement_id,
            line_id=line.id,
            sender_party=on_behalf_of,
            sender_user=None,
            type=type,
            precedence=precedence,
            body=body,
            free_text=None,
            in_reply_to=None,
            line_suspended=not line.state.carries_traffic and on_behalf_of is not None,
        ),
        to,
        now,
        deadline_s,
    )
    _announce(connection, EventType.MESSAGE_SENT, message, now)
    return message


def lines_in(connection: Connection, agreement_id: str, a: str, b: str) -> list[Line]:
    """The lines between two parties under one agreement."""
    between = agreement_store.lines_between(connection, a, b)
    return [line for line in between if line.agreement_id == agreement_id]


def acknowledge(connection: Connection, user: User, message_id: int, now: datetime) -> Message:
    """A human of a receiving party has read the message. Acknowledging twice changes nothing."""
    message = visible(connection, user.party, message_id)
    recipient = message.recipient(user.party)
    if recipient is None:
        raise forbidden("id", "the sending party cannot acknowledge its own message")
    if not user.is_watch:
        raise forbidden("role", f"a {user.role} cannot acknowledge: a human on the watch must")
    if recipient.acknowledged_at is not None:
        return message
    _acknowledge(connection, message, user, now)
    return _get(connection, message_id)


def mark_delivered(
    connection: Connection, user: User, messages: Iterable[Message], now: datetime
) -> None:
    """A client of ``user``'s party has received these messages; first delivery only counts.

    ``messages`` are as the client was handed them; the store decides whether this is a first
    delivery of a released copy, so a stale or repeated hand-over changes nothing.
    """
    for message in messages:
        if message_store.mark_delivered(connection, message.id, user.party, user.id, now):
            _tell(connection, EventType.MESSAGE_DELIVERED, message, user.party, user, now)


def visible(connection: Connection, party: str, message_id: int) -> Message:
    """The message as ``party`` may see it; 404 for anything else, so as not to reveal it."""
    message = message_store.get(connection, message_id)
    if message is None or not _may_see(message, party):
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
    protocol = agreement_store.protocol_in_force(connection, line.agreement_id)
    for message_id, recipient in message_store.held_on_line(connection, line.id):
        message_store.release(connection, message_id, recipient, now, protocol)
        _announce(connection, EventType.MESSAGE_RELEASED, _get(connection, message_id), now)
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


def audience(message: Message) -> set[str]:
    """Who may see a message's events: its sender and the recipients it has reached."""
    parties = {r.party for r in message.recipients if r.released_at is not None}
    if message.sender_party:
        parties.add(message.sender_party)
    return parties


def _may_see(message: Message, party: str) -> bool:
    recipient = message.recipient(party)
    return message.sender_party == party or (
        recipient is not None and recipient.released_at is not None
    )


def _get(connection: Connection, message_id: int) -> Message:
    message = message_store.get(connection, message_id)
    assert message is not None, "a message we just stored or found must load"
    return message


def _validated_body(request: SendRequest) -> BaseModel:
    if request.type in SYSTEM_TYPES:
        raise invalid("type", f"{request.type} is raised by the line itself, not by parties")
    try:
        body = BODY_MODELS[request.type].model_validate(request.body)
    except ValidationError as exc:
        raise from_validation(exc, "body") from exc
    if request.type is MessageType.FREE_TEXT and not (request.free_text or "").strip():
        raise invalid("free_text", "a free_text message needs its text")
    if request.type in REPLY_TO and request.in_reply_to is None:
        raise invalid("in_reply_to", f"a {request.type} answers a {REPLY_TO[request.type]}")
    return body


def _line_for(connection: Connection, sender_party: str, request: SendRequest) -> Line:
    if request.to == sender_party:
        raise invalid("to", "a party cannot send to itself")
    lines = agreement_store.lines_between(connection, sender_party, request.to)
    if not lines and not agreement_store.party_exists(connection, request.to):
        raise not_found("to", f"no party with code {request.to!r}")
    if not lines:
        raise invalid("to", f"there is no line between {sender_party} and {request.to}")
    if request.agreement is not None:
        lines = [line for line in lines if line.agreement_id == request.agreement]
        if not lines:
            raise invalid("agreement", f"{sender_party} and {request.to} share no such agreement")
    if len(lines) > 1:
        raise invalid("agreement", "these parties share several agreements: name one")
    return lines[0]


def _original(connection: Connection, sender: User, request: SendRequest) -> Message | None:
    """The message a reply answers, checked: the replying party must have received it."""
    if request.in_reply_to is None:
        return None
    try:
        original = visible(connection, sender.party, request.in_reply_to)
    except ClearlineError as exc:
        raise not_found("in_reply_to", f"no message {request.in_reply_to} on your lines") from exc
    if original.recipient(sender.party) is None:
        raise invalid("in_reply_to", "a party replies only to messages it received")
    if original.sender_party != request.to:
        raise invalid("to", f"a reply goes to the sender of the original, {original.sender_party}")
    expected = REPLY_TO.get(request.type)
    if expected is not None and original.type is not expected:
        raise invalid("type", f"a {request.type} answers a {expected}, not a {original.type}")
    return original


def _record_answer(
    connection: Connection, original: Message, reply: Message, user: User, now: datetime
) -> None:
    if reply.type not in REPLY_TO:
        return
    recipient = original.recipient(user.party)
    assert recipient is not None
    if recipient.answered_at is None:
        message_store.update_recipient(
            connection,
            original.id,
            user.party,
            answered_at=now,
            answered_by=user.id,
            answer_id=reply.id,
        )
        _tell(
            connection,
            EventType.MESSAGE_ANSWERED,
            original,
            user.party,
            user,
            now,
            answer_id=reply.id,
        )
    if user.is_watch and recipient.acknowledged_at is None:
        _acknowledge(connection, original, user, now)


def _acknowledge(connection: Connection, message: Message, user: User, now: datetime) -> None:
    recipient = message.recipient(user.party)
    assert recipient is not None
    delivered = {} if recipient.delivered_at else {"delivered_at": now, "delivered_to": user.id}
    message_store.update_recipient(
        connection,
        message.id,
        user.party,
        acknowledged_at=now,
        acknowledged_by=user.id,
        due_at=None,
        **delivered,
    )
    _tell(connection, EventType.MESSAGE_ACKNOWLEDGED, message, user.party, user, now)
    if message.type is MessageType.LINE_CHECK and message.sender_party is None:
        answer_s = (now - (recipient.released_at or message.created_at)).total_seconds()
        line = agreement_store.get_line(connection, message.line_id)
        events.append(
            connection,
            EventType.LINE_CHECK_ANSWERED,
            now,
            message.agreement_id,
            _line_audience(connection, line),
            {"message_id": message.id, "party": user.party, "user": user.id, "answer_s": answer_s},
        )


def _announce(connection: Connection, type: EventType, message: Message, now: datetime) -> None:
    events.append(
        connection,
        type,
        now,
        message.agreement_id,
        audience(message),
        {"message": message.model_dump(mode="json")},
    )


def _tell(
    connection: Connection,
    type: EventType,
    message: Message,
    party: str,
    user: User,
    now: datetime,
    **extra: Any,
) -> None:
    """A transition of ``party``'s copy, told to that party and to the sender."""
    events.append(
        connection,
        type,
        now,
        message.agreement_id,
        {party} | senders(message),
        {"message_id": message.id, "party": party, "user": user.id, **extra},
    )


def senders(message: Message) -> set[str]:
    """The sending party, if a party sent it (the line itself is nobody's party)."""
    return {message.sender_party} if message.sender_party else set()


def _announce_line(connection: Connection, type: EventType, line: Line, now: datetime) -> None:
    """To both parties and the agreement's mediators, who read it as ``for_mediator`` shows."""
    events.append(
        connection,
        type,
        now,
        line.agreement_id,
        _line_audience(connection, line),
        {"line": line.model_dump(mode="json")},
    )


def for_mediator(line: Line) -> Line:
    """A line as its mediator sees it, in a list or an event: its state and since when, not
    the reason a party gave nor who (a mediator's reads are figures)."""
    return line.model_copy(update={"reason": None, "changed_by": None})


def _line_audience(connection: Connection, line: Line) -> set[str]:
    """A line's own events go to both its parties and to the agreement's mediators."""
    agreement = agreement_store.get_agreement(connection, line.agreement_id)
    mediators = agreement.mediators() if agreement else []
    return {line.party_a, line.party_b, *mediators}


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
