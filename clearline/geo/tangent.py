"""The local frame DAIDALUS computes well-clear in: an orthographic projection tangent at the
ownship, on a sphere, with altitude as the third axis.

Times to loss of well-clear only agree with DAIDALUS's to 1e-4 s when positions and velocities are
taken to metres exactly as it does: positions by the orthographic formulas on a sphere of
DAIDALUS's radius, velocities by moving each aircraft 10 s along its great circle and differencing
the two projected points. A flat-earth frame drifts by up to 0.1 s at 40 NM.

Every function takes numpy arrays (or scalars) and broadcasts: one ownship against 10^5 intruders
is one call. Angles are in degrees, lengths in metres, speeds in metres per second.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

EARTH_RADIUS_M = 6_366_707.0195
"""The sphere DAIDALUS projects on (larcfm ``GreatCircle.spherical_earth_radius``)."""
VELOCITY_STEP_S = 10.0
"""How far ahead a velocity is followed along its great circle before projecting it."""

Array = NDArray[np.float64]


def project(
    lat_deg: ArrayLike,
    lon_deg: ArrayLike,
    alt_m: ArrayLike,
    ref_lat_deg: ArrayLike,
    ref_lon_deg: ArrayLike,
    ref_alt_m: ArrayLike,
) -> Array:
    """Positions as (east, north, up) metres in the frame tangent at the reference point.

    Shape ``(..., 3)``; a point beyond the horizon of the reference has no orthographic image
    and comes back as NaN.
    """
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    ref_lat, ref_lon = np.radians(ref_lat_deg), np.radians(ref_lon_deg)
    dlon = lon - ref_lon
    visible = (np.sin(ref_lat) * np.sin(lat) + np.cos(ref_lat) * np.cos(lat) * np.cos(dlon)) >= 0
    east = EARTH_RADIUS_M * np.cos(lat) * np.sin(dlon)
    north = EARTH_RADIUS_M * (
        np.cos(ref_lat) * np.sin(lat) - np.sin(ref_lat) * np.cos(lat) * np.cos(dlon)
    )
    up = np.asarray(alt_m, dtype=float) - np.asarray(ref_alt_m, dtype=float)
    east, north, up = np.broadcast_arrays(east, north, up)
    return np.where(visible[..., None], np.stack([east, north, up], axis=-1), np.nan)


def great_circle_step(
    lat_deg: ArrayLike,
    lon_deg: ArrayLike,
    alt_m: ArrayLike,
    track_deg: ArrayLike,
    ground_speed_ms: ArrayLike,
    vertical_speed_ms: ArrayLike,
    dt_s: float,
) -> tuple[Array, Array, Array]:
    """Where an aircraft is after ``dt_s`` seconds on the great circle its track starts, at its
    ground speed, climbing at its vertical speed: (latitude, longitude, altitude)."""
    lat, lon, track = np.radians(lat_deg), np.radians(lon_deg), np.radians(track_deg)
    angle = np.asarray(ground_speed_ms, dtype=float) * dt_s / EARTH_RADIUS_M
    new_lat = np.arcsin(
        np.clip(np.sin(lat) * np.cos(angle) + np.cos(lat) * np.sin(angle) * np.cos(track), -1, 1)
    )
    dlon = np.arctan2(
        np.sin(track) * np.sin(angle) * np.cos(lat),
        np.cos(angle) - np.sin(lat) * np.sin(new_lat),
    )
    new_alt = np.asarray(alt_m, dtype=float) + np.asarray(vertical_speed_ms, dtype=float) * dt_s
    return np.degrees(new_lat), np.degrees(lon + dlon), new_alt


def project_velocity(
    lat_deg: ArrayLike,
    lon_deg: ArrayLike,
    alt_m: ArrayLike,
    track_deg: ArrayLike,
    ground_speed_ms: ArrayLike,
    vertical_speed_ms: ArrayLike,
    ref_lat_deg: ArrayLike,
    ref_lon_deg: ArrayLike,
    ref_alt_m: ArrayLike,
) -> Array:
    """Velocities as (east, north, up) metres per second in the frame tangent at the reference:
    the projected displacement over a 10 s great-circle step, divided by 10 s."""
    reference = (ref_lat_deg, ref_lon_deg, ref_alt_m)
    later = great_circle_step(
        lat_deg, lon_deg, alt_m, track_deg, ground_speed_ms, vertical_speed_ms, VELOCITY_STEP_S
    )
    start = project(lat_deg, lon_deg, alt_m, *reference)
    return (project(*later, *reference) - start) / VELOCITY_STEP_S
