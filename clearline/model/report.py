"""The figures of a round of talks, as one viewer may see them.

A figure is computed from items (messages, notices, conflicts...), each of which some parties
may already see on the line. A figure that rests on one or two items the viewer may not see
would let it single those out, so it is shown as ``fewer than 3`` instead: ``Cell`` decides
that, in one place, and everything a report shows has passed through it.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

FEWER_THAN_3 = "fewer than 3"
SMALLEST_SHOWN = 3
"""Items hidden from a viewer that a figure may rest on, at the least (none is fine too)."""

Value = int | float | list[float] | list[tuple[str, float]] | None
"""What a figure holds: a count, a statistic (None where it has no items) or a series."""
Shown = int | float | str | None
"""A count or statistic as a viewer sees it: the number, or ``FEWER_THAN_3``."""


class Cell(BaseModel):
    """A figure, and how many of the items it was computed from each party may see."""

    model_config = ConfigDict(frozen=True)

    value: Value
    items: int
    seen_by: dict[str, int] = Field(default_factory=dict)

    def hidden_from(self, party: str | None) -> int:
        """Items ``party`` may not see; every item for a mediator (``None``)."""
        return self.items - (self.seen_by.get(party, 0) if party else 0)

    def shown_to(self, party: str | None) -> Value | str:
        """The value, unless it rests on one or two items hidden from ``party``."""
        if 0 < self.hidden_from(party) < SMALLEST_SHOWN:
            return FEWER_THAN_3
        return self.value


class Timing(BaseModel):
    """Durations (seconds) against a deadline: how fast, and how often in time."""

    count: Shown
    median_s: Shown
    p90_s: Shown
    max_s: Shown
    within_deadline: Shown = Field(description="Share (0 to 1) in time; None without deadline.")
    deadlines_s: list[int] = Field(description="The deadlines in force for these items.")
    samples_s: list[float] | str = Field(description="The durations, for plots; or hidden.")


class LineChecks(BaseModel):
    sent: Shown
    answered: Shown
    missed: Shown
    answer: Timing
    over_time: list[tuple[str, float]] | str = Field(
        description="(sent at, answer seconds) per answered check, for plots; or hidden."
    )


class Suspensions(BaseModel):
    count: Shown
    total_s: Shown = Field(description="Seconds suspended, up to restoration or the window's end.")
    longest_s: Shown


class Section(BaseModel):
    """The same figures, over every item the report covers or over one party's own."""

    messages: Shown
    messages_by_type: dict[str, Shown]
    messages_by_precedence: dict[str, Shown]
    acknowledgement: dict[str, Timing] = Field(description="By precedence.")
    answer: dict[str, Timing] = Field(description="By precedence, where an answer came.")
    escalations_by_level: dict[str, Shown] = Field(description="Highest level reached.")
    line_checks: LineChecks
    notices: Shown
    notices_by_kind: dict[str, Shown]
    late_notices: Shown = Field(description="Whose first version came after its lead time.")
    late_notices_by_kind: dict[str, Shown]
    conflicts: Shown
    conflicts_by_source: dict[str, Shown]
    conflicts_by_severity: dict[str, Shown]
    conflicts_by_state: dict[str, Shown]
    resolution: Timing = Field(description="Opened to resolved or closed.")
    encounters_by_level: dict[str, Shown] = Field(description="Highest alert level reached.")
    suspensions: Suspensions
    incidents_by_kind: dict[str, Shown] = Field(description="Incidents filed in the window.")
    incidents_by_state: dict[str, Shown] = Field(description="Where their review stands now.")
    weekly_messages: dict[str, Shown] = Field(description="By ISO week, e.g. 2026-W47.")
    weekly_conflicts: dict[str, Shown]


class ProtocolInForce(BaseModel):
    version: int
    effective_at: datetime


class RoundFigures(BaseModel):
    """A round's figures for one viewer: the whole, and a party's own detail (None for a
    mediator). Figures only: no text, names or geometry of anybody's items."""

    agreement_id: str
    start: datetime
    end: datetime
    viewer_party: str
    mediator: bool
    protocols: list[ProtocolInForce]
    aggregate: Section
    own: Section | None
