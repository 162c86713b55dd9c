"""Footprints: the area a volume, zone or position covers, checked and turned into metres.

Every refusal names the field at fault (``volumes.0.geometry``) and why, so that a planner
fixes the one vertex that is wrong rather than guessing.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, Point, Polygon, mapping
from shapely.geometry.base import BaseGeometry

from clearline.geo import grid
from clearline.geo.projection import Projection, projection
from clearline.model.errors import invalid
from clearline.model.volume import MAX_VERTICES, Geometry, PolygonGeometry, VolumeIn

QUAD_SEGMENTS = 64
"""Circles and corridor ends become polygons of 4 × 64 sides. Drawn around the circle rather
than inside it (``_OUTSIDE``), they are never smaller than the circle and at most 0.0075 % of
the radius larger: 0.4 m at 5 km. A conflict is never missed for the approximation."""
_OUTSIDE = 1 / math.cos(math.pi / (4 * QUAD_SEGMENTS))
_FLAT = 1e-9
"""A polygon whose area (in degrees, before projecting) is at most this times its perimeter
squared is flat: its corners lie on one line, give or take rounding (a 1 cm wide sliver 1,000 km
long is still accepted). It is judged before projecting because a line straight in degrees bends
in metres, which would give three collinear corners hundreds of thousands of square metres."""


def volume_footprint(volume: VolumeIn, projection: Projection, field: str) -> BaseGeometry:
    """The footprint of one notice volume, in metres."""
    return footprint(
        projection, field, volume.geometry, volume.mgrs, volume.radius_m, volume.width_m
    )


def footprint(
    projection: Projection,
    field: str,
    geometry: Geometry | None,
    mgrs: str | None = None,
    radius_m: float | None = None,
    width_m: float | None = None,
) -> BaseGeometry:
    """Any footprint the line accepts, in metres (see ``model.volume.VolumeIn``)."""
    if mgrs is not None:
        lat, lon = grid.centre(mgrs, f"{field}.mgrs")
        return _disc(projection, (lon, lat), _need(radius_m, field, "radius_m"))
    assert geometry is not None, "VolumeIn and ZoneIn require a geometry or mgrs"
    where = f"{field}.geometry"
    if geometry.type in ("Point", "Circle"):
        _check_positions([geometry.coordinates], f"{where}.coordinates", indexed=False)
        radius = getattr(geometry, "radius_m", None) or _need(radius_m, field, "radius_m")
        return _disc(projection, geometry.coordinates, radius)
    if geometry.type == "LineString":
        return _corridor(projection, geometry.coordinates, _need(width_m, field, "width_m"), where)
    assert isinstance(geometry, PolygonGeometry)
    return _polygon(projection, geometry.coordinates, where)


def in_degrees(geometry: Geometry, width_m: float | None = None) -> BaseGeometry:
    """A footprint's area in longitude and latitude, for a map or a file: a circle as its
    polygon, a corridor at its width, measured in a projection centred on its first position."""
    first = geometry.coordinates
    while isinstance(first[0], (list, tuple)):
        first = first[0]
    plane = projection(first[1], first[0])
    return plane.to_degrees(footprint(plane, "geometry", geometry, width_m=width_m))


def to_geojson(geometry: BaseGeometry, projection: Projection) -> dict[str, Any]:
    """A footprint in metres as GeoJSON in longitude and latitude, at full precision: the index
    is rebuilt from it at start and must find exactly what it found before (a 1 cm overlap)."""
    return dict(mapping(projection.to_degrees(geometry)))


def _need(value: float | None, field: str, name: str) -> float:
    if value is None:
        raise invalid(f"{field}.{name}", "is required for this geometry")
    return value


def _disc(projection: Projection, centre: Any, radius_m: float) -> BaseGeometry:
    point = projection.to_metres(Point(centre[0], centre[1]))
    return point.buffer(radius_m * _OUTSIDE, quad_segs=QUAD_SEGMENTS)


def _corridor(
    projection: Projection, positions: list[Any], width_m: float, field: str
) -> BaseGeometry:
    _check_positions(positions, f"{field}.coordinates")
    line = LineString([p[:2] for p in positions])
    if line.length == 0:
        raise invalid(f"{field}.coordinates", "a corridor needs two distinct points")
    return projection.to_metres(line).buffer(width_m / 2 * _OUTSIDE, quad_segs=QUAD_SEGMENTS)


def _polygon(projection: Projection, rings: list[list[Any]], field: str) -> BaseGeometry:
    where = f"{field}.coordinates"
    vertices = sum(len(ring) for ring in rings)
    if vertices > MAX_VERTICES:
        raise invalid(where, f"{vertices} vertices; at most {MAX_VERTICES} are accepted")
    for index, ring in enumerate(rings):
        if len(ring) < 3:
            raise invalid(
                f"{where}.{index}",
                f"degenerate polygon: a ring needs at least three corners, not {len(ring)}",
            )
        _check_positions(ring, f"{where}.{index}")
    closed = [_closed(ring, f"{where}.{i}") for i, ring in enumerate(rings)]
    polygon = Polygon(closed[0], closed[1:])
    if shapely.make_valid(polygon).area <= _FLAT * polygon.length**2:
        raise invalid(where, "degenerate polygon: it encloses no area")
    reason = shapely.is_valid_reason(polygon)
    if reason != "Valid Geometry":
        what = "self-intersecting" if "Self-intersection" in reason else "invalid"
        raise invalid(where, f"{what} polygon ({reason})")
    return projection.to_metres(polygon)


def _closed(ring: list[Any], field: str) -> list[tuple[float, float]]:
    """A GeoJSON ring repeats its first position last; an unclosed ring is closed here."""
    points = [(float(p[0]), float(p[1])) for p in ring]
    if points[0] != points[-1]:
        points.append(points[0])
    if len(set(points)) < 3:
        raise invalid(field, "degenerate polygon: a ring needs at least three distinct corners")
    return points


def _check_positions(positions: list[Any], field: str, indexed: bool = True) -> None:
    """Finite and in range; ``indexed`` names the vertex at fault (a Point's one position not)."""
    if len(positions) > MAX_VERTICES:
        raise invalid(field, f"{len(positions)} vertices; at most {MAX_VERTICES} are accepted")
    coordinates = np.asarray([p[:2] for p in positions], dtype=float)
    if not np.isfinite(coordinates).all():
        raise invalid(field, "coordinates must be finite numbers")
    bad_lon = np.flatnonzero(np.abs(coordinates[:, 0]) > 180)
    bad_lat = np.flatnonzero(np.abs(coordinates[:, 1]) > 90)
    if bad_lon.size:
        where = f"{field}.{bad_lon[0]}" if indexed else field
        raise invalid(where, "longitude out of range (-180 to 180)")
    if bad_lat.size:
        where = f"{field}.{bad_lat[0]}" if indexed else field
        raise invalid(where, "latitude out of range (-90 to 90)")
