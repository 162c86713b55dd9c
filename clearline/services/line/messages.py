"""Messages on the line: sending, delivering, acknowledging and answering them.

Delivery (a machine of the recipient party got the message) and acknowledgement (a human of that
party read it) are separate, timed transitions; the sender sees both as they happen.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Connection

from clearline.model.agreement import PARTY_CODE, PartyCode
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
from clearline.model.line import Line
from clearline.model.message import (
    BODY_MODELS,
    REPLY_TO,
    SYSTEM_TYPES,
    Message,
    MessageType,
    Precedence,
)
from clearline.model.protocol import Protocol
from clearline.model.user import SENDING_ROLES, User
from clearline.services.deconfliction import bounds
from clearline.services.line.visibility import audience, line_audience, senders, visible
from clearline.store import agreements as agreement_store
from clearline.store import events
from clearline.store import messages as message_store
from clearline.store.messages import NewMessage

MAX_FREE_TEXT = 4_000
MAX_TO = 10


class SendRequest(BaseModel):
    """What a client asks to put on the line."""

    model_config = ConfigDict(extra="forbid")

    to: PartyCode | list[PartyCode] = Field(
        description='Code of the receiving party, e.g. IL; or several, e.g. ["TR", "RU"]: '
        "a copy to each over its own line, delivered, acknowledged and escalated on its own."
    )
    type: MessageType
    precedence: Precedence
    body: dict[str, Any] = Field(default_factory=dict, description="Typed by `type`.")
    free_text: Text | None = Field(default=None, max_length=MAX_FREE_TEXT)
    in_reply_to: RecordId | None = None
    agreement: str | None = Field(
        default=None, description="Needed only where two parties share several agreements."
    )

    @field_validator("to", mode="before")
    @classmethod
    def _parties(cls, to: object) -> object:
        """Checked here, before the union is tried, so that a refusal names ``to`` itself
        rather than the union's members."""
        codes = to if isinstance(to, list) else [to]
        if not all(isinstance(code, str) and re.fullmatch(PARTY_CODE, code) for code in codes):
            raise ValueError("a party's code (2 or 3 capital letters), or a list of them")
        if isinstance(to, list) and not 1 <= len(set(to)) == len(to) <= MAX_TO:
            raise ValueError(f"1 to {MAX_TO} parties, each once")
        return to

    @property
    def recipient(self) -> str:
        """The one party a copy goes to."""
        assert isinstance(self.to, str), "a request to several is sent as one copy to each"
        return self.to

    def copies(self) -> list[SendRequest]:
        """One request to each party it names."""
        parties = self.to if isinstance(self.to, list) else [self.to]
        return [self.model_copy(update={"to": party}) for party in parties]

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
    fingerprint: str | None = None,
) -> tuple[Message, bool]:
    """Put a message on the line. Returns it and whether it was created now (False: a replay).
    ``fingerprint``: of the request it is one copy of, where it went to several."""
    if sender.role not in SENDING_ROLES:
        raise forbidden("role", f"a {sender.role} may read the line but not send on it")
    fingerprint = fingerprint or request.fingerprint()
    previous = message_store.by_idempotency_key(connection, sender.id, idempotency_key)
    if previous is not None:
        previous_id, previous_fingerprint = previous
        if previous_fingerprint != fingerprint:
            raise conflict(
                "Idempotency-Key", "this key was used for a different message; use a new key"
            )
        return stored(connection, previous_id), False
    body = _validated_body(request)
    line = _line_for(connection, sender.party, request)
    original = _original(connection, sender, request)
    protocol = agreement_store.protocol_in_force(connection, line.agreement_id, now)
    bounds.message_body(body, protocol, now)
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
            protocol_version=protocol.version,
        ),
        [request.recipient],
        now,
        protocol.deadline_s(request.precedence),
    )
    announce(connection, EventType.MESSAGE_SENT, message, now)
    if original is not None:
        _record_answer(connection, original, message, sender, now)
    return message, True


def send_system(
    connection: Connection,
    line: Line,
    type: MessageType,
    precedence: Precedence,
    body: dict[str, Any],
    protocol: Protocol,
    now: datetime,
    deadline_s: int | None = None,
    on_behalf_of: str | None = None,
    free_text: str | None = None,
) -> Message:
    """A message the line itself raises (line checks, alerts) to both parties of ``line``; or,
    ``on_behalf_of`` one of them, to the other alone, which answers it as it would that party
    (an identification query the line raises about an unknown object near that party). Due
    as ``protocol`` says for its precedence, unless ``deadline_s`` says otherwise; any
    ``free_text`` is what a person wrote (a reason), shown untranslated."""
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
            free_text=free_text,
            in_reply_to=None,
            line_suspended=not line.state.carries_traffic and on_behalf_of is not None,
            protocol_version=protocol.version,
        ),
        to,
        now,
        deadline_s or protocol.deadline_s(precedence),
    )
    announce(connection, EventType.MESSAGE_SENT, message, now)
    return message


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
    return stored(connection, message_id)


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


def stored(connection: Connection, message_id: int) -> Message:
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


def lines_for(connection: Connection, sender: User, request: SendRequest) -> list[Line]:
    """The line each copy of a request to several goes over, all of one agreement: a message
    to several is one message of that agreement, refused whole if any copy cannot go."""
    if request.in_reply_to is not None:
        raise invalid("to", "a reply goes to the one party that asked")
    lines = [_line_for(connection, sender.party, copy) for copy in request.copies()]
    if len({line.agreement_id for line in lines}) > 1:
        raise invalid("to", "these parties are in different agreements: send to each apart")
    return lines


def _line_for(connection: Connection, sender_party: str, request: SendRequest) -> Line:
    to = request.recipient
    if to == sender_party:
        raise invalid("to", "a party cannot send to itself")
    lines = agreement_store.lines_between(connection, sender_party, to)
    if not lines and not agreement_store.party_exists(connection, to):
        raise not_found("to", f"no party with code {to!r}")
    if not lines:
        raise invalid("to", f"there is no line between {sender_party} and {to}")
    if request.agreement is not None:
        lines = [line for line in lines if line.agreement_id == request.agreement]
        if not lines:
            raise invalid("agreement", f"{sender_party} and {to} share no such agreement")
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
            line_audience(connection, line),
            {"message_id": message.id, "party": user.party, "user": user.id, "answer_s": answer_s},
        )


def announce(connection: Connection, type: EventType, message: Message, now: datetime) -> None:
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
