"""Messages at the service level: who may acknowledge, and what a reply answers."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.model.errors import ClearlineError, ErrorKind
from clearline.model.message import DeliveryState
from clearline.model.user import User
from clearline.services.line import messages
from clearline.store.writer import run_now
from tests.support.helpers import acknowledge, events_of, reload, send


def test_a_system_account_cannot_acknowledge(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    message = send(engine, users["tr-duty-officer"], clock)
    with pytest.raises(ClearlineError) as refused:
        acknowledge(engine, users["il-system"], message, clock)
    assert (refused.value.kind, refused.value.field) == (ErrorKind.FORBIDDEN, "role")


def test_acknowledging_twice_records_the_first_time_only(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    message = send(engine, users["tr-duty-officer"], clock)
    first = clock.now()
    run_now(engine, lambda c: messages.acknowledge(c, users["il-duty-officer"], message.id, first))
    clock.advance(5)
    acknowledge(engine, users["il-watch-commander"], message, clock)
    (copy,) = reload(engine, message).recipients
    assert copy.acknowledged_at == first
    assert copy.acknowledged_by == users["il-duty-officer"].id
    assert len(events_of(engine, "TR", "message.acknowledged")) == 1


def test_a_system_reply_answers_but_does_not_acknowledge(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    request = {
        "to": "IL",
        "type": "request",
        "precedence": "PRIORITY",
        "body": {"action": "hold_fire", "location": {"lat": 33.3, "lon": 36.2}, "radius_m": 5000},
    }
    asked = send(engine, users["tr-duty-officer"], clock, request)
    reply = {
        "to": "TR",
        "type": "request_reply",
        "precedence": "PRIORITY",
        "body": {"answer": "will_comply"},
        "in_reply_to": asked.id,
    }
    send(engine, users["il-system"], clock, reply)
    (copy,) = reload(engine, asked).recipients
    assert copy.state is DeliveryState.ANSWERED
    assert copy.acknowledged_at is None
