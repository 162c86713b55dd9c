"""The protocol's bounds on where and when: a place outside the agreement's theatre, or a time
no real plan or report has (a notice a year ahead, an incident in 1900), is a mistake that
would otherwise be taken in silence, so it is refused naming the field.

Distances are measured in the theatre's projection, which is azimuthal equidistant about the
theatre's centre: a point's distance from the origin there is its true distance from the centre.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any, NoReturn

import numpy as np
import shapely
from numpy.typing import NDArray
from pydantic import BaseModel
from shapely.geometry.base import BaseGeometry

from clearline.geo.projection import projection
from clearline.model.errors import invalid
from clearline.model.message import Point
from clearline.model.protocol import Protocol

REPORTED = ("occurred_at", "observed_at")
"""Message body times that say when something was seen: in the past, not long ago."""
UNTIL = ("valid_until", "until", "window_end")
"""Message body times that say until when something holds: not passed already."""


def footprint_in_theatre(shape: BaseGeometry, protocol: Protocol, field: str) -> None:
    """A footprint in the theatre's metres lies wholly within its radius."""
    xy = shapely.get_coordinates(shape)
    if not np.hypot(xy[:, 0], xy[:, 1]).max() <= protocol.theatre_radius_m:
        _refuse(protocol, field)


def drawn_in_theatre(coordinates: Any, protocol: Protocol, field: str) -> None:
    """Every position of GeoJSON ``coordinates`` (a point's, or all a zone was drawn with)
    lies in the theatre. A zone's area may not: the side of a deconfliction line reaches as
    far as the line's agreement does."""
    lon, lat = np.array(list(_positions(coordinates)), np.float64).reshape(-1, 2).T
    if outside_theatre(lon, lat, protocol).any():
        _refuse(protocol, field)


def point_in_theatre(lat: float, lon: float, protocol: Protocol, field: str) -> None:
    drawn_in_theatre([lon, lat], protocol, field)


def _positions(coordinates: Any) -> Iterator[tuple[float, float]]:
    """The (lon, lat) positions of GeoJSON coordinates, nested as deep as they are."""
    if coordinates and isinstance(coordinates[0], (int, float)):
        yield float(coordinates[0]), float(coordinates[1])
        return
    for inner in coordinates:
        yield from _positions(inner)


def outside_theatre(
    lon: NDArray[np.float64], lat: NDArray[np.float64], protocol: Protocol
) -> NDArray[np.bool_]:
    """Which of these positions lie outside the theatre (all at once: a batch of 10,000)."""
    x, y = projection(*protocol.theatre_centre).points(lon, lat)
    return ~(np.hypot(x, y) <= protocol.theatre_radius_m)  # NaN, far past the antipode, is out


def notice_start(start: datetime, protocol: Protocol, now: datetime, field: str) -> None:
    """A notice says what is about to happen: not what is planned beyond the horizon."""
    horizon = now + timedelta(seconds=protocol.notice_horizon_s)
    if start > horizon:
        raise invalid(
            field, f"starts beyond the protocol's horizon of {_days(protocol.notice_horizon_s)}"
        )


def message_body(body: BaseModel, protocol: Protocol, now: datetime) -> None:
    """A message's places in the theatre, its reported times recent, its end times to come."""
    for name, value in body:
        field = f"body.{name}"
        if isinstance(value, Point):
            point_in_theatre(value.lat, value.lon, protocol, field)
        elif name in REPORTED and isinstance(value, datetime):
            _reported(value, protocol, now, field)
        elif name in UNTIL and isinstance(value, datetime) and value <= now:
            raise invalid(field, "has passed already")


def _reported(moment: datetime, protocol: Protocol, now: datetime, field: str) -> None:
    if moment > now + timedelta(seconds=protocol.clock_skew_s):
        raise invalid(field, "is ahead of the line's clock: it has not happened yet")
    if moment < now - timedelta(seconds=protocol.report_age_s):
        raise invalid(field, f"is older than the protocol accepts ({_days(protocol.report_age_s)})")


def _refuse(protocol: Protocol, field: str) -> NoReturn:
    raise invalid(
        field,
        f"outside the agreement's theatre: it reaches {protocol.theatre_radius_m / 1_000:g} "
        f"km from its centre {protocol.theatre_centre}",
    )


def _days(seconds: int) -> str:
    return f"{seconds / 86_400:g} days"
