"""The one clock of the line.

Every time the line records comes from an injected ``Clock`` so that tests and simulations run
on fixed or accelerated time and produce the same record every run. Nothing else in the package
reads the system time. This module sits below every layer and imports nothing of Clearline.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    speed: float
    """How many seconds of the line's time pass in a second of real time (0: only when told)."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    """Wall-clock time, used by a real server."""

    speed = 1.0

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """Time that moves only when told to: tests and step-by-step simulations."""

    speed = 0.0

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> datetime:
        self._now += timedelta(seconds=seconds)
        return self._now


class ScaledClock:
    """Time that runs ``speed`` times faster than the wall clock from ``start``: a demo plays
    an hour of a theatre in six minutes at 10x, and every deadline runs on the same time."""

    def __init__(
        self,
        start: datetime,
        speed: float,
        elapsed: Callable[[], float] = time.monotonic,
    ) -> None:
        if start.tzinfo is None:
            raise ValueError("ScaledClock needs a timezone-aware start time")
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.start = start.astimezone(UTC)
        self.speed = speed
        self._elapsed = elapsed
        self._origin = elapsed()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(self._elapsed() - self._origin) * self.speed)
