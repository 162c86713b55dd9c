"""Tracks: live position reports of a party's assets, or sensor tracks of unknown objects, and
the encounters tactical alerting predicts between them."""

from __future__ import annotations

import math
from datetime import datetime
from enum import StrEnum
from typing import Self

from pydantic import AliasChoices, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from clearline.model.agreement import PartyCode
from clearline.model.message import Against, ObjectKind, Point
from clearline.model.volume import MAX_ALTITUDE_FT, MIN_ALTITUDE_FT


def _default_max_speed_kt() -> dict[ObjectKind, float]:
    return {
        ObjectKind.FIXED_WING: 1_600,
        ObjectKind.ROTARY: 250,
        ObjectKind.UAV: 600,
        ObjectKind.GROUND_UNIT: 100,
        ObjectKind.UNKNOWN_OBJECT: 2_500,
    }


class TrackRules(BaseModel):
    """What the line accepts as a track report and how it treats unknown objects."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stale_s: float = Field(default=30, gt=0, description="Reports older than this are refused.")
    ahead_s: float = Field(
        default=5, ge=0, description="Reports this far ahead of the line's clock are accepted."
    )
    lost_after_s: float = Field(
        default=60, gt=0, description="A track not reported for this long leaves the picture."
    )
    max_speed_kt: dict[ObjectKind, float] = Field(default_factory=_default_max_speed_kt)
    max_vertical_rate_fpm: float = Field(default=60_000, gt=0)
    unknown_query_radius_m: float = Field(
        default=20_000,
        gt=0,
        description="An unknown object this close to a party's forces raises an "
        "identification query to every other party.",
    )

    @model_validator(mode="after")
    def _every_kind_has_a_speed(self) -> Self:
        missing = set(ObjectKind) - set(self.max_speed_kt)
        if missing:
            raise ValueError(f"max_speed_kt lacks {sorted(missing)}")
        return self


class TrackStatus(StrEnum):
    """Whose a track is, as the line knows it."""

    OWN = "own"
    """Reported by its owner."""
    UNKNOWN = "unknown"
    """A sensor track nobody has claimed yet."""
    ATTRIBUTED = "attributed"
    """An unknown object a party answered "ours" or "partner force" to."""
    HOSTILE_UNKNOWN = "hostile_unknown"
    """Every other party answered "not ours": hostile-unknown for the party that asked."""


class TrackReport(BaseModel):
    """One report as a command system sends it. Velocity as ground speed and track angle, or
    as east and north components; vertical rate either way. NaN and infinities are refused:
    they pass every range check (no comparison with NaN is true) and would reach the picture."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    track_id: str = Field(min_length=1, max_length=64, pattern=r"^[\w.:/-]+$")
    kind: ObjectKind
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    alt_ft: float = Field(ge=MIN_ALTITUDE_FT, le=MAX_ALTITUDE_FT)
    ground_speed_kt: float | None = Field(default=None, ge=0)
    track_deg: float | None = Field(default=None, ge=0, lt=360)
    east_kt: float | None = None
    north_kt: float | None = None
    vertical_rate_fpm: float = 0
    time: AwareDatetime
    accuracy_m: float | None = Field(default=None, gt=0, le=100_000)
    share_with: list[PartyCode] | None = Field(
        default=None,
        description="Parties that see this track on their map; absent: every party of the "
        "agreement; empty: blind (only the line sees it, the others only its alerts).",
    )
    coarse: bool = Field(
        default=False, description="Others see its position snapped to the protocol's precision."
    )

    @model_validator(mode="after")
    def _one_velocity(self) -> Self:
        polar = (self.ground_speed_kt, self.track_deg)
        cartesian = (self.east_kt, self.north_kt)
        if None in polar and None in cartesian:
            raise ValueError(
                "velocity: give ground_speed_kt and track_deg, or east_kt and north_kt"
            )
        if None not in polar and None not in cartesian:
            raise ValueError("velocity: give polar or east/north components, not both")
        return self

    @property
    def east_north_kt(self) -> tuple[float, float]:
        if self.east_kt is not None and self.north_kt is not None:
            return self.east_kt, self.north_kt
        assert self.ground_speed_kt is not None and self.track_deg is not None
        angle = math.radians(self.track_deg)
        return self.ground_speed_kt * math.sin(angle), self.ground_speed_kt * math.cos(angle)


MAX_REPORTS = 10_000
"""The most reports one batch takes: a second of a large theatre's feed."""


class TrackBatch(BaseModel):
    """``POST /v1/tracks``: up to 10,000 reports, taken or refused as a whole."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agreement: str | None = Field(
        default=None,
        validation_alias=AliasChoices("agreement", "agreement_id"),
        description="Needed only where the party is in several agreements; named as on every "
        "other route (``agreement_id`` is still taken, as first published).",
    )
    reports: list[TrackReport] = Field(min_length=1, max_length=MAX_REPORTS)


class Track(BaseModel):
    """A track as a party sees it: its latest report, and whose it is."""

    model_config = ConfigDict(frozen=True)

    id: int
    agreement_id: str
    reporter: PartyCode
    track_id: str
    owner: PartyCode | None
    status: TrackStatus
    kind: ObjectKind
    lat: float
    lon: float
    alt_ft: float
    east_kt: float
    north_kt: float
    vertical_rate_fpm: float
    time: datetime
    accuracy_m: float | None
    coarse: bool
    blind: bool
    hostile_for: tuple[PartyCode, ...] = ()


class EncounterState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Counterpart(BaseModel):
    """The other side of an encounter; ``id`` is None where it is blind to the reader."""

    model_config = ConfigDict(frozen=True)

    kind: Against
    id: int | None


class Encounter(BaseModel):
    """A predicted loss of separation between a track of the first party and an object of the
    second: a track (well-clear, DO-365), a zone, a declared position or a notice volume. As a
    party sees it: what is blind to it shows as its party alone, never its id or movements."""

    model_config = ConfigDict(frozen=True)

    id: int
    agreement_id: str
    parties: tuple[PartyCode, PartyCode]
    track: int | None
    counterpart: Counterpart
    level: int = Field(description="1 preventive, 2 corrective, 3 warning; 0 once closed.")
    max_level: int
    violation_at: datetime | None = Field(
        description="When the shown level's volume is predicted to be entered."
    )
    point: Point | None = Field(
        description="Where: the midpoint of the two at the predicted entry; the reader's own "
        "asset's predicted point where the other is hidden from it; null (withheld) where "
        "even that would show where a hidden track is."
    )
    ends: dict[str, Point] | None = Field(
        default=None, exclude=True, description="Each party's own asset's predicted point."
    )
    horizontal_m: float
    vertical_ft: float
    state: EncounterState
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    alert_ids: tuple[int, ...] = ()
    counterpart_blind: bool = Field(
        default=False, exclude=True, description="Whether its counterpart is a blind notice."
    )
