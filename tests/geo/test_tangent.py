"""The frame DAIDALUS works in: an orthographic projection tangent at the ownship on a sphere of
6,366,707.0195 m, altitude as the third axis, velocities through a 10 s great-circle step.

Positions are checked against PROJ's own orthographic projection on the same sphere, and the
great-circle step against distances and courses on that sphere worked out independently.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyproj import Geod, Transformer

from clearline.geo import tangent
from clearline.model.wellclear import KNOT_MS

SPHERE = Geod(a=tangent.EARTH_RADIUS_M, b=tangent.EARTH_RADIUS_M)
OWNSHIP = (33.8149396, -117.0, 5_181.6)  # H1's ownship: latitude, longitude, altitude (m)


def ortho(lat0: float, lon0: float) -> Transformer:
    """PROJ's orthographic projection on DAIDALUS's sphere, tangent at (lat0, lon0)."""
    crs = f"+proj=ortho +lat_0={lat0} +lon_0={lon0} +R={tangent.EARTH_RADIUS_M} +units=m"
    return Transformer.from_crs("+proj=longlat +R=6366707.0195", crs, always_xy=True)


def test_the_reference_point_is_the_origin() -> None:
    assert tangent.project(*OWNSHIP, *OWNSHIP) == pytest.approx([0, 0, 0], abs=1e-9)


def test_positions_are_proj_orthographic_on_the_sphere_with_altitude_above_the_reference() -> None:
    rng = np.random.default_rng(7)
    lat = OWNSHIP[0] + rng.uniform(-1, 1, 1_000)
    lon = OWNSHIP[1] + rng.uniform(-1, 1, 1_000)
    alt = rng.uniform(0, 15_000, 1_000)
    projected = tangent.project(lat, lon, alt, *OWNSHIP)
    east, north = ortho(OWNSHIP[0], OWNSHIP[1]).transform(lon, lat)
    assert projected.shape == (1_000, 3)
    assert np.allclose(projected[:, 0], east, rtol=0, atol=1e-6)
    assert np.allclose(projected[:, 1], north, rtol=0, atol=1e-6)
    assert np.array_equal(projected[:, 2], alt - OWNSHIP[2])


def test_a_point_beyond_the_horizon_has_no_image() -> None:
    far_side = tangent.project(-OWNSHIP[0], OWNSHIP[1] + 180, 0, *OWNSHIP)
    assert np.isnan(far_side).all()


@pytest.mark.parametrize("track_deg", [0, 45, 90, 200, 359])
def test_a_great_circle_step_covers_the_ground_speed_on_the_initial_track(track_deg: float) -> None:
    speed = 450 * KNOT_MS
    lat, lon, alt = tangent.great_circle_step(*OWNSHIP, track_deg, speed, -5.0, 120.0)
    course, _, distance = SPHERE.inv(OWNSHIP[1], OWNSHIP[0], lon, lat)
    assert distance == pytest.approx(speed * 120, rel=1e-12)
    assert (course - track_deg + 180) % 360 - 180 == pytest.approx(0, abs=1e-9)
    assert alt == pytest.approx(OWNSHIP[2] - 600)


def test_a_velocity_at_the_reference_is_its_east_north_up_components() -> None:
    speed, track = 200 * KNOT_MS, math.radians(30)
    velocity = tangent.project_velocity(*OWNSHIP, 30, speed, 2.5, *OWNSHIP)
    expected = [speed * math.sin(track), speed * math.cos(track), 2.5]
    assert velocity == pytest.approx(expected, abs=1e-6)


def test_a_velocity_away_from_the_reference_is_the_projected_10_second_displacement() -> None:
    """40 NM north-east the frame is no longer flat: the velocity is what DAIDALUS takes, the
    difference of two projected points 10 s apart on the aircraft's great circle."""
    intruder = (34.3, -116.4, 5_000.0)
    speed = 600 * KNOT_MS
    velocity = tangent.project_velocity(*intruder, 250, speed, -3.0, *OWNSHIP)
    later = tangent.great_circle_step(*intruder, 250, speed, -3.0, 10)
    displacement = tangent.project(*later, *OWNSHIP) - tangent.project(*intruder, *OWNSHIP)
    assert velocity == pytest.approx(displacement / 10, abs=1e-12)
    flat = [speed * math.sin(math.radians(250)), speed * math.cos(math.radians(250))]
    assert np.hypot(*(velocity[:2] - flat)) > 1e-3  # the sphere shows at this range


def test_many_aircraft_project_in_one_call_against_one_reference() -> None:
    lat = np.array([33.9, 34.0, 34.1])
    lon = np.array([-117.1, -116.9, -117.0])
    one_by_one = [
        tangent.project_velocity(la, lo, 5_000, 90, 100, 0, *OWNSHIP)
        for la, lo in zip(lat, lon, strict=True)
    ]
    together = tangent.project_velocity(lat, lon, 5_000, 90, 100, 0, *OWNSHIP)
    assert together.shape == (3, 3)
    assert np.array_equal(together, np.array(one_by_one))
