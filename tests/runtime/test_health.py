"""A loop is stalled once it has not finished a round for two of its periods; a round that
fails does not count; before the loops run, nothing is judged."""

from __future__ import annotations

import pytest

from clearline.runtime.health import Health


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_loop_that_keeps_finishing_rounds_is_not_stalled_and_one_that_stops_is() -> None:
    ticks = Ticks()
    health = Health(ticks)
    assert health.stalled() == []  # the loops are not running: nothing to judge
    health.start(1.0)
    for _ in range(5):
        with health.round("watch"):
            ticks.now += 0.5  # the watch's rounds take half a second: its period is 1.5 s
        with health.round("paging"):
            pass  # paging's take no time: its period is the interval, 1 s
        ticks.now += 1.0
    assert health.stalled() == []
    ticks.now += 1.0  # 2 s since the last rounds: two of paging's periods, not more
    assert health.stalled() == []
    ticks.now += 0.1
    assert health.stalled() == ["the paging has not finished a round for 2.1 s (every 1.0 s)"]
    ticks.now += 1.0
    assert health.stalled() == [
        "the watch has not finished a round for 3.1 s (every 1.5 s)",
        "the paging has not finished a round for 3.1 s (every 1.0 s)",
    ]


def test_a_round_that_fails_does_not_count() -> None:
    ticks = Ticks()
    health = Health(ticks)
    health.start(1.0)
    for _ in range(3):
        with pytest.raises(RuntimeError), health.round("watch"):
            ticks.now += 1.0
            raise RuntimeError("the store refused")
    with health.round("paging"):
        pass
    assert health.stalled() == ["the watch has not finished a round for 3.0 s (every 1.0 s)"]
    assert health.age_s("watch") == 3.0
