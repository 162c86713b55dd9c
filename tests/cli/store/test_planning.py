"""`clearline conflicts check`: the what-if offline, on a database, and on a running line's
database. Every refusal is one line naming the field, with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.support.cli import (
    AGREEMENT,
    ZONES,
    clearline,
    exported_zones,
    file_at,
    later,
    refused,
    run_as,
    said,
    theatre_server,
    write,
)
from tests.support.server import Api, demo_line
from tests.support.theatre import PALMYRA, T4, circle, square, volume

HOMS = (36.72, 34.73)


def planned(
    name: str, party: str, geometry: dict[str, Any], kind: str = "uav_flight", **more: Any
) -> dict[str, Any]:
    """A plan's feature: a volume (as ``support.theatre.volume`` builds it) with id, party, kind."""
    properties = volume(geometry, **more)
    return {
        "type": "Feature",
        "geometry": properties.pop("geometry"),
        "properties": {"id": name, "party": party, "kind": kind, **properties},
    }


def plan(directory: Path, *features: dict[str, Any]) -> Path:
    return write(directory / "plan.geojson", {"type": "FeatureCollection", "features": features})


def checked(result: Result) -> list[dict[str, Any]]:
    """The conflict features ``conflicts check`` printed; stderr has their count alone."""
    found: list[dict[str, Any]] = json.loads(said(result))["features"]
    count = len(found)
    assert result.stderr == f"{count} conflict{'' if count == 1 else 's'}\n"
    return found


def test_check_finds_two_parties_in_one_place_and_names_both_volumes(tmp_path: Path) -> None:
    file = plan(tmp_path, planned("il-uav", "IL", circle()), planned("tr-uav", "TR", circle()))
    (conflict,) = checked(clearline("conflicts check", str(file)))
    found = conflict["properties"]
    assert {found["a"], found["b"]} == {"il-uav", "tr-uav"}
    assert (sorted(found["parties"]), found["source"], found["overlap"]) == (
        ["IL", "TR"],
        "volumes",
        True,
    )
    assert conflict["geometry"]["type"] == "Polygon"


def test_check_of_one_party_alone_finds_nothing(tmp_path: Path) -> None:
    file = plan(tmp_path, planned("uav-1", "IL", circle()), planned("uav-2", "IL", circle()))
    assert checked(clearline("conflicts check", str(file))) == []


@pytest.mark.parametrize(
    ("gap_deg", "minima", "expected"),
    [(0.0, ["--minima", "0,0,0"], 1), (0.011, ["--minima", "0,0,0"], 0), (0.011, [], 1)],
    ids=["touching-at-zero-minima", "1-km-apart-at-zero-minima", "1-km-apart-at-5-km"],
)
def test_check_takes_the_minima_given_where_touching_is_a_conflict(
    tmp_path: Path, gap_deg: float, minima: list[str], expected: int
) -> None:
    lon, lat = PALMYRA
    west = planned("west", "IL", square(lon, lat))
    east = planned("east", "TR", square(lon + 0.1 + gap_deg, lat))
    assert len(checked(clearline("conflicts check", str(plan(tmp_path, west, east)), *minima))) == (
        expected
    )


@pytest.mark.parametrize(
    "minima", ["5000,1000", "5000,1000,300,0", "5000,-1,300", "a,b,c", "nan,0,0", "inf,0,0", ""]
)
def test_check_refuses_minima_that_are_not_three_non_negative_numbers(
    tmp_path: Path, minima: str
) -> None:
    file = plan(tmp_path, planned("uav", "IL", circle()))
    result = clearline("conflicts check", str(file), "--minima", minima)
    assert result.exit_code == 2
    assert refused(result, "--minima").startswith("error: --minima: ")


def test_check_of_a_volume_with_its_floor_above_its_ceiling_names_the_field(
    tmp_path: Path,
) -> None:
    file = plan(
        tmp_path,
        planned("fine", "IL", circle()),
        planned("upside-down", "TR", circle(), lower=20_000, upper=10_000),
    )
    result = clearline("conflicts check", str(file))
    assert result.exit_code == 2
    assert refused(result, "features.1.properties.alt_upper_ft")


@pytest.mark.parametrize(
    ("text", "field"),
    [("{not json", "plan"), ("[1, 2]", "plan"), ('{"type": "Feature"}', "plan")],
    ids=["not-json", "an-array", "not-a-collection"],
)
def test_check_of_a_file_that_is_no_plan_says_so_in_one_line(
    tmp_path: Path, text: str, field: str
) -> None:
    file = tmp_path / "plan.geojson"
    file.write_text(text)
    result = clearline("conflicts check", str(file))
    assert result.exit_code == 2
    assert refused(result, field).startswith(f"error: {field}: ")


def test_check_with_a_database_needs_an_agreement_that_exists(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    file = plan(tmp_path, planned("uav", "IL", circle()))
    refused(clearline("conflicts check --db", str(db), str(file)), "--agreement")
    refused(clearline("conflicts check --agreement il-ru --db", str(db), str(file)), "agreement")


def test_check_on_a_database_screens_the_plan_against_its_zones_too(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    zones = write(tmp_path / "zones.geojson", ZONES)
    said(clearline(f"zone import --agreement {AGREEMENT} --db", str(db), str(zones)))
    file = plan(tmp_path, planned("strike", "TR", circle(T4, 2_000), kind="air_strike"))
    command = f"conflicts check --agreement {AGREEMENT} --db"

    (conflict,) = checked(clearline(command, str(db), str(file)))
    red_line = exported_zones(db)[1]["id"]
    found = conflict["properties"]
    assert (found["a"], found["b"], found["source"]) == ("strike", f"zone {red_line}", "zone")
    assert found["severity"] == "critical"  # the zone's rule sets the floor
    assert checked(clearline("conflicts check", str(file))) == []  # offline: no zones


line = pytest.fixture(scope="module")(theatre_server)


@pytest.mark.slow
def test_check_against_a_running_lines_database_names_what_is_filed(
    line: Api, tmp_path: Path
) -> None:
    shared = file_at(line, "TR", HOMS)
    blind = file_at(line, "TR", HOMS, "--sharing", "blind")
    mine = planned("mine", "IL", circle(HOMS))
    mine["properties"].update(start=later(2).isoformat(), end=later(4).isoformat())
    command = f"conflicts check --agreement {AGREEMENT} --db"
    found = checked(clearline(command, str(line.server.db), str(plan(tmp_path, mine))))
    assert sorted(f["properties"]["b"] for f in found) == sorted(
        [f"notice {shared}", "blind notice of TR"]
    )
    assert blind not in {f["properties"]["b"] for f in found}
    for notice_id in (shared, blind):
        said(run_as(line, "TR", "duty_officer", f"notice cancel {notice_id}"))
