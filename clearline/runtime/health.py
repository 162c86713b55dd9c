"""How the node's loops are doing: when each last finished a round and how long it took, so
that ``/readyz`` can tell a node whose watch has died (deadlines no longer escalate, nobody is
paged) from one that is only busy. ``/healthz`` stays liveness: the process answers."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

LOOPS = ("watch", "paging")
"""The loops a line cannot do without: deadlines, escalations and line checks; pages."""


@dataclass(frozen=True)
class Beat:
    at: float
    took_s: float


@dataclass
class Health:
    """Monotonic seconds from ``ticks``: a loop's rhythm is real time, whatever the line's
    clock says (a fixed clock in tests, a scaled one in the demo)."""

    ticks: Callable[[], float] = time.monotonic
    interval_s: float | None = None
    """Seconds between two rounds; None while the loops are not running."""
    started: float = 0.0
    beats: dict[str, Beat] = field(default_factory=dict)

    def start(self, interval_s: float) -> None:
        self.interval_s, self.started = interval_s, self.ticks()

    @contextmanager
    def round(self, loop: str) -> Iterator[None]:
        """One round of ``loop``: recorded when it finishes, not when it fails."""
        begun = self.ticks()
        yield
        ended = self.ticks()
        self.beats[loop] = Beat(ended, ended - begun)

    def age_s(self, loop: str) -> float:
        """Seconds since ``loop`` last finished a round (or since the loops started)."""
        beat = self.beats.get(loop)
        return self.ticks() - (beat.at if beat else self.started)

    def stalled(self) -> list[str]:
        """Each loop that has not finished a round for two of its periods (its interval and
        its last round's time), as a reason an operator can act on."""
        if self.interval_s is None:
            return []
        reasons = []
        for loop in LOOPS:
            beat = self.beats.get(loop)
            period = self.interval_s + (beat.took_s if beat else 0.0)
            age = self.age_s(loop)
            if age > 2 * period:
                reasons.append(
                    f"the {loop} has not finished a round for {age:.1f} s (every {period:.1f} s)"
                )
        return reasons
