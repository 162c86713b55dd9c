"""Conflicts: two parties' plans, forces or red lines closer than agreed, found before they meet."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from clearline.model.agreement import PartyCode
from clearline.model.zone import Severity


class ConflictSource(StrEnum):
    VOLUMES = "volumes"
    """Two parties' notice volumes closer than the separation minima."""
    ZONE = "zone"
    """A notice breaks a zone's rule."""
    POSITION = "position"
    """A strike, artillery or air-defence notice within the standoff of a declared position."""
    CROSSING = "crossing"
    """A volume crosses a deconfliction line without an approved crossing request."""


class ConflictState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    """Every party involved has acknowledged it; it still needs resolving or accepting."""
    RESOLVED = "resolved"
    """An amendment or cancellation removed it; the engine found that by itself."""
    ACCEPTED = "accepted"
    """A liaison officer accepted the risk, with a reason."""
    CLOSED = "closed"
    """Resolved or accepted, and its window has passed."""

    @property
    def standing(self) -> bool:
        """Still a danger someone must act on."""
        return self in (ConflictState.OPEN, ConflictState.ACKNOWLEDGED)


class Involved(BaseModel):
    """One side of a conflict: a notice, a zone or a declared position of a party."""

    model_config = ConfigDict(frozen=True)

    party: PartyCode | None = Field(description="None for a zone agreed by all.")
    notice_id: int | None = None
    notice_version: int | None = None
    zone_id: int | None = None
    position_id: int | None = None
    blind: bool = Field(default=False, description="A blind notice: its details are its party's.")


class Near(BaseModel):
    """One side's own part of a conflict: the region within its own volumes and the window
    within its own windows. It is all its party is shown when the other side is hidden from
    it, so that a blind notice's footprint, band and window cannot be traced from conflicts."""

    model_config = ConfigDict(frozen=True)

    region: dict[str, Any] = Field(description="GeoJSON, inside this side's own footprint.")
    window_start: datetime
    window_end: datetime


class Conflict(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    agreement_id: str
    source: ConflictSource
    parties: tuple[PartyCode, ...]
    a: Involved = Field(description="The notice that was found in conflict.")
    b: Involved = Field(description="What it conflicts with.")
    region: dict[str, Any] = Field(
        description="GeoJSON: where the two come within the separation minima; inside your own "
        "volumes only, where the other side is a blind notice of another party."
    )
    window_start: datetime
    window_end: datetime
    severity: Severity
    late_s: float = Field(description="The lateness of the notices involved, if any.")
    state: ConflictState
    acknowledged: dict[str, datetime] = Field(description="Party: when it acknowledged.")
    created_at: datetime
    updated_at: datetime
    resolution: str | None = None
    accepted_by: int | None = None
    protocol_version: int = Field(description="The protocol version whose minima found it.")
    amendment: int | None = Field(
        default=None,
        description="The protocol version whose taking effect opened it, or resolved it; "
        "None where a notice, zone or position did.",
    )
    alert_ids: tuple[int, ...] = ()
    starts_in_s: float | None = Field(
        default=None, description="From when this was read until the clash starts; 0 once begun."
    )
    near: dict[str, Near] | None = Field(
        default=None,
        exclude=True,
        description="Each side's own part, by side (a, b): on record, never shown as such.",
    )

    def seen_at(self, now: datetime) -> Conflict:
        starts_in = max(0.0, (self.window_start - now).total_seconds())
        return self.model_copy(update={"starts_in_s": starts_in})
