"""The level an operator is shown for one pair, step after step: DAIDALUS's M of N (2 of 4),
hysteresis (5 s) and persistence (4 s) on the raw level, and nothing of them with ``raw()``."""

from __future__ import annotations

from collections.abc import Sequence

from clearline.model.wellclear import WellClear
from clearline.services.tactical.alerting import NONE_YET, AlertFilter

PHASE_ONE = WellClear()  # 2 of 4, hysteresis 5 s, persistence 4 s


def shown(
    raw: Sequence[int], times: Sequence[float] | None = None, wc: WellClear = PHASE_ONE
) -> list[int]:
    """The levels shown for raw levels at 1 Hz (or at ``times``)."""
    alert_filter = AlertFilter(wc)
    steps = times if times is not None else range(len(raw))
    return [alert_filter.step(level, float(t)) for level, t in zip(raw, steps, strict=True)]


def test_raw_mode_shows_every_raw_level_as_it_is() -> None:
    raw = [0, 3, 0, 2, 2, 1, 0, 3, 1]
    assert shown(raw, wc=PHASE_ONE.raw()) == raw


def test_the_first_step_shows_its_level_at_once() -> None:
    """A fresh history holds the first raw level M times."""
    assert shown([2]) == [2]


def test_a_level_shows_once_two_of_the_last_four_steps_reached_it() -> None:
    assert shown([0, 0, 0, 2, 0, 0, 0]) == [0, 0, 0, 0, 0, 0, 0]
    assert shown([0, 0, 0, 2, 2, 0]) == [0, 0, 0, 0, 2, 2]


def test_a_level_counts_for_every_level_below_it() -> None:
    assert shown([0, 0, 0, 3, 1, 0]) == [0, 0, 0, 0, 1, 1]


def test_a_raised_level_is_held_four_seconds_before_it_drops() -> None:
    """Raised at 3 s; M of N alone would drop it at 6 s; persistence holds it until 7 s."""
    assert shown([0, 0, 3, 3, 0, 0, 0, 0]) == [0, 0, 0, 3, 3, 3, 3, 0]


def test_a_gap_longer_than_the_hysteresis_time_starts_afresh() -> None:
    """After 6 s without a step the history is gone: no M of N, no persistence."""
    assert shown([3, 3, 0, 0], times=[0, 1, 7, 8]) == [3, 3, 0, 0]
    assert shown([0, 0, 2], times=[0, 1, 6]) == [0, 0, 0]  # 5 s is not longer than 5 s


def test_a_step_back_in_time_starts_afresh() -> None:
    assert shown([3, 3, 0], times=[10, 11, 11]) == [3, 3, 0]


def test_shown_is_the_last_level_and_shown_before_only_looks_back() -> None:
    alert_filter = AlertFilter(PHASE_ONE)
    assert alert_filter.shown == NONE_YET
    assert alert_filter.shown_before(0.0) == NONE_YET
    alert_filter.step(2, 0.0)
    assert alert_filter.shown == 2
    assert alert_filter.shown_before(1.0) == 2
    assert alert_filter.shown_before(0.0) == NONE_YET
