"""Messages: send, read, acknowledge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import AwareDatetime
from sqlalchemy import Connection

from clearline.api.auth import CurrentRuntime, PartyUser
from clearline.api.params import Limit, RecordId
from clearline.api.schemas import (
    IdempotencyKey,
    MessageCopies,
    MessageList,
    MessageOut,
    PendingList,
    as_json,
    message_out,
    pending_list,
)
from clearline.model.message import DeliveryState, Message, MessageType
from clearline.model.user import Language, User
from clearline.runtime.node import Runtime
from clearline.services.line import messages, pending, sending, visibility

router = APIRouter(prefix="/v1/messages", tags=["messages"])


StateFilter = Literal[
    "held", "sent", "delivered", "acknowledged", "answered", "escalated", "overdue"
]


@router.post("", status_code=201, response_model=MessageOut | MessageCopies)
async def send(
    request: messages.SendRequest,
    user: PartyUser,
    rt: CurrentRuntime,
    idempotency_key: IdempotencyKey,
) -> Response:
    """Put a message on the line to another party.

    Example: `{"to": "IL", "type": "warning", "precedence": "FLASH", "body": {"hazard":
    "air_strike", "location": {"lat": 34.55, "lon": 38.28}, "radius_m": 20000}}`.
    Answers only once the message is on disk. Repeating the same request with the same
    `Idempotency-Key` returns the first message (200, without a new receipt) and never stores
    a second. The answer carries the ledger receipt: index, leaf hash and a signed tree head
    that already includes the entry.

    To several parties (`"to": ["TR", "RU"]`, all of one agreement): a copy to each over its
    own line, each delivered, acknowledged and escalated on its own; the answer is
    `{"messages": [...], "receipts": [...]}`, and a recipient sees only its own copy.
    """
    now = rt.clock.now()
    if isinstance(request.to, list):
        return await _send_to_each(request, user, rt, idempotency_key)

    def send_and_screen(connection: Connection) -> tuple[Message, bool]:
        return sending.send(
            connection, user, request, now, idempotency_key, rt.conflict_engine, rt.pictures
        )

    (message, created), receipts = await rt.write_sealed(send_and_screen)
    return as_json(message_out(message, user, receipts=receipts), 201 if created else 200)


async def _send_to_each(
    request: messages.SendRequest, user: User, rt: Runtime, idempotency_key: str
) -> Response:
    now = rt.clock.now()

    def send(connection: Connection) -> tuple[list[Message], bool]:
        return sending.send_to_each(
            connection, user, request, now, idempotency_key, rt.conflict_engine, rt.pictures
        )

    (sent, created), receipts = await rt.write_sealed(send)
    copies = MessageCopies(messages=[message_out(m, user) for m in sent], receipts=receipts)
    return as_json(copies, 201 if created else 200)


@router.get("", response_model=MessageList)
async def list_messages(
    user: PartyUser,
    rt: CurrentRuntime,
    box: Literal["inbox", "outbox", "all"] = "all",
    state: StateFilter | None = None,
    type: MessageType | None = None,
    since: Annotated[
        AwareDatetime | None, Query(description="Created at or after, ISO 8601 with zone.")
    ] = None,
    limit: Limit = 100,
    lang: Language | None = None,
) -> MessageList:
    """Your party's messages, newest first. Reading your inbox counts as delivery."""
    found = await _reading(
        rt, user, lambda c: visibility.messages_for(c, user.party, box, state, type, since, limit)
    )
    return MessageList(messages=[message_out(m, user, lang) for m in found])


@router.get("/pending", response_model=PendingList)
async def list_pending(
    user: PartyUser,
    rt: CurrentRuntime,
    limit: Limit = 100,
    lang: Language | None = None,
) -> PendingList:
    """What your party must still acknowledge, most urgent first: precedence, then deadline
    (one already passed first). A new line check supersedes the older unanswered checks of
    its line, and the "line check missed" alerts of one line are one item with a count, so
    that a flood stays readable. Reading it counts as delivery."""
    items = await rt.read(lambda c: pending.queue(c, user.party))
    if await _deliver(rt, user, [i.message for i in items]):
        items = await rt.read(lambda c: pending.queue(c, user.party))
    return pending_list(items, user, limit, lang)


@router.get("/{message_id}", response_model=MessageOut)
async def get_message(
    message_id: RecordId, user: PartyUser, rt: CurrentRuntime, lang: Language | None = None
) -> Response:
    message = await rt.read(lambda c: visibility.visible(c, user.party, message_id))
    return as_json(message_out(message, user, lang))


@router.post("/{message_id}/ack", response_model=MessageOut)
async def acknowledge(message_id: RecordId, user: PartyUser, rt: CurrentRuntime) -> Response:
    """A human of the receiving party has read the message; the sender sees it at once."""
    now = rt.clock.now()
    message, receipts = await rt.write_sealed(
        lambda c: messages.acknowledge(c, user, message_id, now)
    )
    return as_json(message_out(message, user, receipts=receipts))


@router.post("/{message_id}/ack-item", response_model=MessageList)
async def acknowledge_item(
    message_id: RecordId, user: PartyUser, rt: CurrentRuntime, lang: Language | None = None
) -> MessageList:
    """Acknowledge the pending item this message is in: the "line check missed" alerts of
    one line all together, anything else on its own. Answers with every message acknowledged;
    409 if the message is not pending for your party."""
    now = rt.clock.now()
    done = await rt.write(lambda c: pending.acknowledge_item(c, user, message_id, now))
    return MessageList(messages=[message_out(m, user, lang) for m in done])


async def _reading(
    rt: Runtime, user: User, read: Callable[[Connection], list[Message]]
) -> list[Message]:
    """``read`` the party's messages, marking what it receives as delivered first."""
    found = await rt.read(read)
    return await rt.read(read) if await _deliver(rt, user, found) else found


async def _deliver(rt: Runtime, user: User, found: list[Message]) -> bool:
    """Mark as delivered what the party has just read for the first time; whether any was."""
    undelivered = [
        m
        for m in found
        if (own := m.recipient(user.party)) is not None and own.state is DeliveryState.SENT
    ]
    if undelivered:
        now = rt.clock.now()
        await rt.write(lambda c: messages.mark_delivered(c, user, undelivered, now))
    return bool(undelivered)
