"""The line's picture as CoT, for one party: other parties' shared tracks as 2525 atoms, zones
and conflict regions as drawings, encounters as markers with their remarks, and the deletions
that take back what is no longer to be shown.

Every uid starts ``clearline.``: a TAK server that sends everything back (as one federated with
others does) is recognised, and its echo is not taken as the party's own report.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from typing import Any

import shapely
from shapely.geometry import Polygon, shape

from clearline.geo import volumes
from clearline.interop import symbols
from clearline.interop.tak.cot import UNKNOWN, Point, event
from clearline.model.conflict import Conflict
from clearline.model.track import Encounter, Track
from clearline.model.wellclear import FT_M, KNOT_MS
from clearline.model.zone import Zone, ZoneKind

UID_PREFIX = "clearline."
DRAWING_STALE = timedelta(hours=24)
"""Zones do not go stale; a day, and they are sent again at every connection."""
MARKER_STALE = timedelta(hours=1)
"""An open encounter's marker, until its closing takes it back."""
ZONE_COLOUR = {
    ZoneKind.RED_LINE_ZONE: -65536,  # ARGB as a signed 32-bit integer, as TAK writes colours
    ZoneKind.RESTRICTED_AREA: -23296,
    ZoneKind.BUFFER_ZONE: -256,
    ZoneKind.DECONFLICTION_LINE: -65281,
}
CONFLICT_COLOUR = -65536
LEVELS = {1: "preventive", 2: "corrective", 3: "warning"}


def track_uid(track: Track) -> str:
    return f"{UID_PREFIX}{track.agreement_id}.track.{track.id}"


def track_event(track: Track, viewer: str, lost_after_s: float, now: datetime) -> ET.Element:
    """A track as ``viewer`` may see it (the caller has already coarsened it where its owner
    asked): stale when the line would drop it from the picture."""
    root, detail = event(
        track_uid(track),
        symbols.cot_type(track, viewer),
        Point(
            track.lat,
            track.lon,
            hae_m=track.alt_ft * FT_M,
            ce_m=track.accuracy_m if track.accuracy_m is not None else UNKNOWN,
        ),
        now,
        start=track.time,
        stale=track.time + timedelta(seconds=lost_after_s),
    )
    ET.SubElement(detail, "contact", callsign=f"{track.reporter}-{track.track_id}")
    east, north = track.east_kt, track.north_kt
    ET.SubElement(
        detail,
        "track",
        course=f"{course(east, north):.1f}",
        speed=f"{math.hypot(east, north) * KNOT_MS:.2f}",
    )
    _remarks(detail, f"{track.kind}, {track.status}; reported by {track.reporter}")
    return root


def zone_events(zone: Zone, now: datetime) -> list[ET.Element]:
    """A zone as a drawing: a circle as one, anything else as the outline of the footprint the
    line screens against, a corridor at its true width."""
    uid = f"{UID_PREFIX}{zone.agreement_id}.zone.{zone.id}"
    colour = ZONE_COLOUR[zone.kind]
    remarks = f"{zone.kind}, {zone.alt_lower_ft:g} to {zone.alt_upper_ft:g} ft; " + (
        f"owner {zone.owner}" if zone.owner else "agreed by all parties"
    )
    if zone.geometry.type == "Circle":
        lon, lat = zone.geometry.coordinates[:2]
        root, detail = event(uid, "u-d-c-c", Point(lat, lon), now, now, now + DRAWING_STALE, "h-e")
        outline = ET.SubElement(detail, "shape")
        radius = f"{zone.geometry.radius_m:.1f}"
        ET.SubElement(outline, "ellipse", major=radius, minor=radius, angle="360")
        _drawn(detail, zone.name, colour, remarks)
        return [root]
    footprint = volumes.in_degrees(zone.geometry, zone.width_m)
    return polygon_events(
        uid, _polygons(footprint), zone.name, colour, remarks, now, now + DRAWING_STALE
    )


