"""What the API returns of a message is the message as its reader may see it, field for field,
and beside it only what is worked out for that reader."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from clearline.api.schemas import MessageOut, message_out
from clearline.clock import FixedClock
from clearline.model.message import Message
from clearline.model.user import User
from clearline.services.line import visibility
from tests.support.helpers import send

WORKED_OUT = {"to", "created_dtg", "state", "rendered", "receipt"}


def test_a_message_out_has_every_field_of_a_message_and_only_what_is_worked_out() -> None:
    assert set(MessageOut.model_fields) == set(Message.model_fields) | WORKED_OUT


def test_a_message_out_carries_the_message_as_its_reader_sees_it(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    sent = send(engine, users["tr-duty-officer"], clock)
    reader = users["il-duty-officer"]
    out = message_out(sent, reader)
    shown = out.model_dump(mode="json", include=set(Message.model_fields))
    assert shown == visibility.view(sent, reader.party).model_dump(mode="json")
    assert (out.to, out.state) == (["IL"], "sent")
