"""Zones: named areas with a rule saying whose activities raise an alert there."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from clearline.model.agreement import PartyCode
from clearline.model.fields import Text
from clearline.model.notice import ActivityKind
from clearline.model.volume import MAX_ALTITUDE_FT, MIN_ALTITUDE_FT, Feet, Geometry


class ZoneKind(StrEnum):
    BUFFER_ZONE = "buffer_zone"
    RED_LINE_ZONE = "red_line_zone"
    RESTRICTED_AREA = "restricted_area"
    DECONFLICTION_LINE = "deconfliction_line"
    """A line with a width and a side: crossing it needs a crossing request over the line."""


class Severity(StrEnum):
    """How bad a conflict is, lowest first (see ``services.deconfliction.severity``)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Side(StrEnum):
    """Which side of a deconfliction line, looking along it from its first point, is the
    owner's: a volume of another party there, or on the line, has crossed."""

    LEFT = "left"
    RIGHT = "right"


class ZoneRule(BaseModel):
    """Which activity kinds of which parties raise an alert in the zone, and how severe."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kinds: list[ActivityKind] = Field(
        default_factory=lambda: list(ActivityKind), description="Empty or absent: every kind."
    )
    parties: list[PartyCode] | None = Field(
        default=None, description="Absent: every party but the owner (every party if agreed)."
    )
    severity: Severity = Severity.HIGH


class ZoneIn(BaseModel):
    """A zone as a client or a GeoJSON Feature's properties describe it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text = Field(min_length=1, max_length=200)
    kind: ZoneKind
    geometry: Geometry
    owner: PartyCode | None = Field(default=None, description="None: agreed by all parties.")
    alt_lower_ft: Feet = MIN_ALTITUDE_FT
    alt_upper_ft: Feet = MAX_ALTITUDE_FT
    rule: ZoneRule = Field(default_factory=ZoneRule)
    width_m: float | None = Field(default=None, gt=0, le=100_000)
    side: Side | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.alt_lower_ft > self.alt_upper_ft:
            raise ValueError("alt_lower_ft is above alt_upper_ft")
        is_line = self.kind is ZoneKind.DECONFLICTION_LINE
        if is_line and (self.geometry.type != "LineString" or self.width_m is None):
            raise ValueError("a deconfliction line is a LineString with width_m")
        if is_line and self.side is not None and self.owner is None:
            raise ValueError("side names the owner's side: a line with a side needs an owner")
        if not is_line and self.side is not None:
            raise ValueError("side is for deconfliction lines only")
        if self.geometry.type == "LineString" and self.width_m is None:
            raise ValueError("a zone drawn as a LineString needs width_m")
        if self.geometry.type == "Point":
            raise ValueError("a zone is an area: use a Circle, Polygon or LineString with width_m")
        return self


class Zone(ZoneIn):
    id: int
    agreement_id: str
    created_at: datetime
    created_by: int | None

    def applies_to(self, party: str, kind: ActivityKind) -> bool:
        kinds = self.rule.kinds or list(ActivityKind)
        if kind not in kinds:
            return False
        if self.rule.parties is not None:
            return party in self.rule.parties
        return party != self.owner


class PositionKind(StrEnum):
    BASE = "base"
    UNIT = "unit"
    AIR_DEFENCE = "air_defence"
    PATROL = "patrol"


class PositionIn(BaseModel):
    """A declared position of a party's own forces: where the other side must not strike."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text = Field(min_length=1, max_length=200)
    kind: PositionKind
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    mgrs: str | None = Field(default=None, min_length=3, max_length=20)
    valid_from: datetime | None = Field(default=None, description="Default: now.")
    valid_until: datetime | None = Field(default=None, description="Default: until withdrawn.")
    agreement: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        has_point = self.lat is not None and self.lon is not None
        if has_point == (self.mgrs is not None) or (self.lat is None) != (self.lon is None):
            raise ValueError("give lat and lon, or mgrs")
        for name in ("valid_from", "valid_until"):
            moment = getattr(self, name)
            if moment is not None and moment.tzinfo is None:
                raise ValueError(f"{name} needs a time zone (UTC: append Z)")
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValueError("valid_until must be after valid_from")
        return self


class Position(BaseModel):
    """As stored: snapped to the protocol's grid square, never finer than agreed."""

    model_config = ConfigDict(frozen=True)

    id: int
    agreement_id: str
    party: PartyCode
    name: str
    kind: PositionKind
    mgrs: str
    lat: float
    lon: float
    square: dict[str, Any] = Field(description="The grid square, as a GeoJSON Polygon.")
    valid_from: datetime
    valid_until: datetime | None
    declared_at: datetime
    declared_by: int
