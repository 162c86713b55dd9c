"""Messages: send, read, acknowledge."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import AwareDatetime
from sqlalchemy import Connection

from clearline.api.auth import CurrentRuntime, PartyUser
from clearline.api.schemas import IdempotencyKey, MessageList, MessageOut, as_json, message_out
from clearline.model.fields import MAX_ID
from clearline.model.message import DeliveryState, Message, MessageType
from clearline.model.user import Language
from clearline.services.line import hotline, sending

router = APIRouter(prefix="/v1/messages", tags=["messages"])

MessageId = Annotated[int, Path(ge=1, le=MAX_ID)]
StateFilter = Literal[
    "held", "sent", "delivered", "acknowledged", "answered", "escalated", "overdue"
]


@router.post("", status_code=201, response_model=MessageOut)
async def send(
    request: hotline.SendRequest,
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
    """
    now = rt.clock.now()

    def send_and_screen(connection: Connection) -> tuple[Message, bool]:
        return sending.send(
            connection, user, request, now, idempotency_key, rt.conflict_engine, rt.pictures
        )

    (message, created), receipts = await rt.write_sealed(send_and_screen)
    return as_json(message_out(message, user, receipts=receipts), 201 if created else 200)


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
    limit: Annotated[int, Query(ge=1, le=1_000)] = 100,
    lang: Language | None = None,
) -> MessageList:
    """Your party's messages, newest first. Reading your inbox counts as delivery."""
    found = await rt.read(
        lambda c: hotline.messages_for(c, user.party, box, state, type, since, limit)
    )
    undelivered = [
        m
        for m in found
        if (own := m.recipient(user.party)) is not None and own.state is DeliveryState.SENT
    ]
    if undelivered:
        now = rt.clock.now()
        await rt.write(lambda c: hotline.mark_delivered(c, user, undelivered, now))
        found = await rt.read(
            lambda c: hotline.messages_for(c, user.party, box, state, type, since, limit)
        )
    return MessageList(messages=[message_out(m, user, lang) for m in found])


@router.get("/{message_id}", response_model=MessageOut)
async def get_message(
    message_id: MessageId, user: PartyUser, rt: CurrentRuntime, lang: Language | None = None
) -> Response:
    message = await rt.read(lambda c: hotline.visible(c, user.party, message_id))
    return as_json(message_out(message, user, lang))


@router.post("/{message_id}/ack", response_model=MessageOut)
async def acknowledge(message_id: MessageId, user: PartyUser, rt: CurrentRuntime) -> Response:
    """A human of the receiving party has read the message; the sender sees it at once."""
    now = rt.clock.now()
    message, receipts = await rt.write_sealed(
        lambda c: hotline.acknowledge(c, user, message_id, now)
    )
    return as_json(message_out(message, user, receipts=receipts))
