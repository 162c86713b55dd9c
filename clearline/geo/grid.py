"""MGRS grid references: read them, and snap a position to the square the protocol agrees.

The ``mgrs`` package converts references; its ``MGRSToUTM`` gives the centre of the referenced
square, and the square's corners are computed in that UTM zone with pyproj.
"""

from __future__ import annotations

from functools import cache

import mgrs
from pyproj import Transformer
from shapely.geometry import Polygon

from clearline.model.errors import invalid

_PRECISION_DIGITS = {1: 5, 10: 4, 100: 3, 1_000: 2, 10_000: 1}
_converter = mgrs.MGRS()


@cache
def _utm(zone: int, hemisphere: str) -> tuple[Transformer, Transformer]:
    epsg = (32600 if hemisphere == "N" else 32700) + zone
    to_utm = Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True)
    return to_utm, Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True)


def _parse(reference: str, field: str) -> tuple[int, str, float, float, float]:
    """Zone, hemisphere, centre easting and northing, and the square's size in metres."""
    text = "".join(reference.split()).upper()
    digits = len(text) - len(text.rstrip("0123456789"))
    try:
        zone, hemisphere, easting, northing = _converter.MGRSToUTM(text)
    except Exception as exc:  # the C library raises its own error type for any bad string
        raise invalid(field, f"{reference!r} is not a valid MGRS reference") from exc
    if digits % 2:
        raise invalid(field, f"{reference!r} has an odd number of digits")
    size = 10 ** (5 - digits // 2) if digits else 100_000
    return int(zone), str(hemisphere), float(easting), float(northing), float(size)


def centre(reference: str, field: str = "mgrs") -> tuple[float, float]:
    """The latitude and longitude of the centre of the referenced square."""
    zone, hemisphere, easting, northing, _ = _parse(reference, field)
    lon, lat = _utm(zone, hemisphere)[1].transform(easting, northing)
    return lat, lon


def square(reference: str, field: str = "mgrs") -> Polygon:
    """The referenced grid square as a longitude/latitude polygon."""
    zone, hemisphere, easting, northing, size = _parse(reference, field)
    half = size / 2
    xs = [easting - half, easting + half, easting + half, easting - half]
    ys = [northing - half, northing - half, northing + half, northing + half]
    lon, lat = _utm(zone, hemisphere)[1].transform(xs, ys)
    return Polygon(zip(lon, lat, strict=True))


def snap(lat: float, lon: float, precision_m: int) -> str:
    """The reference of the square of ``precision_m`` that holds the point."""
    return str(_converter.toMGRS(lat, lon, MGRSPrecision=_PRECISION_DIGITS[precision_m]))
