"""Lines at the service level: a suspension on the record, held traffic, who restores."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.model.errors import ClearlineError, ErrorKind
from clearline.model.line import LineState
from clearline.model.message import DeliveryState
from clearline.model.user import User
from clearline.services.line import lines
from clearline.store.writer import run_now
from tests.support.helpers import events_of, reload, run_deadlines, send


def _suspend(engine: Engine, users: dict[str, User], clock: FixedClock) -> None:
    run_now(
        engine,
        lambda c: lines.suspend(c, users["tr-liaison-officer"], "IL", "consultations", clock.now()),
    )


def test_a_suspension_is_on_the_record_with_who_and_why(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    _suspend(engine, users, clock)
    (event,) = events_of(engine, "AZ", "line.suspended")
    assert event.payload["line"]["state"] == LineState.SUSPENDED
    assert event.payload["line"]["reason"] == "consultations"
    assert event.payload["line"]["changed_by"] == users["tr-liaison-officer"].id


def test_while_suspended_messages_are_taken_held_and_never_escalate(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    _suspend(engine, users, clock)
    message = send(engine, users["il-duty-officer"], clock)
    assert message.line_suspended
    (copy,) = message.recipients
    assert copy.state is DeliveryState.HELD and copy.due_at is None
    assert events_of(engine, "TR", "message.sent") == []
    clock.advance(3_600)
    assert run_deadlines(engine, clock) == 0


def test_restoring_releases_held_messages_with_a_fresh_deadline(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    _suspend(engine, users, clock)
    message = send(engine, users["il-duty-officer"], clock)
    clock.advance(600)
    line = run_now(
        engine, lambda c: lines.restore(c, users["tr-liaison-officer"], "IL", clock.now())
    )
    assert line.state is LineState.RESTORED
    (copy,) = reload(engine, message).recipients
    assert copy.state is DeliveryState.SENT
    assert copy.released_at == clock.now()
    assert copy.due_at == clock.now() + timedelta(seconds=120)
    (released,) = events_of(engine, "TR", "message.released")
    assert released.payload["message"]["id"] == message.id


def test_only_the_suspending_party_restores(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    _suspend(engine, users, clock)
    with pytest.raises(ClearlineError) as refused:
        run_now(engine, lambda c: lines.restore(c, users["il-liaison-officer"], "TR", clock.now()))
    assert refused.value.kind is ErrorKind.FORBIDDEN
