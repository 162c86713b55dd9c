"""ASTM F3548-21 operational intents, in the InterUSS ``uas_standards`` types: a party's
intents taken as a notice's volumes, and a notice given back as an intent's details.

F3548 states heights above the WGS 84 ellipsoid in metres; the line takes them as its
altitudes in feet, as it takes a CoT ``hae`` (the geoid lies 20 to 30 m above the ellipsoid
over Syria, inside the vertical minima's rounding). A circle stays a circle; a volume the
line keeps as a corridor, a point or a grid square goes out as the polygon it covers.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from implicitdict import ImplicitDict, StringBasedDateTime
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from shapely.geometry import Polygon, shape
from uas_standards.astm.f3548.v21 import api

from clearline.model.errors import ClearlineError, from_validation, invalid
from clearline.model.fields import Text
from clearline.model.notice import ActivityKind, Notice, NoticeRequest, Sharing, Volume
from clearline.model.volume import VolumeIn
from clearline.model.wellclear import FT_M


class IntentRequest(BaseModel):
    """``POST /v1/notices/f3548``: a party's operational intent, filed as its notice."""

    model_config = ConfigDict(extra="forbid")

    details: dict[str, Any] = Field(
        description="F3548 OperationalIntentDetails: its nominal volumes become the notice's."
    )
    kind: ActivityKind = ActivityKind.UAV_FLIGHT
    sharing: Sharing | None = Field(default=None, description="Absent: the protocol's default.")
    free_text: Text | None = None
    agreement: str | None = Field(
        default=None, description="Needed only where the party is in several agreements."
    )


def notice_request(intent: IntentRequest) -> NoticeRequest:
    """The notice an intent files."""
    values = intent.model_dump(exclude={"details"}) | {"volumes": volumes_of(intent.details)}
    try:
        return NoticeRequest.model_validate(values)
    except ValidationError as exc:
        raise from_validation(exc) from None


def volumes_of(details: dict[str, Any], field: str = "details") -> list[VolumeIn]:
    """An intent's nominal volumes as a notice's; each refusal names the volume at fault.
    The types check what F3548 fixes (W84 metres, RFC 3339 times, radii in metres) as
    they parse."""
    try:
        parsed = ImplicitDict.parse(details, api.OperationalIntentDetails)
    except (ValueError, KeyError, TypeError) as exc:
        raise _refusal(str(exc), field) from None
    if not parsed.get("volumes"):
        raise invalid(f"{field}.volumes", "an intent needs at least one volume")
    return [_volume_in(v, f"{field}.volumes.{i}") for i, v in enumerate(parsed.volumes)]


def details_of(notice: Notice) -> api.OperationalIntentDetails:
    """The current version of ``notice`` (as its reader may see it) as an intent's details."""
    return api.OperationalIntentDetails(
        volumes=[_volume_4d(v) for v in notice.current.volumes],
        off_nominal_volumes=[],
        priority=0,
    )


def _refusal(message: str, field: str) -> ClearlineError:
    """implicitdict's ``At volumes[0].time_start.value: why`` as the field and its reason."""
    found = re.fullmatch(r"At ([\w.\[\]]+): (.*)", message, re.DOTALL)
    if found is None:
        return invalid(field, f"not F3548 OperationalIntentDetails: {message}")
    path = found[1].replace("[", ".").replace("]", "")
    return invalid(f"{field}.{path}", found[2].splitlines()[0])


def _volume_in(volume: api.Volume4D, where: str) -> VolumeIn:
    space = volume.volume
    values: dict[str, Any] = {
        "alt_lower_ft": _feet(space.get("altitude_lower"), f"{where}.volume.altitude_lower"),
        "alt_upper_ft": _feet(space.get("altitude_upper"), f"{where}.volume.altitude_upper"),
        "start": _time(volume.get("time_start"), f"{where}.time_start"),
        "end": _time(volume.get("time_end"), f"{where}.time_end"),
        "geometry": _geometry(space, f"{where}.volume"),
    }
    try:
        return VolumeIn.model_validate(values)
    except ValidationError as exc:
        raise from_validation(exc, where) from None


def _geometry(space: api.Volume3D, where: str) -> dict[str, Any]:
    circle, polygon = space.get("outline_circle"), space.get("outline_polygon")
    if (circle is None) == (polygon is None):
        raise invalid(where, "give exactly one of outline_circle or outline_polygon")
    if polygon is not None:
        ring = [[p.lng, p.lat] for p in polygon.vertices]
        return {"type": "Polygon", "coordinates": [[*ring, ring[0]] if ring else ring]}
    if circle.get("center") is None or circle.get("radius") is None:
        raise invalid(f"{where}.outline_circle", "needs its center and radius")
    centre = [circle.center.lng, circle.center.lat]
    return {"type": "Circle", "coordinates": centre, "radius_m": circle.radius.value}


def _feet(altitude: api.Altitude | None, where: str) -> float:
    if altitude is None:
        raise invalid(where, "needed: the line screens every volume in height")
    return float(altitude.value) / FT_M


def _time(time: api.Time | None, where: str) -> datetime:
    if time is None:
        raise invalid(where, "needed: a notice says when")
    return time.value.datetime


def _volume_4d(volume: Volume) -> api.Volume4D:
    if volume.circle is not None:
        lon, lat, radius = volume.circle
        outline: dict[str, Any] = {
            "outline_circle": api.Circle(
                center=api.LatLngPoint(lat=lat, lng=lon),
                radius=api.Radius(value=radius, units="M"),
            )
        }
    else:
        vertices = [api.LatLngPoint(lat=lat, lng=lon) for lon, lat in _corners(volume)]
        outline = {"outline_polygon": api.Polygon(vertices=vertices)}
    return api.Volume4D(
        volume=api.Volume3D(
            altitude_lower=_altitude(volume.alt_lower_ft),
            altitude_upper=_altitude(volume.alt_upper_ft),
            **outline,
        ),
        time_start=_rfc3339(volume.start),
        time_end=_rfc3339(volume.end),
    )


def _corners(volume: Volume) -> list[tuple[float, float]]:
    """A polygon's vertices as its party drew them (holes aside: F3548 has none); any other
    footprint's as the line computed it."""
    geometry = volume.input.get("geometry") or {}
    if geometry.get("type") == "Polygon":
        ring = geometry["coordinates"][0]
    else:
        footprint = shape(volume.footprint)
        assert isinstance(footprint, Polygon), "a notice's footprint is one polygon"
        ring = list(footprint.exterior.coords)
    return [(float(p[0]), float(p[1])) for p in ring[:-1]]


def _altitude(feet: float) -> api.Altitude:
    return api.Altitude(value=feet * FT_M, reference="W84", units="M")


def _rfc3339(moment: datetime) -> api.Time:
    return api.Time(value=StringBasedDateTime(moment), format="RFC3339")
