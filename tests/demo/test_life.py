"""The simulated shift: three days of the demo line, played on a fixed clock, stay realistic
(line checks answered, queues short, FLASH answered within its deadline, the mediator's figures
steady from day 1 to day 3), and the same seed plays the same three days."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Connection

from clearline import demo
from clearline.demo.life import HABITS, Habit
from clearline.model.message import Precedence
from clearline.model.protocol import Protocol
from clearline.services.line import figures
from clearline.services.line.figures import LineFigures
from clearline.store import agreements as agreement_store
from tests.support.shift import pending, play_demo

DAYS = 3
MAX_PENDING = 10
FLASH_DEADLINE_S = Protocol().deadline_s(Precedence.FLASH)


@dataclass(frozen=True)
class Hour:
    """What the line looked like at the end of one hour of demo time."""

    pending: dict[str, int]
    figures: LineFigures


def look(connection: Connection) -> Hour:
    (line,) = agreement_store.lines_of_agreements(connection, [demo.AGREEMENT_ID])
    return Hour(
        pending={party: pending(connection, party) for party in ("IL", "TR")},
        figures=figures.for_line(connection, line, recent_checks=1_000),
    )


@pytest.fixture(scope="module")
def three_days(tmp_path_factory: pytest.TempPathFactory) -> list[Hour]:
    return play_demo(tmp_path_factory.mktemp("life") / "demo.db", DAYS * 24, 0, look)


def answered_in_time(hour: Hour, since_h: int = 0) -> float:
    """The share of line checks answered within the deadline, of those sent after ``since_h``."""
    checks = hour.figures.line_checks[2 * since_h :]
    return sum(c.answer_s is not None and not c.missed for c in checks) / len(checks)


@pytest.mark.slow
def test_more_than_nine_line_checks_in_ten_are_answered(three_days: list[Hour]) -> None:
    last = three_days[-1]
    assert len(last.figures.line_checks) >= 2 * (DAYS * 24 - 1), "one an hour to each party"
    assert answered_in_time(last) > 0.9


@pytest.mark.slow
def test_no_party_ever_has_more_than_ten_items_pending(three_days: list[Hour]) -> None:
    most = max(count for hour in three_days for count in hour.pending.values())
    assert most <= MAX_PENDING


@pytest.mark.slow
def test_the_median_flash_answer_is_within_the_flash_deadline(three_days: list[Hour]) -> None:
    assert three_days[-1].figures.median_answer_s["FLASH"] <= FLASH_DEADLINE_S


@pytest.mark.slow
def test_the_mediator_figures_do_not_decay_from_day_one_to_day_three(
    three_days: list[Hour],
) -> None:
    day_one, day_three = three_days[23], three_days[-1]
    in_time = (answered_in_time(day_one), answered_in_time(day_three, since_h=48))
    # A day holds 46 to 48 line checks, so one check is two points of the share, and the
    # habits' draws are keyed by message id: a scenario step more moves every later draw.
    # With the packaged scenario's Il-20 case, day three misses 7 (late, at 150 to 300 s)
    # where it missed 5 without it. The bounds leave that noise and catch a real decay.
    assert min(in_time) > 0.8 and in_time[1] >= in_time[0] - 0.15, in_time
    flash = [day.figures.median_answer_s["FLASH"] for day in (day_one, day_three)]
    assert flash[1] <= 1.25 * flash[0], flash
    total = day_three.figures.acknowledged + day_three.figures.unacknowledged
    added = total - day_one.figures.acknowledged - day_one.figures.unacknowledged
    assert added > 0, "the line keeps carrying traffic"
    left_unanswered = day_three.figures.unacknowledged - day_one.figures.unacknowledged
    assert left_unanswered <= 0.1 * added


@pytest.mark.slow
def test_the_shift_keeps_the_theatre_busy(three_days: list[Hour]) -> None:
    by_type = three_days[-1].figures.messages_by_type
    assert by_type.get("conflict_alert", 0) >= 10, by_type
    assert by_type.get("track_alert", 0) >= 2, by_type


@pytest.mark.slow
def test_a_run_with_the_same_seed_is_reproducible(tmp_path: Path) -> None:
    def run(seed: int, name: str) -> list[str]:
        return [h.figures.model_dump_json() for h in play_demo(tmp_path / name, 4, seed, look)]

    first = run(0, "first.db")
    assert run(0, "again.db") == first
    assert run(1, "other.db") != first


@pytest.mark.parametrize("precedence", list(Precedence))
def test_a_habit_answers_most_in_time_some_late_and_misses_a_few(precedence: Precedence) -> None:
    habit: Habit = HABITS[precedence]
    rng = random.Random(0)
    deadline_s = Protocol().deadline_s(precedence)
    delays = [habit.delay_s(rng, deadline_s) for _ in range(10_000)]
    in_time = sum(d is not None and d <= deadline_s for d in delays) / len(delays)
    missed = sum(d is None for d in delays) / len(delays)
    assert in_time == pytest.approx(habit.on_time, abs=0.02)
    assert missed == pytest.approx(1 - habit.on_time - habit.late, abs=0.02)
