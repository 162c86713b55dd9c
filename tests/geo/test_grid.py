"""MGRS grid references: a position snaps to the square that holds it, a reference reads back as
the centre of its square, and a square is the size its digits say.

Checked in the square's own UTM zone with pyproj and on the ellipsoid with ``pyproj.Geod``,
independently of how ``geo.grid`` computes them.
"""

from __future__ import annotations

import math

import pytest
from pyproj import Geod, Transformer
from shapely.geometry import Point

from clearline.geo import grid
from clearline.model.errors import ClearlineError, ErrorKind

GEOD = Geod(ellps="WGS84")
UTM_37N = Transformer.from_crs("EPSG:4326", "EPSG:32637", always_xy=True)
PALMYRA = (34.55, 38.27)  # latitude, longitude, as grid takes them


def square_area(reference: str) -> float:
    area, _ = GEOD.geometry_area_perimeter(grid.square(reference))
    return abs(area)


def ground_distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Metres between two (latitude, longitude) positions."""
    _, _, distance = GEOD.inv(a[1], a[0], b[1], b[0])
    return float(distance)


# Snapping: the square of the requested size that holds the position.


def test_a_position_snaps_to_its_1_km_square() -> None:
    assert grid.snap(*PALMYRA, 1_000) == "37SDU3323"


@pytest.mark.parametrize(
    ("precision", "digits"), [(1, 10), (10, 8), (100, 6), (1_000, 4), (10_000, 2)]
)
def test_the_precision_sets_the_number_of_digits(precision: int, digits: int) -> None:
    reference = grid.snap(*PALMYRA, precision)
    assert reference.startswith("37SDU")
    assert len(reference) - len("37SDU") == digits


def test_the_snapped_square_holds_the_position_and_its_centre_is_within_half_a_diagonal() -> None:
    reference = grid.snap(*PALMYRA, 1_000)
    assert grid.square(reference).contains(Point(PALMYRA[1], PALMYRA[0]))
    assert ground_distance(grid.centre(reference), PALMYRA) <= 500 * math.sqrt(2)


def test_the_centre_snaps_back_to_the_same_square() -> None:
    for reference in ("37SDU3323", "37SDU0099", "37SBS5050", "36SYC1234"):
        assert grid.snap(*grid.centre(reference), 1_000) == reference


# Centres: the middle of the square, not its south-west corner.


def test_the_centre_of_a_1_km_square_is_500_m_into_it_each_way() -> None:
    lat, lon = grid.centre("37SDU3323")
    easting, northing = UTM_37N.transform(lon, lat)
    assert easting == pytest.approx(433_500, abs=0.01)
    assert northing == pytest.approx(3_823_500, abs=0.01)


@pytest.mark.parametrize(
    ("reference", "easting", "northing"),
    [
        ("37SDU", 450_000, 3_850_000),
        ("37SDU33", 435_000, 3_835_000),
        ("37SDU332232", 433_250, 3_823_250),
        ("37SDU33002300", 433_005, 3_823_005),
        ("37SDU3300023000", 433_000.5, 3_823_000.5),
    ],
)
def test_the_centre_of_a_square_of_any_size(
    reference: str, easting: float, northing: float
) -> None:
    lat, lon = grid.centre(reference)
    assert UTM_37N.transform(lon, lat) == pytest.approx((easting, northing), abs=0.01)


def test_spaces_and_lower_case_are_read() -> None:
    assert grid.centre("37s du 33 23") == pytest.approx(grid.centre("37SDU3323"))


# Squares: their area on the ground.


def test_a_1_km_square_covers_a_square_kilometre() -> None:
    assert square_area("37SDU3323") == pytest.approx(1_000_000, rel=5e-3)


def test_a_10_km_square_covers_a_hundred_square_kilometres() -> None:
    assert square_area("37SDU33") == pytest.approx(100_000_000, rel=5e-3)


def test_a_square_is_centred_on_its_centre() -> None:
    lat, lon = grid.centre("37SDU3323")
    centroid = grid.square("37SDU3323").centroid
    assert ground_distance((centroid.y, centroid.x), (lat, lon)) < 0.5


def test_the_squares_of_neighbouring_references_share_an_edge() -> None:
    west, east = grid.square("37SDU3323"), grid.square("37SDU3423")
    shared = west.intersection(east)
    assert shared.area == pytest.approx(0, abs=1e-12)
    assert ground_distance(*((p[1], p[0]) for p in shared.coords)) == pytest.approx(1_000, rel=5e-3)


# Refusals: the field the caller names, and why.


@pytest.mark.parametrize(
    "reference", ["nonsense", "37SDU3", "37SDU332", "61SDU3323", "37SDI3323", ""]
)
def test_an_invalid_reference_is_refused_with_the_callers_field(reference: str) -> None:
    for read in (grid.centre, grid.square):
        with pytest.raises(ClearlineError) as caught:
            read(reference, "positions.2.mgrs")
        assert caught.value.kind is ErrorKind.INVALID
        assert caught.value.field == "positions.2.mgrs"
        assert caught.value.reason == f"{reference!r} is not a valid MGRS reference"


def test_the_field_defaults_to_mgrs() -> None:
    with pytest.raises(ClearlineError) as caught:
        grid.centre("nonsense")
    assert caught.value.field == "mgrs"
