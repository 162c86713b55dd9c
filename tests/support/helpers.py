"""Driving the services directly, on the fixed clock, inside one durable transaction each."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.model.event import Event
from clearline.model.message import Message
from clearline.model.user import User
from clearline.services.line import deadlines, messages
from clearline.services.line.messages import SendRequest
from clearline.store import events as event_store
from clearline.store import messages as message_store
from clearline.store.writer import run_now
from tests.conftest import warning


def send(
    engine: Engine, sender: User, clock: FixedClock, request: dict[str, Any] | None = None
) -> Message:
    request = request or warning(to="IL" if sender.party == "TR" else "TR")
    message, _ = run_now(
        engine,
        lambda c: messages.send(c, sender, SendRequest(**request), clock.now(), uuid.uuid4().hex),
    )
    return message


def reload(engine: Engine, message: Message) -> Message:
    found = run_now(engine, lambda c: message_store.get(c, message.id))
    assert found is not None
    return found


def run_deadlines(engine: Engine, clock: FixedClock) -> int:
    return run_now(engine, lambda c: deadlines.run(c, clock.now()))


def events_of(engine: Engine, party: str, type: str | None = None) -> list[Event]:
    found = run_now(engine, lambda c: event_store.since(c, party, 0, 10_000))
    return [e for e in found if type is None or e.type == type]


def acknowledge(engine: Engine, user: User, message: Message, clock: FixedClock) -> Message:
    """``user`` acknowledges ``message`` now, on the fixed clock."""
    return run_now(engine, lambda c: messages.acknowledge(c, user, message.id, clock.now()))
