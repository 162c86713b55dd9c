"""Escalation: an unacknowledged message climbs the receiving party's ladder, on the clock."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.model.user import Role, User
from tests.conftest import warning
from tests.support.helpers import acknowledge, events_of, reload, run_deadlines, send


def test_nothing_happens_before_the_deadline(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    message = send(engine, users["tr-duty-officer"], clock)
    clock.advance(119)
    assert run_deadlines(engine, clock) == 0
    assert reload(engine, message).recipients[0].escalation_level == 0


def test_a_flash_message_escalates_to_the_watch_commander_after_two_minutes(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    message = send(engine, users["tr-duty-officer"], clock)
    clock.advance(120)
    assert run_deadlines(engine, clock) == 1
    (copy,) = reload(engine, message).recipients
    assert (copy.escalation_level, copy.escalated_to, copy.overdue) == (
        1,
        Role.WATCH_COMMANDER,
        True,
    )
    (told,) = events_of(engine, "TR", "message.escalated")
    assert told.payload["summary"] == "not acknowledged after 2 min, escalated to watch commander"
    assert told.time == clock.now()
    assert events_of(engine, "IL", "message.escalated") == [told]


def test_the_ladder_ends_with_the_liaison_officer_then_stays_overdue(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    message = send(engine, users["tr-duty-officer"], clock)
    for _ in range(3):
        clock.advance(120)
        run_deadlines(engine, clock)
    (copy,) = reload(engine, message).recipients
    assert copy.escalated_to is Role.LIAISON_OFFICER
    assert copy.overdue and copy.due_at is None
    (exhausted,) = events_of(engine, "TR", "message.overdue")
    assert "ladder is exhausted" in exhausted.payload["summary"]
    clock.advance(3_600)
    assert run_deadlines(engine, clock) == 0


def test_a_watch_that_was_down_catches_up_step_by_step(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    send(engine, users["tr-duty-officer"], clock, warning(precedence="IMMEDIATE"))
    clock.advance(10_000)
    assert run_deadlines(engine, clock) == 3
    assert [e.payload["role"] for e in events_of(engine, "IL") if "role" in e.payload] == [
        "watch_commander",
        "liaison_officer",
        "liaison_officer",
    ]


def test_acknowledgement_stops_the_escalation(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    message = send(engine, users["tr-duty-officer"], clock)
    clock.advance(130)
    run_deadlines(engine, clock)
    acknowledge(engine, users["il-watch-commander"], message, clock)
    clock.advance(3_600)
    assert run_deadlines(engine, clock) == 0
    (copy,) = reload(engine, message).recipients
    assert copy.state == "acknowledged"
    assert copy.escalation_level == 1


def test_deadlines_follow_the_precedence(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    routine = send(engine, users["tr-duty-officer"], clock, warning(precedence="ROUTINE"))
    assert reload(engine, routine).recipients[0].due_at == clock.now().replace(hour=21)
