"""The metric projection a theatre is computed in: never degrees, always metres.

An azimuthal equidistant projection centred on the theatre keeps distances from its centre
exact and others within 0.1 % up to 450 km away (all of Syria from a centre near Palmyra),
which is far inside the separation minima's own precision.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"


class Projection:
    """Longitude/latitude to metres east/north of the theatre's centre, and back."""

    def __init__(self, lat0: float, lon0: float) -> None:
        self.centre = (lat0, lon0)
        crs = CRS.from_proj4(f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m")
        self._forward = Transformer.from_crs(WGS84, crs, always_xy=True)
        self._inverse = Transformer.from_crs(crs, WGS84, always_xy=True)

    def to_metres(self, geometry: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geometry, self._forward_xy)

    def to_degrees(self, geometry: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geometry, self._inverse_xy)

    def many_to_metres(self, geometries: np.ndarray) -> np.ndarray:
        """Longitude/latitude geometries to metres, all coordinates in one call (a rebuild)."""
        coordinates = shapely.get_coordinates(geometries)
        projected = self._forward_xy(coordinates) if len(coordinates) else coordinates
        return shapely.set_coordinates(geometries.copy(), projected)

    def points(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._forward.transform(lon, lat)
        return np.asarray(x), np.asarray(y)

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        lon, lat = self._inverse.transform(x, y)
        return float(lon), float(lat)

    def _forward_xy(self, xy: np.ndarray) -> np.ndarray:
        return np.column_stack(self._forward.transform(xy[:, 0], xy[:, 1]))

    def _inverse_xy(self, xy: np.ndarray) -> np.ndarray:
        return np.column_stack(self._inverse.transform(xy[:, 0], xy[:, 1]))


@cache
def projection(lat0: float, lon0: float) -> Projection:
    """One projection per centre: building a PROJ transformer costs milliseconds."""
    return Projection(lat0, lon0)
