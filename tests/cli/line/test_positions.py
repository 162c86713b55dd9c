"""`clearline position declare|list` against a real server: a position kept as its grid square."""

from __future__ import annotations

import re

import pytest

from clearline.geo import grid
from clearline.model.times import dtg
from tests.support.cli import HAMA, demo_server, later, refused, rows, run_as, said
from tests.support.server import Api

line = pytest.fixture(scope="module")(demo_server)


@pytest.mark.slow
def test_position_declare_snaps_to_the_grid_square_and_list_shows_it(line: Api) -> None:
    lon, lat = HAMA
    declare = "position declare --name 'Hama depot' --kind base"
    result = run_as(line, "TR", "duty_officer", declare, "--lat", str(lat), "--lon", str(lon))
    found = re.fullmatch(r"position (\d+) declared in square (\S+)", said(result))
    assert found, said(result)
    assert found.group(2) == grid.snap(lat, lon, 1_000)

    fine = grid.snap(lat + 0.05, lon, 1)  # a 1 m reference: the line keeps its 1 km square
    until = later(48)
    declare = f"position declare --name Patrol --kind patrol --mgrs {fine} --valid-until"
    result = run_as(line, "TR", "duty_officer", declare, until.isoformat())
    patrol = re.fullmatch(r"position (\d+) declared in square (\S+)", said(result))
    assert patrol and patrol.group(2) == grid.snap(lat + 0.05, lon, 1_000)

    table = rows(said(run_as(line, "IL", "duty_officer", "position list")))
    assert table[found.group(1)][1:5] == ["TR", "Hama depot", "base", found.group(2)]
    assert table[found.group(1)][6] == "withdrawn"
    assert (table[patrol.group(1)][4], table[patrol.group(1)][6]) == (patrol.group(2), dtg(until))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("options", "role", "field"),
    [
        ("--lat 35.1", "duty_officer", "--mgrs"),
        ("--lat 35.1 --lon 36.7 --mgrs 37SBU", "duty_officer", "--mgrs"),
        ("--mgrs ZZ", "duty_officer", "mgrs"),
        ("--lat 95 --lon 36.7", "duty_officer", "lat"),
        ("--lat 35.1 --lon 36.7", "auditor", "role"),
    ],
    ids=["lat-alone", "both", "not-mgrs", "off-the-globe", "an-auditor"],
)
def test_position_declare_refuses_in_one_line(
    line: Api, options: str, role: str, field: str
) -> None:
    result = run_as(line, "TR", role, f"position declare --name x --kind unit {options}")
    assert result.exit_code == 2
    refused(result, field)
