"""The planners' what-if: a plan's volumes checked against each other, nothing filed, nobody told.

A plan is a GeoJSON FeatureCollection of volumes; the answer is a FeatureCollection with one
feature per pair of volumes of different parties that come within the separation minima: the
region of the clash, the ids of both sides and the window. A plan that cannot be read is refused
with the field at fault, down to ``features.N.properties.FIELD``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pyproj import Geod
from shapely.geometry import shape

from clearline.geo.projection import projection
from clearline.model.errors import ClearlineError, ErrorKind
from clearline.model.protocol import Protocol, Separation
from clearline.services.deconfliction import planning

NOW = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)
START = NOW + timedelta(hours=2)
GEOD = Geod(ellps="WGS84")
PALMYRA = (38.27, 34.55)  # longitude, latitude
NO_MINIMA = Separation(horizontal_m=0, vertical_ft=0, time_s=0)


def square(lon: float, lat: float, side: float = 0.02) -> dict[str, Any]:
    """A square of ``side`` degrees (some 2 km) with its south-west corner at (lon, lat)."""
    ring = [[lon, lat], [lon + side, lat], [lon + side, lat + side], [lon, lat + side], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def volume(
    id: str | int,
    party: str,
    geometry: dict[str, Any] | None = None,
    **properties: Any,
) -> dict[str, Any]:
    """A plan feature: an hour's air patrol from the surface to 10,000 ft at Palmyra."""
    return {
        "type": "Feature",
        "geometry": geometry or square(*PALMYRA),
        "properties": {
            "id": id,
            "party": party,
            "kind": "air_patrol",
            "alt_lower_ft": 0,
            "alt_upper_ft": 10_000,
            "start": START.isoformat(),
            "end": (START + timedelta(hours=1)).isoformat(),
            **properties,
        },
    }


