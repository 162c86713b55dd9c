"""Footprints: every kind of geometry covers the area it says, in metres, and every refusal names
the field at fault and why.

Areas are checked against geodesic areas on the WGS84 ellipsoid (``pyproj.Geod``), not against
the projection the code itself uses, so that a wrong projection would show. Errors of the
geometry itself come from ``geo.volumes`` as ``ClearlineError`` (``.field``, ``.reason``); errors
of the record (band, window, which fields go together) from pydantic, as ``ValidationError``.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError
from pyproj import Geod
from shapely.geometry import Point, Polygon

from clearline.geo import grid
from clearline.geo.projection import projection
from clearline.geo.volumes import footprint, volume_footprint
from clearline.model.errors import ClearlineError, ErrorKind
from clearline.model.protocol import Protocol
from clearline.model.volume import MAX_VERTICES, Geometry, VolumeIn

THEATRE = projection(*Protocol().theatre_centre)
GEOD = Geod(ellps="WGS84")
FIELD = "volumes.0"
PALMYRA = (38.27, 34.55)  # longitude, latitude
PLACES = {
    "palmyra": PALMYRA,
    "qamishli": (41.22, 37.05),  # some 400 km from the theatre's centre
    "daraa": (36.10, 32.62),
}
_GEOMETRY: TypeAdapter[Any] = TypeAdapter(Geometry)


def geometry(**fields: Any) -> Any:
    return _GEOMETRY.validate_python(fields)


def area_of(**kwargs: Any) -> float:
    shape = footprint(THEATRE, FIELD, kwargs.pop("geometry", None), **kwargs)
    return float(shape.area)


def refusal(**kwargs: Any) -> ClearlineError:
    with pytest.raises(ClearlineError) as caught:
        footprint(THEATRE, FIELD, kwargs.pop("geometry", None), **kwargs)
    assert caught.value.kind is ErrorKind.INVALID
    return caught.value


def geodesic_area(ring: list[tuple[float, float]]) -> float:
    lons, lats = zip(*ring, strict=True)
    area, _ = GEOD.polygon_area_perimeter(lons, lats)
    return abs(area)


def quadrilateral(lon: float, lat: float) -> list[tuple[float, float]]:
    """An irregular four-sided area of some 60 km² with its first corner at (lon, lat)."""
    return [
        (lon, lat),
        (lon + 0.09, lat + 0.01),
        (lon + 0.07, lat + 0.08),
        (lon - 0.02, lat + 0.06),
    ]


# Circles: a Circle, a Point with radius_m and an MGRS reference with radius_m are all discs.


@pytest.mark.parametrize("radius", [50.0, 1_000.0, 25_000.0])
def test_a_circle_covers_pi_r_squared_and_never_less(radius: float) -> None:
    area = area_of(geometry=geometry(type="Circle", coordinates=PALMYRA, radius_m=radius))
    assert area == pytest.approx(math.pi * radius**2, rel=1e-3)
    assert area >= math.pi * radius**2  # drawn around the circle: a conflict is never missed


def test_a_point_with_a_radius_is_the_same_disc_as_a_circle() -> None:
    disc = footprint(THEATRE, FIELD, geometry(type="Point", coordinates=PALMYRA), radius_m=3_000)
    circle = footprint(THEATRE, FIELD, geometry(type="Circle", coordinates=PALMYRA, radius_m=3_000))
    assert disc.area == pytest.approx(math.pi * 3_000**2, rel=1e-3)
    assert disc.symmetric_difference(circle).area == pytest.approx(0, abs=1e-6)


def test_an_mgrs_reference_with_a_radius_is_a_disc_around_the_squares_centre() -> None:
    disc = footprint(THEATRE, FIELD, None, mgrs="37SDU3323", radius_m=2_000)
    lat, lon = grid.centre("37SDU3323")
    assert disc.area == pytest.approx(math.pi * 2_000**2, rel=1e-3)
    assert disc.centroid.distance(THEATRE.to_metres(Point(lon, lat))) < 0.01


def test_the_radius_is_measured_on_the_ground() -> None:
    # A point placed 999 m from the centre along the ellipsoid is inside; 1,001 m is outside.
    disc = footprint(THEATRE, FIELD, geometry(type="Circle", coordinates=PALMYRA, radius_m=1_000))
    for azimuth in (0, 60, 135, 200, 290):
        for distance, inside in ((999, True), (1_001, False)):
            lon, lat, _ = GEOD.fwd(*PALMYRA, azimuth, distance)
            assert disc.contains(THEATRE.to_metres(Point(lon, lat))) is inside


# Corridors: a route and its width; the ends are rounded.


def test_a_corridor_covers_its_length_times_its_width_plus_round_ends() -> None:
    width = 2_000.0
    end_lon, end_lat, _ = GEOD.fwd(*PALMYRA, 70, 20_000)
    route = geometry(type="LineString", coordinates=[PALMYRA, (end_lon, end_lat)])
    length = GEOD.line_length([PALMYRA[0], end_lon], [PALMYRA[1], end_lat])
    assert length == pytest.approx(20_000, abs=0.01)
    assert area_of(geometry=route, width_m=width) == pytest.approx(
        length * width + math.pi * width**2 / 4, rel=1e-3
    )


def test_a_corridor_reaches_half_its_width_either_side_of_the_route() -> None:
    end = GEOD.fwd(*PALMYRA, 90, 10_000)[:2]
    corridor = footprint(
        THEATRE, FIELD, geometry(type="LineString", coordinates=[PALMYRA, end]), width_m=1_000
    )
    middle = GEOD.fwd(*PALMYRA, 90, 5_000)[:2]
    for side, distance, inside in ((0, 499, True), (180, 499, True), (0, 501, False)):
        lon, lat, _ = GEOD.fwd(*middle, side, distance)
        assert corridor.contains(THEATRE.to_metres(Point(lon, lat))) is inside


# Polygons: their area on the ground wherever they are in the theatre.


@pytest.mark.parametrize("place", PLACES, ids=str)
def test_a_polygon_covers_its_geodesic_area(place: str) -> None:
    ring = quadrilateral(*PLACES[place])
    area = area_of(geometry=geometry(type="Polygon", coordinates=[[*ring, ring[0]]]))
    assert area == pytest.approx(geodesic_area(ring), rel=5e-3)


def test_an_unclosed_ring_is_closed_for_the_planner() -> None:
    ring = quadrilateral(*PALMYRA)
    closed = area_of(geometry=geometry(type="Polygon", coordinates=[[*ring, ring[0]]]))
    assert area_of(geometry=geometry(type="Polygon", coordinates=[ring])) == closed


def test_a_hole_is_not_part_of_the_footprint() -> None:
    lon, lat = PALMYRA
    outer = [(lon, lat), (lon + 0.1, lat), (lon + 0.1, lat + 0.1), (lon, lat + 0.1)]
    hole = [(lon + 0.03, lat + 0.03), (lon + 0.06, lat + 0.03), (lon + 0.06, lat + 0.06)]
    area = area_of(geometry=geometry(type="Polygon", coordinates=[outer, hole]))
    assert area == pytest.approx(geodesic_area(outer) - geodesic_area(hole), rel=5e-3)


def test_a_notice_volume_goes_through_the_same_footprint() -> None:
    volume = VolumeIn.model_validate(
        {**_record(), "geometry": None, "mgrs": "37SDU3323", "radius_m": 500}
    )
    shape = volume_footprint(volume, THEATRE, FIELD)
    assert shape.area == pytest.approx(math.pi * 500**2, rel=1e-3)


# Refusals of the geometry: the field down to the ring and vertex, and the reason.


def test_a_self_intersecting_polygon_is_refused() -> None:
    lon, lat = PALMYRA
    bow_tie = [(lon, lat), (lon + 0.01, lat + 0.01), (lon, lat + 0.01), (lon + 0.01, lat)]
    error = refusal(geometry=geometry(type="Polygon", coordinates=[bow_tie]))
    assert error.field == "volumes.0.geometry.coordinates"
    assert "self-intersecting polygon" in error.reason


@pytest.mark.parametrize(
    "corners",
    [
        [(38.0, 34.0), (38.01, 34.01), (38.02, 34.02)],  # exactly on one line
        [(38.1, 34.3), (38.2, 34.4), (38.3, 34.5)],  # on one line, but for rounding
        [(38.3, 34.5), (38.1, 34.5), (38.2, 34.5), (38.25, 34.5)],
    ],
    ids=["exact", "rounded", "four-on-a-parallel"],
)
def test_a_polygon_whose_corners_lie_on_one_line_is_degenerate(
    corners: list[tuple[float, float]],
) -> None:
    # Even where the projection would bend the line into a thin sliver of real area.
    error = refusal(geometry=geometry(type="Polygon", coordinates=[corners]))
    assert error.field == "volumes.0.geometry.coordinates"
    assert error.reason == "degenerate polygon: it encloses no area"


def test_a_ring_with_fewer_than_three_distinct_corners_is_degenerate() -> None:
    lon, lat = PALMYRA
    ring = [(lon, lat), (lon + 0.01, lat), (lon, lat), (lon + 0.01, lat)]
    error = refusal(geometry=geometry(type="Polygon", coordinates=[ring]))
    assert error.field == "volumes.0.geometry.coordinates.0"
    assert "at least three distinct corners" in error.reason


@pytest.mark.parametrize(
    ("rings", "index"),
    [([[]], 0), ([[PALMYRA, (38.28, 34.56)]], 0), ([[PALMYRA, (38.3, 34.5), (38.3, 34.6)], []], 1)],
    ids=["empty-ring", "two-corners", "empty-hole"],
)
def test_a_ring_with_fewer_than_three_corners_is_degenerate(
    rings: list[list[tuple[float, float]]], index: int
) -> None:
    error = refusal(geometry=geometry(type="Polygon", coordinates=rings))
    assert error.field == f"volumes.0.geometry.coordinates.{index}"
    assert "at least three corners" in error.reason


def test_a_thin_but_real_polygon_is_accepted() -> None:
    # 10 m wide and 10 km long: thin, not flat.
    start, end = PALMYRA, GEOD.fwd(*PALMYRA, 90, 10_000)[:2]
    ring = [start, end, GEOD.fwd(*end, 0, 10)[:2], GEOD.fwd(*start, 0, 10)[:2]]
    area = area_of(geometry=geometry(type="Polygon", coordinates=[ring]))
    assert area == pytest.approx(100_000, rel=5e-3)


def _circle_ring(vertices: int) -> list[tuple[float, float]]:
    lon, lat = PALMYRA
    return [
        (
            lon + 0.05 * math.cos(2 * math.pi * i / vertices),
            lat + 0.05 * math.sin(2 * math.pi * i / vertices),
        )
        for i in range(vertices)
    ]


def test_a_polygon_of_at_most_1000_vertices_is_accepted() -> None:
    assert area_of(geometry=geometry(type="Polygon", coordinates=[_circle_ring(MAX_VERTICES)]))


@pytest.mark.parametrize("kind", ["Polygon", "LineString"])
def test_more_than_1000_vertices_are_refused(kind: str) -> None:
    ring = _circle_ring(MAX_VERTICES + 1)
    if kind == "Polygon":
        shape, extra = geometry(type="Polygon", coordinates=[ring]), {}
    else:
        shape, extra = geometry(type="LineString", coordinates=ring), {"width_m": 100}
    error = refusal(geometry=shape, **extra)
    assert error.field == "volumes.0.geometry.coordinates"
    assert error.reason == "1001 vertices; at most 1000 are accepted"


def test_more_than_1000_vertices_counted_over_all_rings_are_refused() -> None:
    outer = _circle_ring(600)
    hole = [(x + (PALMYRA[0] - x) * 0.5, y + (PALMYRA[1] - y) * 0.5) for x, y in outer[::-1]]
    error = refusal(geometry=geometry(type="Polygon", coordinates=[outer, [*hole[:401]]]))
    assert error.field == "volumes.0.geometry.coordinates"
    assert "1001 vertices" in error.reason


@pytest.mark.parametrize(
    ("ring", "vertex", "bad", "reason"),
    [
        (0, 2, (181.0, 34.5), "longitude out of range (-180 to 180)"),
        (0, 0, (-180.5, 34.5), "longitude out of range (-180 to 180)"),
        (0, 3, (38.3, 90.01), "latitude out of range (-90 to 90)"),
        (1, 1, (38.3, -91.0), "latitude out of range (-90 to 90)"),
    ],
)
def test_a_vertex_out_of_range_is_named_by_ring_and_index(
    ring: int, vertex: int, bad: tuple[float, float], reason: str
) -> None:
    lon, lat = PALMYRA
    rings = [
        [(lon, lat), (lon + 0.1, lat), (lon + 0.1, lat + 0.1), (lon, lat + 0.1)],
        [(lon + 0.03, lat + 0.03), (lon + 0.06, lat + 0.03), (lon + 0.06, lat + 0.06)],
    ]
    rings[ring][vertex] = bad
    error = refusal(geometry=geometry(type="Polygon", coordinates=rings))
    assert error.field == f"volumes.0.geometry.coordinates.{ring}.{vertex}"
    assert error.reason == reason


def test_a_route_vertex_out_of_range_is_named_by_index() -> None:
    route = geometry(type="LineString", coordinates=[PALMYRA, (38.3, 34.6), (38.4, 95.0)])
    error = refusal(geometry=route, width_m=100)
    assert error.field == "volumes.0.geometry.coordinates.2"
    assert error.reason == "latitude out of range (-90 to 90)"


@pytest.mark.parametrize("kind", ["Point", "Circle"])
def test_a_centre_out_of_range_is_named_as_the_coordinates(kind: str) -> None:
    extra = {"radius_m": 100.0} if kind == "Circle" else {}
    shape = geometry(type=kind, coordinates=(200.0, 34.5), **extra)
    error = refusal(geometry=shape, radius_m=None if kind == "Circle" else 100.0)
    assert error.field == "volumes.0.geometry.coordinates"
    assert error.reason == "longitude out of range (-180 to 180)"


@pytest.mark.parametrize(
    ("shape", "extra", "field"),
    [
        (
            {"type": "Polygon", "coordinates": [[(38.0, 34.0), (38.1, math.nan), (38.1, 34.1)]]},
            {},
            "volumes.0.geometry.coordinates.0",
        ),
        (
            {"type": "LineString", "coordinates": [(38.0, 34.0), (math.inf, 34.1)]},
            {"width_m": 100.0},
            "volumes.0.geometry.coordinates",
        ),
        (
            {"type": "Circle", "coordinates": (38.0, -math.inf), "radius_m": 100.0},
            {},
            "volumes.0.geometry.coordinates",
        ),
    ],
    ids=["polygon", "corridor", "circle"],
)
def test_non_finite_coordinates_are_refused(
    shape: dict[str, Any], extra: dict[str, Any], field: str
) -> None:
    error = refusal(geometry=geometry(**shape), **extra)
    assert error.field == field
    assert error.reason == "coordinates must be finite numbers"


@pytest.mark.parametrize("reference", ["nonsense", "37SDU332", "99ZZZ1234", "37SDU3"])
def test_an_invalid_mgrs_reference_is_refused(reference: str) -> None:
    error = refusal(mgrs=reference, radius_m=100)
    assert error.field == "volumes.0.mgrs"
    assert error.reason == f"{reference!r} is not a valid MGRS reference"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"geometry": {"type": "Point", "coordinates": PALMYRA}}, "volumes.0.radius_m"),
        ({"mgrs": "37SDU3323"}, "volumes.0.radius_m"),
        (
            {"geometry": {"type": "LineString", "coordinates": [PALMYRA, (38.3, 34.6)]}},
            "volumes.0.width_m",
        ),
    ],
    ids=["point", "mgrs", "corridor"],
)
def test_a_missing_radius_or_width_is_named(kwargs: dict[str, Any], field: str) -> None:
    if "geometry" in kwargs:
        kwargs = {**kwargs, "geometry": geometry(**kwargs["geometry"])}
    error = refusal(**kwargs)
    assert error.field == field
    assert error.reason == "is required for this geometry"


def test_a_corridor_needs_two_distinct_points() -> None:
    error = refusal(geometry=geometry(type="LineString", coordinates=[PALMYRA, PALMYRA]), width_m=1)
    assert error.field == "volumes.0.geometry.coordinates"
    assert error.reason == "a corridor needs two distinct points"


# Refusals of the record (pydantic): band, window, flight levels, which fields go together.

START = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)


def _record(**changes: Any) -> dict[str, Any]:
    record = {
        "geometry": {"type": "Circle", "coordinates": PALMYRA, "radius_m": 1_000},
        "alt_lower_ft": 0,
        "alt_upper_ft": 10_000,
        "start": START.isoformat(),
        "end": (START + timedelta(hours=2)).isoformat(),
    }
    return {**record, **changes}


def model_refusal(**changes: Any) -> dict[str, Any]:
    with pytest.raises(ValidationError) as caught:
        VolumeIn.model_validate(_record(**changes))
    errors = caught.value.errors()
    assert len(errors) == 1
    return dict(errors[0])


def test_a_well_formed_volume_is_accepted() -> None:
    volume = VolumeIn.model_validate(_record())
    assert volume.duration_s == 7_200
    assert volume.geometry is not None and volume.geometry.type == "Circle"


def test_a_lower_bound_above_the_upper_is_refused_on_the_upper() -> None:
    error = model_refusal(alt_lower_ft=12_000, alt_upper_ft=11_000)
    assert error["loc"] == ("alt_upper_ft",)
    assert "lower is above upper" in error["msg"]


def test_a_band_of_one_altitude_is_accepted() -> None:
    assert VolumeIn.model_validate(_record(alt_lower_ft=5_000, alt_upper_ft=5_000))


@pytest.mark.parametrize("end", [START - timedelta(minutes=1), START])
def test_an_end_not_after_the_start_is_refused_on_the_end(end: datetime) -> None:
    error = model_refusal(end=end.isoformat())
    assert error["loc"] == ("end",)
    assert "must be after start" in error["msg"]


def test_a_time_without_a_zone_is_refused() -> None:
    error = model_refusal(start="2026-11-22T16:00:00")
    assert error["loc"] == ("start",)


@pytest.mark.parametrize(
    ("level", "feet"), [("FL150", 15_000), ("fl 95", 9_500), (" FL050 ", 5_000), ("FL0", 0)]
)
def test_a_flight_level_is_hundreds_of_feet(level: str, feet: float) -> None:
    volume = VolumeIn.model_validate(_record(alt_lower_ft=level, alt_upper_ft="FL300"))
    assert volume.alt_lower_ft == feet
    assert volume.alt_upper_ft == 30_000


@pytest.mark.parametrize("level", ["FL", "FL1500", "FLX", "150ft", "F150", "FL-10", ""])
def test_a_flight_level_that_is_not_one_is_refused(level: str) -> None:
    error = model_refusal(alt_lower_ft=level)
    assert error["loc"] == ("alt_lower_ft",)
    assert "flight level such as FL150" in error["msg"]


def test_an_altitude_beyond_the_limits_is_refused() -> None:
    assert model_refusal(alt_upper_ft=100_001)["loc"] == ("alt_upper_ft",)
    assert model_refusal(alt_lower_ft=-1_501)["loc"] == ("alt_lower_ft",)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"mgrs": "37SDU3323"}, "give exactly one of geometry or mgrs"),
        ({"geometry": None}, "give exactly one of geometry or mgrs"),
        (
            {
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[PALMYRA, (38.3, 34.5), (38.3, 34.6)]],
                },
                "radius_m": 100,
            },
            "radius_m is for a Point or MGRS reference, not a Polygon",
        ),
        ({"radius_m": 100}, "radius_m is for a Point or MGRS reference, not a Circle"),
        ({"width_m": 100}, "width_m is for a corridor (LineString), not a Circle"),
        (
            {"geometry": {"type": "Point", "coordinates": PALMYRA}},
            "a point (or MGRS reference) needs radius_m",
        ),
        ({"geometry": None, "mgrs": "37SDU3323"}, "a point (or MGRS reference) needs radius_m"),
        (
            {"geometry": {"type": "LineString", "coordinates": [PALMYRA, (38.3, 34.6)]}},
            "a corridor (LineString) needs width_m",
        ),
    ],
    ids=[
        "geometry-and-mgrs",
        "neither",
        "radius-for-polygon",
        "radius-for-circle",
        "width-for-circle",
        "point-without-radius",
        "mgrs-without-radius",
        "corridor-without-width",
    ],
)
def test_fields_that_do_not_go_together_are_refused(changes: dict[str, Any], message: str) -> None:
    error = model_refusal(**changes)
    assert message in error["msg"]


def test_an_unknown_field_is_refused() -> None:
    assert model_refusal(colour="red")["loc"] == ("colour",)


def test_an_unknown_geometry_type_is_refused() -> None:
    error = model_refusal(geometry={"type": "Triangle", "coordinates": []})
    assert error["loc"] == ("geometry",)


def test_the_geometry_checks_run_on_a_record_that_pydantic_accepted() -> None:
    # pydantic takes any numbers; the vertex in range is geo.volumes' business.
    record = _record(
        geometry={"type": "Polygon", "coordinates": [[PALMYRA, (238.3, 34.5), (38.3, 34.6)]]}
    )
    volume = VolumeIn.model_validate(record)
    with pytest.raises(ClearlineError) as caught:
        volume_footprint(volume, THEATRE, "volumes.3")
    assert caught.value.field == "volumes.3.geometry.coordinates.0.1"


def test_a_polygon_footprint_is_a_shapely_polygon_in_metres() -> None:
    ring = quadrilateral(*PALMYRA)
    shape = footprint(THEATRE, FIELD, geometry(type="Polygon", coordinates=[ring]))
    assert isinstance(shape, Polygon)
    assert shape.bounds[0] < -10_000  # metres west of the theatre's centre, not degrees
