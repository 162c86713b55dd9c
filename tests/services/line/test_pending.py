"""The pending queue: folded, not stacked, and most urgent first (precedence, then deadline,
one already passed first)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.model.pending import PendingKind
from clearline.model.user import User
from clearline.services.line import line_checks, pending
from clearline.store.writer import run_now
from tests.conftest import warning
from tests.support.helpers import run_deadlines, send


def _queue(engine: Engine, party: str) -> list[tuple[PendingKind, int]]:
    items = run_now(engine, lambda c: pending.queue(c, party))
    return [(item.kind, item.message.id) for item in items]


def test_an_overdue_flash_comes_before_a_fresh_one_and_both_before_routine(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    tr = users["tr-duty-officer"]
    routine = send(engine, tr, clock, warning(precedence="ROUTINE"))
    late = send(engine, tr, clock)
    clock.advance(120)
    run_deadlines(engine, clock)  # the first FLASH escalates: its deadline has passed
    fresh = send(engine, tr, clock)
    assert _queue(engine, "IL") == [
        (PendingKind.MESSAGE, late.id),
        (PendingKind.MESSAGE, fresh.id),
        (PendingKind.MESSAGE, routine.id),
    ]
    assert _queue(engine, "TR") == []


def test_hours_of_silence_are_one_check_and_one_fold(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    for _ in range(4):
        clock.advance(3_600)
        run_now(engine, lambda c: line_checks.send_due(c, clock.now()))
        clock.advance(120)
        run_deadlines(engine, clock)
    items = run_now(engine, lambda c: pending.queue(c, "TR"))
    assert sorted((i.kind, i.count) for i in items) == [
        (PendingKind.LINE_CHECK, 1),
        (PendingKind.LINE_CHECK_MISSED, 4),
    ]
    (fold,) = [i for i in items if i.kind is PendingKind.LINE_CHECK_MISSED]
    assert fold.message_ids == sorted(fold.message_ids) and fold.message.id == fold.message_ids[-1]
    assert fold.overdue and fold.last_at > fold.first_at