def plan(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def check(collection: Any, separation: Separation | None = None) -> list[dict[str, Any]]:
    answer = planning.check(collection, separation, NOW).collection()
    assert answer["type"] == "FeatureCollection"
    features: list[dict[str, Any]] = answer["features"]
    return features


def refusal(collection: Any) -> ClearlineError:
    with pytest.raises(ClearlineError) as caught:
        planning.check(collection, None, NOW)
    assert caught.value.kind is ErrorKind.INVALID
    return caught.value


def east_of(metres: float) -> tuple[float, float]:
    """The position ``metres`` due east of the default square's south-east corner."""
    corner = (PALMYRA[0] + 0.02, PALMYRA[1])
    lon, lat, _ = GEOD.fwd(*corner, 90, metres)
    return lon, lat


def geodesic_area(geometry: dict[str, Any]) -> float:
    area, _ = GEOD.geometry_area_perimeter(shape(geometry))
    return abs(area)


# Conflicts: one feature per pair of parties' volumes, naming both.


def test_overlapping_volumes_of_two_parties_give_one_conflict_naming_both() -> None:
    north = volume("north-patrol", "IL")
    south = volume("south-patrol", "TR", square(PALMYRA[0] + 0.01, PALMYRA[1] - 0.01))
    [conflict] = check(plan(north, south))
    assert conflict["type"] == "Feature"
    properties = conflict["properties"]
    assert (properties["a"], properties["b"]) == ("north-patrol", "south-patrol")
    assert properties["parties"] == ["IL", "TR"]
    assert properties["source"] == "volumes"
    assert properties["overlap"] is True
    assert properties["window_start"] == START.isoformat()
    assert properties["window_end"] == (START + timedelta(hours=1)).isoformat()


def test_the_region_with_no_minima_is_where_the_footprints_overlap() -> None:
    # The two squares share a quarter of each: 0.01° × 0.01°, about 1 km².
    north = volume("north", "IL")
    south = volume("south", "TR", square(PALMYRA[0] + 0.01, PALMYRA[1] - 0.01))
    [conflict] = check(plan(north, south), NO_MINIMA)
    assert conflict["geometry"]["type"] == "Polygon"
    expected = geodesic_area(square(PALMYRA[0] + 0.01, PALMYRA[1], 0.01))
    assert geodesic_area(conflict["geometry"]) == pytest.approx(expected, rel=5e-3)


def test_the_region_with_minima_reaches_as_far_as_the_minimum() -> None:
    # Two squares 3 km apart: the region is the part of each within 5 km of the other.
    west = volume("west", "IL")
    east = volume("east", "TR", square(*east_of(3_000)))
    [conflict] = check(plan(west, east))
    region = shape(conflict["geometry"])
    assert conflict["properties"]["overlap"] is False
    assert region.intersects(shape(west["geometry"]))
    assert region.intersects(shape(east["geometry"]))
    assert not region.contains(shape(west["geometry"]))  # west's far side is 5 km+ from east


def test_volumes_of_one_party_never_conflict() -> None:
    assert check(plan(volume("a", "IL"), volume("b", "IL"))) == []


def test_one_conflict_per_pair_of_parties_volumes() -> None:
    found = check(plan(volume("il", "IL"), volume("tr-1", "TR"), volume("tr-2", "TR")))
    assert sorted((f["properties"]["a"], f["properties"]["b"]) for f in found) == [
        ("il", "tr-1"),
        ("il", "tr-2"),
    ]


def test_a_plan_without_volumes_has_no_conflicts() -> None:
    assert check(plan()) == []


def test_volumes_far_apart_do_not_conflict() -> None:
    far = volume("far", "TR", square(*east_of(20_000)))
    assert check(plan(volume("here", "IL"), far)) == []


# Separation: the protocol's minima unless the planner gives others.


def test_the_default_minima_are_the_protocols() -> None:
    assert Protocol().separation == Separation(horizontal_m=5_000, vertical_ft=1_000, time_s=300)


@pytest.mark.parametrize(
    ("separation", "conflict"),
    [(None, True), (Separation(horizontal_m=2_000), False), (NO_MINIMA, False)],
    ids=["default-5-km", "custom-2-km", "none"],
)
def test_a_custom_horizontal_minimum(separation: Separation | None, conflict: bool) -> None:
    three_km = volume("east", "TR", square(*east_of(3_000)))
    assert bool(check(plan(volume("west", "IL"), three_km), separation)) is conflict


@pytest.mark.parametrize(
    ("separation", "conflict"),
    [(None, False), (Separation(vertical_ft=2_000), True)],
    ids=["default-1000-ft", "custom-2000-ft"],
)
def test_a_custom_vertical_minimum(separation: Separation | None, conflict: bool) -> None:
    above = volume("above", "TR", alt_lower_ft=11_500, alt_upper_ft="FL200")
    assert bool(check(plan(volume("below", "IL"), above), separation)) is conflict


@pytest.mark.parametrize(
    ("separation", "conflict"),
    [(None, False), (Separation(time_s=900), True)],
    ids=["default-300-s", "custom-900-s"],
)
def test_a_custom_time_minimum(separation: Separation | None, conflict: bool) -> None:
    later_start = START + timedelta(hours=1, minutes=10)
    later = volume(
        "later",
        "TR",
        start=later_start.isoformat(),
        end=(later_start + timedelta(hours=1)).isoformat(),
    )
    found = check(plan(volume("first", "IL"), later), separation)
    assert bool(found) is conflict
    if found:  # windows that only come close: the window is the gap between them
        assert found[0]["properties"]["window_start"] == (START + timedelta(hours=1)).isoformat()
        assert found[0]["properties"]["window_end"] == later_start.isoformat()
        assert found[0]["properties"]["overlap"] is False


def test_the_window_is_where_the_windows_overlap() -> None:
    later_start = START + timedelta(minutes=40)
    later = volume(
        "later",
        "TR",
        start=later_start.isoformat(),
        end=(later_start + timedelta(hours=1)).isoformat(),
    )
    [conflict] = check(plan(volume("first", "IL"), later))
    assert conflict["properties"]["window_start"] == later_start.isoformat()
    assert conflict["properties"]["window_end"] == (START + timedelta(hours=1)).isoformat()


def test_the_theatre_centre_of_a_protocol_is_used() -> None:
    # A protocol centred elsewhere still finds the same overlap.
    elsewhere = Protocol(theatre_centre=(36.2, 37.1))
    north = volume("north", "IL")
    south = volume("south", "TR", square(PALMYRA[0] + 0.01, PALMYRA[1] - 0.01))
    found = planning.check(plan(north, south), None, NOW, elsewhere).features
    assert len(found) == 1
    assert projection(*elsewhere.theatre_centre).centre == (36.2, 37.1)


# Every kind of footprint a notice takes is taken in a plan too.


def test_circles_corridors_points_and_grid_references_are_planned() -> None:
    lon, lat = PALMYRA
    found = check(
        plan(
            volume("circle", "IL", {"type": "Circle", "coordinates": [lon, lat], "radius_m": 500}),
            volume(
                "route",
                "TR",
                {"type": "LineString", "coordinates": [[lon - 0.1, lat], [lon + 0.1, lat]]},
                width_m=200,
            ),
            volume("point", "AZ", {"type": "Point", "coordinates": [lon, lat]}, radius_m=100),
        ),
        NO_MINIMA,
    )
    pairs = {tuple(sorted((f["properties"]["a"], f["properties"]["b"]))) for f in found}
    assert pairs == {("circle", "route"), ("circle", "point"), ("point", "route")}


# Refusals: the feature and the field at fault.


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"alt_lower_ft": 12_000}, "features.1.properties.alt_upper_ft"),
        ({"end": (START - timedelta(minutes=5)).isoformat()}, "features.1.properties.end"),
        ({"party": "israel"}, "features.1.properties.party"),
        ({"kind": "picnic"}, "features.1.properties.kind"),
        ({"alt_lower_ft": "FL"}, "features.1.properties.alt_lower_ft"),
        ({"start": "tomorrow"}, "features.1.properties.start"),
        ({"radius_m": -5}, "features.1.properties.radius_m"),
    ],
    ids=["band", "window", "party", "kind", "flight-level", "start", "radius"],
)
def test_an_invalid_property_is_named_by_feature_and_field(
    change: dict[str, Any], field: str
) -> None:
    bad = volume("bad", "TR")
    bad["properties"].update(change)
    error = refusal(plan(volume("ok", "IL"), bad))
    assert error.field == field


