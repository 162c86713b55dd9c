"""What the API returns: records as a given reader may see them, in that reader's language."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Header, Response
from pydantic import BaseModel, Field

from clearline.model.event import Event
from clearline.model.fields import Text
from clearline.model.ledger import Receipt
from clearline.model.line import Line
from clearline.model.message import DeliveryState, Message, Recipient
from clearline.model.pending import PendingItem
from clearline.model.times import dtg
from clearline.model.user import Language, Role, User
from clearline.services.line import visibility
from clearline.services.line.figures import LineFigures
from clearline.services.line.rendering import Rendering, render


class MessageOut(BaseModel):
    id: int
    agreement_id: str
    line_id: int
    sender_party: str | None = Field(description="None when the line itself raised it.")
    sender_user: int | None
    to: list[str]
    type: str
    precedence: str
    body: dict[str, Any]
    free_text: str | None
    in_reply_to: int | None
    created_at: datetime
    created_dtg: str
    line_suspended: bool
    protocol_version: int = Field(description="The protocol version its deadline came from.")
    state: DeliveryState | None = Field(description="Your party's copy, if you received it.")
    recipients: list[Recipient]
    rendered: Rendering
    receipt: Receipt | None = Field(
        default=None,
        description="The ledger's signed proof of what this request recorded; keep it.",
    )


class MessageCopies(BaseModel):
    """A message sent to several parties: its copy to each, and the ledger's receipts for
    them all."""

    messages: list[MessageOut]
    receipts: list[Receipt]


class MessageList(BaseModel):
    messages: list[MessageOut]


class LineOut(BaseModel):
    line: Line
    figures: LineFigures


class EventOut(BaseModel):
    seq: int
    type: str
    time: datetime
    agreement_id: str
    payload: dict[str, Any]


class EventPage(BaseModel):
    events: list[EventOut]
    last_seq: int = Field(description="Pass as `since` to get what follows.")


class SuspendRequest(BaseModel):
    reason: Text = Field(min_length=1, max_length=2_000)


IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="The same key with the same request creates one record, once: printable "
        "ASCII, no spaces (a UUID is usual).",
    ),
]


def as_json(model: BaseModel, status_code: int = 200) -> Response:
    """The model's JSON, ready to send. FastAPI would validate and serialise a returned model
    again against the route's ``response_model``, a second pass that costs a busy line a good
    part of its time per message; the route keeps ``response_model`` for its documentation."""
    return Response(model.model_dump_json(), status_code, media_type="application/json")


def message_out(
    message: Message,
    reader: User,
    language: Language | None = None,
    receipts: list[Receipt] | None = None,
) -> MessageOut:
    """The message as ``reader`` may see it (``visibility.view``), field for field, and what is
    worked out for them beside it."""
    seen = visibility.view(message, reader.party)
    own = seen.recipient(reader.party)
    return MessageOut.model_validate(
        {
            **dict(seen),
            "to": [r.party for r in message.recipients],
            "created_dtg": dtg(seen.created_at),
            "state": own.state if own else None,
            "rendered": render(seen, language or reader.language),
            "receipt": receipts[0] if receipts else None,
        }
    )


def _for_mediator(payload: dict[str, Any]) -> dict[str, Any]:
    """A line event as a mediator reads it: the line's state, not why or by whom."""
    shown = {key: value for key, value in payload.items() if key != "user"}
    if "line" in payload:
        line = visibility.for_mediator(Line.model_validate(payload["line"]))
        shown["line"] = line.model_dump(mode="json")
    return shown


def present(events: list[Event], reader: User) -> tuple[list[EventOut], list[Message]]:
    """Events as the reader may see them, rendered for them, and the messages among them
    that these events hand to the reader's party (which makes them delivered)."""
    shown, arrived = [], []
    for event in events:
        payload = event.payload
        if "message" in payload:
            message = Message.model_validate(payload["message"])
            payload = {"message": message_out(message, reader).model_dump(mode="json")}
            own = message.recipient(reader.party)
            if own is not None and own.released_at is not None:
                arrived.append(message)
        elif reader.role is Role.MEDIATOR:
            payload = _for_mediator(payload)
        shown.append(
            EventOut(
                seq=event.seq,
                type=event.type,
                time=event.time,
                agreement_id=event.agreement_id,
                payload=payload,
            )
        )
    return shown, arrived


class PendingItemOut(PendingItem):
    message: MessageOut  # type: ignore[assignment]


class PendingList(BaseModel):
    items: list[PendingItemOut] = Field(description="Most urgent first, as the console shows.")
    total: int = Field(description="Items pending in all, however many the limit shows.")
    messages: int = Field(description="Messages pending in all, counting those folded.")


def pending_list(
    items: list[PendingItem], reader: User, limit: int, language: Language | None = None
) -> PendingList:
    shown = [
        PendingItemOut.model_validate(
            {**dict(item), "message": message_out(item.message, reader, language)}
        )
        for item in items[:limit]
    ]
    return PendingList(items=shown, total=len(items), messages=sum(i.count for i in items))
