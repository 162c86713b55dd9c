"""What an operator is shown for one pair of aircraft, step after step: the raw alert level
filtered as DAIDALUS v2 filters it (its ``HysteresisData``), so that a level neither flickers
on for one noisy step nor drops out between two steps of the same encounter.

- M of N: a level shows once M of the last N raw levels reached it (a level counts for every
  level below it too).
- Hysteresis: a gap longer than ``hysteresis_s`` since the last step (or a step back in time)
  forgets the history, and the first step after it counts M times.
- Persistence: a level raised is held at least ``persistence_s`` before it may drop.

With ``WellClear.raw()`` (1 of 1, no hysteresis, no persistence) the shown level is the raw one.
"""

from __future__ import annotations

import math
from collections import deque

from clearline.model.wellclear import WellClear

NONE_YET = -1
"""The level of a pair with no valid step yet (DAIDALUS's -1)."""


class AlertFilter:
    """The alerting filter of one pair; ``step`` it once per time step with the raw level."""

    def __init__(self, well_clear: WellClear) -> None:
        self._m = well_clear.m
        self._n = well_clear.n
        self._hysteresis_s = well_clear.hysteresis_s
        self._persistence_s = well_clear.persistence_s
        self._window: deque[int] = deque(maxlen=self._n)
        self._raised_at = math.nan
        self._last_time = math.nan
        self._shown = NONE_YET

    @property
    def shown(self) -> int:
        """The level shown at the last step, ``NONE_YET`` before the first."""
        return self._shown

    def shown_before(self, time_s: float) -> int:
        """The level shown at a step strictly before ``time_s`` (else ``NONE_YET``): the level
        whose early alerting time applies when the raw level at ``time_s`` is worked out."""
        return self._shown if self._last_time < time_s else NONE_YET

    def step(self, raw_level: int, time_s: float) -> int:
        """Take the raw level at ``time_s`` and return the level to show."""
        if not time_s - self._last_time <= self._hysteresis_s or time_s <= self._last_time:
            self._reset(raw_level)
        self._window.append(raw_level)
        filtered = self._m_of_n()
        if raw_level < 0:
            self._shown, self._raised_at = raw_level, math.nan
        elif not self._held(filtered, time_s):
            if filtered > 0 and self._shown < filtered:
                self._raised_at = time_s
            self._shown = max(0, filtered)
        self._last_time = time_s
        return self._shown

    def _reset(self, raw_level: int) -> None:
        self._window = deque(
            (raw_level if i < self._m else NONE_YET for i in range(self._n)), maxlen=self._n
        )
        self._raised_at = math.nan
        self._last_time = math.nan
        self._shown = NONE_YET

    def _m_of_n(self) -> int:
        """The highest level at least M of the last N raw levels reached, -1 if none."""
        for level in range(max(self._window), -1, -1):
            if sum(value >= level for value in self._window) >= self._m:
                return level
        return NONE_YET

    def _held(self, filtered: int, time_s: float) -> bool:
        """Persistence: a drop from a level raised less than ``persistence_s`` ago waits."""
        return (
            self._shown > 0
            and filtered < self._shown
            and self._raised_at <= time_s
            and time_s - self._raised_at < self._persistence_s
        )
