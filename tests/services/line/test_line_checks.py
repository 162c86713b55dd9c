"""Line checks: the line tests itself at the protocol interval and records who answered when."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.model.message import Message, MessageType, Precedence
from clearline.model.user import User
from clearline.services.line import figures, line_checks, lines
from clearline.store import agreements as agreement_store
from clearline.store.writer import run_now
from tests.support.helpers import acknowledge, events_of, reload, run_deadlines


def _send_due(engine: Engine, clock: FixedClock) -> list[Message]:
    return run_now(engine, lambda c: line_checks.send_due(c, clock.now()))


def test_the_first_check_goes_out_one_interval_after_the_line_opens(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    clock.advance(3_599)
    assert _send_due(engine, clock) == []
    clock.advance(1)
    (check,) = _send_due(engine, clock)
    assert check.type is MessageType.LINE_CHECK
    assert check.precedence is Precedence.FLASH
    assert check.sender_party is None
    assert sorted(r.party for r in check.recipients) == ["IL", "TR"]
    assert _send_due(engine, clock) == []
    clock.advance(3_600)
    assert len(_send_due(engine, clock)) == 1


def test_an_acknowledged_check_records_the_answer_time_for_both_sides_and_the_mediator(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    clock.advance(3_600)
    (check,) = _send_due(engine, clock)
    clock.advance(37)
    acknowledge(engine, users["il-duty-officer"], check, clock)
    (answered,) = events_of(engine, "AZ", "line_check.answered")
    assert answered.payload["answer_s"] == 37
    assert answered.payload["party"] == "IL"
    assert set(answered.audience) == {"IL", "TR", "AZ"}


def test_a_missed_check_raises_a_flash_alert_to_both_sides(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    clock.advance(3_600)
    (check,) = _send_due(engine, clock)
    acknowledge(engine, users["il-duty-officer"], check, clock)
    clock.advance(120)
    run_deadlines(engine, clock)
    (alert,) = [
        e.payload["message"]
        for e in events_of(engine, "IL", "message.sent")
        if e.payload["message"]["type"] == "line_check_missed"
    ]
    assert alert["precedence"] == "FLASH"
    assert alert["body"] == {"line_check_id": check.id, "parties": ["TR"]}
    assert sorted(r["party"] for r in alert["recipients"]) == ["IL", "TR"]
    tr_copy = reload(engine, check).recipient("TR")
    assert tr_copy is not None and tr_copy.overdue


def test_the_figures_show_each_check_with_its_answer_time_or_miss(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    clock.advance(3_600)
    (check,) = _send_due(engine, clock)
    clock.advance(10)
    acknowledge(engine, users["tr-duty-officer"], check, clock)
    clock.advance(200)
    run_deadlines(engine, clock)
    (line,) = run_now(engine, lambda c: agreement_store.lines_of(c, "IL"))
    results = run_now(engine, lambda c: figures.for_line(c, line)).line_checks
    by_party = {r.party: r for r in results}
    assert by_party["TR"].answer_s == 10 and not by_party["TR"].missed
    assert by_party["IL"].answer_s is None and by_party["IL"].missed


def test_a_suspended_line_is_not_checked(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    run_now(
        engine,
        lambda c: lines.suspend(c, users["il-liaison-officer"], "TR", "talks", clock.now()),
    )
    clock.advance(7_200)
    assert _send_due(engine, clock) == []


def test_a_new_check_supersedes_one_still_open_and_records_it_missed(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    clock.advance(3_600)
    (first,) = _send_due(engine, clock)
    acknowledge(engine, users["tr-duty-officer"], first, clock)
    clock.advance(3_600)  # no watch ran at the deadline: the first check is still open for IL
    (second,) = _send_due(engine, clock)
    il, tr = reload(engine, first).recipients
    assert (il.overdue, il.due_at, il.acknowledged_at) == (True, None, None)
    assert tr.acknowledged_at is not None and not tr.overdue
    (alert,) = [
        e.payload["message"]
        for e in events_of(engine, "IL", "message.sent")
        if e.payload["message"]["type"] == "line_check_missed"
    ]
    assert alert["body"] == {"line_check_id": first.id, "parties": ["IL"]}
    assert run_deadlines(engine, clock) == 0  # nothing of the first is due any more
    assert second.id > alert["id"]
