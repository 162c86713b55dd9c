"""What a party may see as RFC 7946 GeoJSON: valid FeatureCollections (checked by
geojson-pydantic, and the right-hand rule by shapely), circles as polygons that keep their
centre and radius, tracks with their height, encounters at their point; and nothing blind to
the reader, in any byte."""

from __future__ import annotations

import math
from typing import Any

import pytest
from geojson_pydantic import FeatureCollection
from shapely.geometry import Polygon, shape

from clearline.clock import FixedClock
from tests.conftest import Line
from tests.support.theatre import circle, filed, notice, square, volume
from tests.support.tracks import fly, jet, moved, uav


def collection(line: Line, party: str, path: str, **params: Any) -> dict[str, Any]:
    answer = line.get(party, path, **params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/geo+json"
    found = answer.json()
    FeatureCollection.model_validate(found)  # RFC 7946's structure
    assert "crs" not in found  # RFC 7946 has none: WGS 84 longitude, latitude
    for feature in found["features"]:
        if feature["geometry"] and feature["geometry"]["type"] == "Polygon":
            polygon = shape(feature["geometry"])
            assert isinstance(polygon, Polygon) and polygon.is_valid
            assert polygon.exterior.is_ccw, feature["id"]  # the right-hand rule
    return dict(found)


def test_notices_are_one_feature_a_volume_with_circles_as_polygons(line: Line) -> None:
    clockwise = {
        "type": "Polygon",
        "coordinates": [list(reversed(square(38.0, 34.5)["coordinates"][0]))],
    }
    ours = filed(
        line, "IL", notice("air_patrol", volume(clockwise), volume(circle(radius_m=8_000)))
    )
    theirs = filed(line, "TR", notice("uav_flight", volume(circle((38.6, 34.9), 5_000))))
    found = collection(line, "IL", "/v1/notices.geojson")
    by_id = {f["id"]: f for f in found["features"]}
    assert set(by_id) == {
        f"notice-{ours['id']}-0",
        f"notice-{ours['id']}-1",
        f"notice-{theirs['id']}-0",
    }
    ring = by_id[f"notice-{ours['id']}-1"]
    assert ring["geometry"]["type"] == "Polygon"
    assert (
        ring["properties"]["centre"] == [38.27, 34.55] and ring["properties"]["radius_m"] == 8_000
    )
    assert ring["properties"]["drawn_as"] == "Circle"
    area = shape(ring["geometry"]).area
    assert area == pytest.approx(shape(circle_polygon(38.27, 34.55, 8_000)).area, rel=0.01)
    assert by_id[f"notice-{theirs['id']}-0"]["properties"]["party"] == "TR"


def circle_polygon(lon: float, lat: float, radius_m: float) -> dict[str, Any]:
    """A circle in degrees, near enough at 34.5°N for a 1 % check of its area."""
    points = []
    for step in range(256):
        angle = 2 * math.pi * step / 256
        points.append(
            [
                lon + radius_m * math.cos(angle) / (111_320 * math.cos(math.radians(lat))),
                lat + radius_m * math.sin(angle) / 110_950,
            ]
        )
    return {"type": "Polygon", "coordinates": [[*points, points[0]]]}


def test_a_blind_notice_and_a_blind_track_are_in_no_one_elses_collection(
    line: Line, clock: FixedClock
) -> None:
    hidden = filed(
        line, "TR", notice("uav_flight", volume(circle((38.777, 34.888), 3_333)), sharing="blind")
    )
    secret = {**uav(clock.now()), "track_id": "SHADOW-9", "lat": 34.612345, "lon": 38.054321}
    ghost = {**uav(clock.now()), "track_id": "GHOST", "lat": 34.701234, "lon": 38.456789}
    assert line.report("TR", secret, {**ghost, "share_with": []}).status_code == 200
    assert line.report("TR", {**uav(clock.now()), "share_with": ["IL"]}).status_code == 200
    for path in ("/v1/notices.geojson", "/v1/tracks.geojson", "/v1/encounters.geojson"):
        text = line.get("IL", path).text
        for value in (f"notice-{hidden['id']}", "38.777", "3333", "GHOST", "34.7012", "38.4567"):
            assert value not in text, (path, value)
    seen = collection(line, "IL", "/v1/tracks.geojson")["features"]
    assert {f["properties"]["track_id"] for f in seen} == {"SHADOW-9", "ANKA-3"}


def test_tracks_are_points_with_their_height_and_encounters_at_their_point(
    line: Line, clock: FixedClock
) -> None:
    now = clock.now()
    feeds = [("IL", jet(now)), ("TR", uav(now))]
    fly(line, clock, 2, *[(p, moved(first, 0)) for p, first in feeds])
    (track,) = [
        f
        for f in collection(line, "IL", "/v1/tracks.geojson")["features"]
        if f["properties"]["reporter"] == "TR"
    ]
    *_lon_lat, height = track["geometry"]["coordinates"]
    assert height == pytest.approx(15_000 * 0.3048)
    assert (track["properties"]["kind"], track["properties"]["status"]) == ("uav", "own")
    (encounter,) = collection(line, "TR", "/v1/encounters.geojson")["features"]
    assert encounter["geometry"]["type"] == "Point"
    assert (
        encounter["properties"]["parties"] == ["IL", "TR"] and encounter["properties"]["level"] >= 1
    )
