"""The one clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clearline.clock import FixedClock, ScaledClock


def test_a_fixed_clock_moves_only_when_told() -> None:
    clock = FixedClock(datetime(2026, 11, 22, 15, 30, tzinfo=UTC))
    assert clock.now() == clock.now()
    assert clock.advance(90) == datetime(2026, 11, 22, 15, 31, 30, tzinfo=UTC)


def test_a_fixed_clock_refuses_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2026, 11, 22, 15, 30))


def test_a_scaled_clock_runs_speed_times_faster_than_the_wall() -> None:
    wall = [100.0]
    start = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)
    clock = ScaledClock(start, speed=10, elapsed=lambda: wall[0])
    assert clock.now() == start
    wall[0] += 6
    assert clock.now() == start + timedelta(minutes=1)
