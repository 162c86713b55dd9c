"""Where things were, as the record says: the geometries in an event's payload, the place of an
incident, and distances between them in metres.

Distances are taken in an azimuthal equidistant projection centred on the incident's place, so
that a distance from the place is exact and others within 0.1 % at the few hundred kilometres a
case spans; the same function gives the same figures on the line and in an auditor's check.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import shapely
from shapely.geometry import LineString, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry

from clearline.geo.projection import projection
from clearline.model.incident import Place

GEOJSON_TYPES = frozenset(
    {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
)


def geometries(payload: Any) -> Iterator[BaseGeometry]:
    """Every GeoJSON geometry and every ``{lat, lon}`` in a payload, however deep, in degrees
    (longitude first): events name places in both ways, and a case looks at all of them."""
    if isinstance(payload, dict):
        if payload.get("type") in GEOJSON_TYPES and "coordinates" in payload:
            yield shape(payload)
            return
        lat, lon = payload.get("lat"), payload.get("lon")
        if isinstance(lat, (int, float)) and isinstance(lon, (int, float)):
            yield Point(float(lon), float(lat))
        for value in payload.values():
            yield from geometries(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from geometries(value)


def place_shape(place: Place, path: Sequence[tuple[float, float]] = ()) -> BaseGeometry:
    """The place in degrees; a track's is its ``path`` (lon, lat) over the window."""
    if place.point is not None:
        return Point(place.point.lon, place.point.lat)
    if place.area is not None:
        return Polygon([(p.lon, p.lat) for p in place.area])
    if len(path) > 1:
        return LineString(path)
    if path:
        return Point(path[0])
    return shapely.GeometryCollection()


class Metres:
    """Distances from one place, in metres."""

    def __init__(self, place: BaseGeometry, radius_m: float = 0) -> None:
        centre = place.representative_point() if not place.is_empty else Point(0, 0)
        self._projection = projection(centre.y, centre.x)
        self.place = self._projection.to_metres(place)
        self.radius_m = radius_m

    def to_place(self, geometry: BaseGeometry) -> float:
        """From the place (its edge, where it has a radius) to ``geometry``; 0 inside it."""
        if self.place.is_empty:
            return float("inf")
        gap = self._projection.to_metres(geometry).distance(self.place) - self.radius_m
        return max(0.0, float(gap))

    def between(self, a: BaseGeometry, b: BaseGeometry) -> float:
        metres = self._projection.to_metres
        return float(metres(a).distance(metres(b)))
