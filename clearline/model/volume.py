"""A 4D volume as a client writes it: a footprint, an altitude band and a time window.

These are the records as they travel (JSON, GeoJSON); ``geo.volumes`` checks the geometry itself
(self-intersection, vertex count, corridor width) and turns it into metres.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

MIN_ALTITUDE_FT = -1_500
MAX_ALTITUDE_FT = 100_000
MAX_VERTICES = 1_000
MAX_RADIUS_M = 500_000

_FLIGHT_LEVEL = re.compile(r"^\s*FL\s*(\d{1,3})\s*$", re.IGNORECASE)


def _feet(value: Any) -> Any:
    """Feet above mean sea level; ``"FL150"`` is flight level 150, i.e. 15,000 ft.

    A flight level is a pressure altitude, not MSL; treating it as MSL is the usual
    approximation for planning volumes, where bands are thousands of feet thick.
    """
    if isinstance(value, str):
        match = _FLIGHT_LEVEL.match(value)
        if match is None:
            raise ValueError("must be feet (a number) or a flight level such as FL150")
        return int(match.group(1)) * 100
    return value


Feet = Annotated[float, BeforeValidator(_feet), Field(ge=MIN_ALTITUDE_FT, le=MAX_ALTITUDE_FT)]

Coordinates = tuple[float, float] | tuple[float, float, float]
"""A GeoJSON position: longitude, latitude (and an altitude, which is ignored)."""


class _Geometry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PointGeometry(_Geometry):
    type: Literal["Point"]
    coordinates: Coordinates


class LineStringGeometry(_Geometry):
    type: Literal["LineString"]
    coordinates: list[Coordinates] = Field(min_length=2)


class PolygonGeometry(_Geometry):
    type: Literal["Polygon"]
    coordinates: list[list[Coordinates]] = Field(min_length=1)


class CircleGeometry(_Geometry):
    """Not GeoJSON (which has no circle): a centre and a radius, as planners draw them."""

    type: Literal["Circle"]
    coordinates: Coordinates
    radius_m: float = Field(gt=0, le=MAX_RADIUS_M)


Geometry = Annotated[
    PointGeometry | LineStringGeometry | PolygonGeometry | CircleGeometry,
    Field(discriminator="type"),
]


class VolumeIn(BaseModel):
    """One 4D volume of a notice.

    The footprint is one of: a GeoJSON ``Polygon``; a ``Circle`` (centre and ``radius_m``); a
    ``LineString`` with ``width_m`` (a corridor: a route and its width); a ``Point`` with
    ``radius_m``; or ``mgrs`` (a grid reference) with ``radius_m``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    geometry: Geometry | None = None
    mgrs: str | None = Field(default=None, min_length=3, max_length=20, examples=["37SDU3323"])
    radius_m: float | None = Field(default=None, gt=0, le=MAX_RADIUS_M)
    width_m: float | None = Field(default=None, gt=0, le=MAX_RADIUS_M)
    alt_lower_ft: Feet
    alt_upper_ft: Feet
    start: AwareDatetime
    end: AwareDatetime

    @field_validator("alt_upper_ft")
    @classmethod
    def _upper_not_below_lower(cls, upper: float, info: ValidationInfo) -> float:
        lower = info.data.get("alt_lower_ft")
        if lower is not None and lower > upper:
            raise ValueError(f"is below alt_lower_ft ({lower:g} ft): lower is above upper")
        return upper

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: datetime, info: ValidationInfo) -> datetime:
        start = info.data.get("start")
        if start is not None and end <= start:
            raise ValueError("must be after start")
        return end

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.geometry is None) == (self.mgrs is None):
            raise ValueError("give exactly one of geometry or mgrs")
        kind = "Point" if self.mgrs is not None else self.geometry.type  # type: ignore[union-attr]
        if kind == "Point" and self.radius_m is None:
            raise ValueError("a point (or MGRS reference) needs radius_m")
        if kind == "LineString" and self.width_m is None:
            raise ValueError("a corridor (LineString) needs width_m")
        if kind != "Point" and self.radius_m is not None:
            raise ValueError(f"radius_m is for a Point or MGRS reference, not a {kind}")
        if kind != "LineString" and self.width_m is not None:
            raise ValueError(f"width_m is for a corridor (LineString), not a {kind}")
        return self

    @property
    def duration_s(self) -> float:
        return (self.end - self.start).total_seconds()