@pytest.mark.parametrize("missing", ["id", "party", "kind", "alt_lower_ft", "start"])
def test_a_missing_property_is_named(missing: str) -> None:
    bad = volume("bad", "TR")
    del bad["properties"][missing]
    error = refusal(plan(bad))
    assert error.field == f"features.0.properties.{missing}"
    assert error.reason == "Field required"


def test_fields_that_do_not_go_together_are_refused_with_the_reason() -> None:
    error = refusal(plan(volume("bad", "TR", radius_m=100)))
    assert error.field.startswith("features.0.properties")
    assert "radius_m is for a Point or MGRS reference, not a Polygon" in error.reason


def test_an_invalid_geometry_is_named_by_feature_and_geometry_field() -> None:
    lon, lat = PALMYRA
    bow_tie = [[lon, lat], [lon + 0.01, lat + 0.01], [lon, lat + 0.01], [lon + 0.01, lat]]
    error = refusal(
        plan(volume("ok", "IL"), volume("bad", "TR", {"type": "Polygon", "coordinates": [bow_tie]}))
    )
    assert error.field == "features.1.geometry.coordinates"
    assert "self-intersecting" in error.reason


def test_a_malformed_geometry_is_named_under_the_geometry_not_the_properties() -> None:
    error = refusal(plan(volume("bad", "TR", {"type": "Polygon"})))
    assert error.field == "features.0.geometry.coordinates"
    assert error.reason == "Field required"
    error = refusal(plan(volume("bad", "TR", {"type": "Triangle", "coordinates": []})))
    assert error.field == "features.0.geometry"


def test_a_vertex_out_of_range_is_named_down_to_the_vertex() -> None:
    lon, lat = PALMYRA
    ring = [[lon, lat], [lon + 0.01, lat], [lon + 0.01, 95.0], [lon, lat + 0.01]]
    error = refusal(plan(volume("bad", "TR", {"type": "Polygon", "coordinates": [ring]})))
    assert error.field == "features.0.geometry.coordinates.0.2"
    assert error.reason == "latitude out of range (-90 to 90)"


@pytest.mark.parametrize(
    "collection",
    [
        {"type": "Feature", "geometry": None, "properties": {}},
        {"type": "FeatureCollection"},
        {"type": "FeatureCollection", "features": {}},
        {"features": []},
        [],
        "plan",
    ],
    ids=["feature", "no-features", "features-not-a-list", "no-type", "list", "string"],
)
def test_something_other_than_a_feature_collection_is_refused(collection: Any) -> None:
    error = refusal(collection)
    assert error.field == "plan"
    assert error.reason == "expected a GeoJSON FeatureCollection with a features list"


def test_a_feature_that_is_not_an_object_is_named() -> None:
    error = refusal(plan(volume("ok", "IL"), "not a feature"))  # type: ignore[arg-type]
    assert error.field == "features.1"


# Ids: the planner's own names, one per volume.


def test_duplicate_ids_are_refused() -> None:
    error = refusal(plan(volume("patrol", "IL"), volume("patrol", "TR")))
    assert error.field == "features"
    assert error.reason == "every feature needs its own id"


def test_a_number_and_its_string_are_the_same_id() -> None:
    error = refusal(plan(volume(1, "IL"), volume("1", "TR")))
    assert error.field == "features"


def test_numeric_ids_are_named_as_strings() -> None:
    [conflict] = check(plan(volume(1, "IL"), volume(2, "TR")))
    assert (conflict["properties"]["a"], conflict["properties"]["b"]) == ("1", "2")
