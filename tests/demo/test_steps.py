"""A step and what it sends: times in a file count from the start of play."""

from __future__ import annotations

from clearline.clock import FixedClock
from clearline.demo import steps


def test_times_in_a_file_count_from_the_start_of_play() -> None:
    start = FixedClock(steps.REFERENCE).now()
    converted = steps.absolute({"start_s": 60, "body": {"until_s": 3600}, "tau_s": 5}, start)
    assert converted == {
        "start": "2000-01-01T00:01:00+00:00",
        "body": {"until": "2000-01-01T01:00:00+00:00"},
        "tau_s": 5,
    }
