"""The one clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clearline.clock import FixedClock


def test_a_fixed_clock_moves_only_when_told() -> None:
    clock = FixedClock(datetime(2026, 11, 22, 15, 30, tzinfo=UTC))
    assert clock.now() == clock.now()
    assert clock.advance(90) == datetime(2026, 11, 22, 15, 31, 30, tzinfo=UTC)


def test_a_fixed_clock_refuses_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2026, 11, 22, 15, 30))