def conflict_events(conflict: Conflict, now: datetime) -> list[ET.Element]:
    """A conflict's region, as the party may see it, outlined until its window ends."""
    uid = f"{UID_PREFIX}{conflict.agreement_id}.conflict.{conflict.id}"
    sides = " and ".join(p or "a zone" for p in (conflict.a.party, conflict.b.party))
    remarks = (
        f"conflict {conflict.id}, {conflict.severity}, {conflict.state}: {sides}, "
        f"{conflict.window_start:%d %H:%MZ} to {conflict.window_end:%d %H:%MZ}"
    )
    stale = max(conflict.window_end, now + timedelta(minutes=1))
    polygons = _polygons(shape(conflict.region))
    return polygon_events(
        uid, polygons, f"Conflict {conflict.id}", CONFLICT_COLOUR, remarks, now, stale
    )


def encounter_event(encounter: Encounter, now: datetime) -> ET.Element | None:
    """An open encounter as a marker where the loss of separation is predicted, with its level
    and distances in the remarks; None where the line withholds the point from this party."""
    if encounter.point is None:
        return None
    uid = f"{UID_PREFIX}{encounter.agreement_id}.encounter.{encounter.id}"
    point = Point(encounter.point.lat, encounter.point.lon)
    root, detail = event(uid, "b-m-p-s-m", point, now, now, now + MARKER_STALE, "h-e")
    level = LEVELS.get(encounter.level, str(encounter.level))
    when = f" at {encounter.violation_at:%H:%M:%SZ}" if encounter.violation_at else ""
    ET.SubElement(detail, "contact", callsign=f"Encounter {encounter.id}")
    ET.SubElement(detail, "color", argb=str(CONFLICT_COLOUR))
    _remarks(
        detail,
        f"{level} alert (level {encounter.level}), {' and '.join(encounter.parties)}: "
        f"{encounter.horizontal_m:.0f} m and {encounter.vertical_ft:.0f} ft apart{when}",
    )
    return root


def polygon_events(
    uid: str,
    polygons: list[Polygon],
    name: str,
    colour: int,
    remarks: str,
    now: datetime,
    stale: datetime,
) -> list[ET.Element]:
    """Closed freehand drawings (``u-d-f``), one per polygon, each vertex a ``<link point>``."""
    drawn = []
    for index, polygon in enumerate(polygons):
        centre = polygon.centroid
        part = uid if len(polygons) == 1 else f"{uid}.{index}"
        root, detail = event(part, "u-d-f", Point(centre.y, centre.x), now, now, stale, "h-e")
        for lon, lat in polygon.exterior.coords:
            ET.SubElement(detail, "link", point=f"{lat:.7f},{lon:.7f}")
        _drawn(detail, name, colour, remarks)
        drawn.append(root)
    return drawn


def deletion(uid: str, now: datetime) -> ET.Element:
    """Take ``uid`` off the map at once (``t-x-d-d``), as TAK clients delete an item."""
    root, detail = event(
        f"{uid}.delete", "t-x-d-d", Point(0, 0), now, now, now + MARKER_STALE, "h-g-i-g-o"
    )
    ET.SubElement(detail, "link", uid=uid, relation="none", type="none")
    ET.SubElement(detail, "__forcedelete")
    return root


def course(east: float, north: float) -> float:
    """The course made good, degrees clockwise from true north."""
    return math.degrees(math.atan2(east, north)) % 360


def _polygons(geometry: Any) -> list[Polygon]:
    return [g for g in shapely.get_parts(geometry).tolist() if isinstance(g, Polygon)]


def _drawn(detail: ET.Element, name: str, colour: int, remarks: str) -> None:
    ET.SubElement(detail, "contact", callsign=name)
    ET.SubElement(detail, "strokeColor", value=str(colour))
    ET.SubElement(detail, "strokeWeight", value="3.0")
    ET.SubElement(detail, "fillColor", value=str(colour & 0x00FFFFFF | 0x40000000))
    _remarks(detail, remarks)


def _remarks(detail: ET.Element, text: str) -> None:
    ET.SubElement(detail, "remarks").text = text
