"""``clearline notice|zone|position|conflicts``: the what-if check offline and on a database,
zones on a real SQLite store, and the client commands against a real server. Every refusal is
one line naming the field, with exit code 2."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from clearline.cli.main import app
from clearline.geo import grid
from clearline.model.times import both, dtg
from clearline.model.zone import ZoneIn
from tests.cli.test_main import refused, said
from tests.support.server import CLIENT_ENV, Api, demo_line, serve
from tests.support.theatre import PALMYRA, T4, circle, square, volume

AGREEMENT = "il-tr-syria"
HOMS = (36.72, 34.73)
RAQQA = (39.0, 35.95)
DEIR_EZ_ZOR = (40.14, 35.33)
HAMA = (36.75, 35.13)
GOLAN = (35.87, 33.05)
MGRS = "37SDU3323"
ZONES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": square(*GOLAN),
            "properties": {"name": "Golan buffer zone", "kind": "buffer_zone"},
        },
        {
            "type": "Feature",
            "geometry": circle(T4, 15_000),
            "properties": {
                "name": "T4 red line",
                "kind": "red_line_zone",
                "owner": "IL",
                "alt_lower_ft": 0,
                "alt_upper_ft": "FL300",
                "rule": {"kinds": ["air_strike", "artillery_fire"], "severity": "critical"},
            },
        },
    ],
}


def clearline(command: str, *more: str) -> Result:
    """``clearline COMMAND MORE...`` in this process, with no CLEARLINE_* settings, on a
    terminal wide enough that no table wraps a cell (``command`` is split as a shell would)."""
    env = {**dict.fromkeys(CLIENT_ENV), "COLUMNS": "400"}
    return CliRunner().invoke(app, [*shlex.split(command), *more], env=env)


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document))
    return path


def rows(table: str) -> dict[str, list[str]]:
    """A printed table's rows by their first cell, each as its cells."""
    found = {}
    for line in table.splitlines():
        if line.startswith("│"):
            cells = [cell.strip() for cell in line.strip("│").split("│")]
            found[cells[0]] = cells
    return found


# --- conflicts check: a plan, offline -------------------------------------------------------------


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


# --- zones on a database -------------------------------------------------------------------------


def export(db: Path) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = json.loads(
        said(clearline(f"zone export --agreement {AGREEMENT} --db", str(db)))
    )["features"]
    return features


def test_zone_import_and_export_round_trip_between_databases(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    first, _ = demo_line(tmp_path / "a")
    zones = write(tmp_path / "zones.geojson", ZONES)
    imported = clearline(f"zone import --agreement {AGREEMENT} --db", str(first), str(zones))
    assert said(imported) == "2 zones imported"

    exported = export(first)
    for given, got in zip(ZONES["features"], exported, strict=True):
        zone = ZoneIn.model_validate({**given["properties"], "geometry": given["geometry"]})
        assert got["geometry"] == given["geometry"]
        assert got["properties"] == zone.model_dump(mode="json", exclude={"geometry"})
    assert exported[1]["properties"]["alt_upper_ft"] == 30_000  # FL300, read once for all

    out = tmp_path / "exported.geojson"
    written = clearline(f"zone export --agreement {AGREEMENT} --out", str(out), "--db", str(first))
    assert said(written) == f"2 zones written to {out}"
    second, _ = demo_line(tmp_path / "b")
    again = clearline(f"zone import --agreement {AGREEMENT} --db", str(second), str(out))
    assert said(again) == "2 zones imported"
    assert export(second) == exported


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "moat"}, "features.1.kind"),
        ({"name": "Golan buffer zone"}, "features.1.name"),  # taken by feature 0
        ({"owner": "RU"}, "features.1.owner"),
        ({"alt_upper_ft": "FL3000"}, "features.1.alt_upper_ft"),
    ],
    ids=["unknown-kind", "name-taken", "owner-not-a-party", "not-a-flight-level"],
)
def test_zone_import_of_a_bad_feature_names_it_and_imports_none(
    tmp_path: Path, change: dict[str, Any], field: str
) -> None:
    db, _ = demo_line(tmp_path)
    good, bad = ZONES["features"]
    collection = {
        **ZONES,
        "features": [good, {**bad, "properties": {**bad["properties"], **change}}],
    }
    zones = write(tmp_path / "zones.geojson", collection)
    result = clearline(f"zone import --agreement {AGREEMENT} --db", str(db), str(zones))
    assert result.exit_code == 2
    assert refused(result, field).startswith(f"error: {field}")
    assert export(db) == []  # all or nothing


def test_zones_of_an_unknown_agreement_are_refused_naming_it(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    empty = write(tmp_path / "zones.geojson", {"type": "FeatureCollection", "features": []})
    refused(clearline("zone import --agreement il-ru --db", str(db), str(empty)), "agreement")
    refused(clearline("zone export --agreement il-ru --db", str(db)), "agreement")


def test_zone_import_of_a_file_that_is_no_collection_names_type(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    for document in ([], {"type": "Feature"}):
        zones = write(tmp_path / "zones.geojson", document)
        result = clearline(f"zone import --agreement {AGREEMENT} --db", str(db), str(zones))
        assert refused(result, "type") == (
            "error: type: expected a GeoJSON FeatureCollection with a features list"
        )


def test_check_on_a_database_screens_the_plan_against_its_zones_too(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    zones = write(tmp_path / "zones.geojson", ZONES)
    said(clearline(f"zone import --agreement {AGREEMENT} --db", str(db), str(zones)))
    file = plan(tmp_path, planned("strike", "TR", circle(T4, 2_000), kind="air_strike"))
    command = f"conflicts check --agreement {AGREEMENT} --db"

    (conflict,) = checked(clearline(command, str(db), str(file)))
    red_line = export(db)[1]["id"]
    found = conflict["properties"]
    assert (found["a"], found["b"], found["source"]) == ("strike", f"zone {red_line}", "zone")
    assert found["severity"] == "critical"  # the zone's rule sets the floor
    assert checked(clearline("conflicts check", str(file))) == []  # offline: no zones


# --- against a real server ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def line(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The demo line with the zones imported before it starts, as they are set up at talks."""
    directory = tmp_path_factory.mktemp("theatre")
    db, tokens = demo_line(directory)
    zones = write(directory / "zones.geojson", ZONES)
    said(clearline(f"zone import --agreement {AGREEMENT} --db", str(db), str(zones)))
    with serve(db) as server, Api(server, tokens) as api:
        yield api


def run_as(line: Api, party: str, role: str, command: str, *more: str) -> Result:
    token = line.tokens[party][role]
    return clearline(command, *more, "--token", token, "--url", line.server.url)


def later(hours: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


def window(start_h: float = 2, hours: float = 2) -> list[str]:
    return ["--start", later(start_h).isoformat(), "--end", later(start_h + hours).isoformat()]


def open_conflicts(line: Api, party: str) -> list[dict[str, Any]]:
    answer = line.get(party, "/v1/conflicts", state="open", limit=1_000)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["conflicts"])


def filed(result: Result, party: str, open_count: int, version: int = 1) -> tuple[int, str]:
    """The notice id ``notice file`` or ``amend`` printed and the rest of its first line;
    the second line must count ``open_count`` open conflicts of ``party``."""
    first, second = said(result).splitlines()
    found = re.fullmatch(rf"notice (\d+) version {version}: (.*)", first)
    assert found, first
    plural = "" if open_count == 1 else "s"
    assert second == f"{party} has {open_count} open conflict{plural}"
    return int(found.group(1)), found.group(2)


def file_at(line: Api, party: str, place: tuple[float, float], *more: str) -> int:
    """A UAV flight of ``party`` in 10 km around ``place`` in two hours, by ``notice file``."""
    reference = grid.snap(place[1], place[0], 1_000)
    command = f"notice file --kind uav_flight --mgrs {reference} --radius-m 10000"
    result = run_as(
        line, party, "duty_officer", command, *window(), "--lower", "0", "--upper", "FL150", *more
    )
    assert result.exit_code == 0, result.output
    return int(said(result).split()[1])


@pytest.mark.slow
def test_notice_file_list_amend_and_cancel(line: Api, tmp_path: Path) -> None:
    before = len(open_conflicts(line, "IL"))
    properties = {"alt_upper_ft": "FL200", "start": later(2).isoformat()}
    route = {"type": "LineString", "coordinates": [list(PALMYRA), [38.6, 34.7]]}
    geojson = write(
        tmp_path / "tr.geojson",
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": circle(), "properties": properties},
                {
                    "type": "Feature",
                    "geometry": route,
                    "properties": {"start": later(3).isoformat()},
                },
            ],
        },
    )
    tr_options = ["--geojson", str(geojson), "--end", later(4).isoformat(), "--lower", "0"]
    tr_options += ["--width-m", "2000"]
    tr_command = "notice file --kind uav_flight --upper 10000 --free-text 'Hava devriyesi'"
    tr_id, state = filed(run_as(line, "TR", "duty_officer", tr_command, *tr_options), "TR", before)
    assert state == "planned"
    stored = line.get("TR", f"/v1/notices/{tr_id}").json()["versions"][-1]
    circle_volume, route_volume = stored["volumes"]
    assert circle_volume["alt_upper_ft"] == 20_000  # the feature's own band wins
    assert "width_m" not in circle_volume["input"]  # --width-m is for the route alone
    assert (route_volume["input"]["width_m"], route_volume["alt_upper_ft"]) == (2_000, 10_000)
    assert stored["free_text"] == "Hava devriyesi"

    il_start = later(10 / 60)  # a UAV flight needs 30 min notice: this one is 20 min late
    reference = grid.snap(PALMYRA[1], PALMYRA[0], 1_000)
    il_command = f"notice file --kind uav_flight --mgrs {reference} --radius-m 5000"
    il_end = later(3)
    il_options = ["--start", il_start.isoformat(), "--end", il_end.isoformat()]
    il_options += ["--lower", "FL050", "--upper", "12000", "--key", f"il-{tr_id}"]
    il_filed = run_as(line, "IL", "duty_officer", il_command, *il_options)
    il_id, state = filed(il_filed, "IL", before + 1)
    assert re.fullmatch(r"planned, late by (19|20|21) min", state), state
    again = run_as(line, "IL", "duty_officer", il_command, *il_options)  # same key: same notice
    assert filed(again, "IL", before + 1) == (il_id, state)

    table = rows(said(run_as(line, "IL", "duty_officer", "notice list --state planned")))
    late = state.removeprefix("planned, late by ")
    assert table[str(il_id)][1:] == [
        "IL",
        "uav_flight",
        "planned",
        "1",
        both(il_start),
        both(il_end),
        late,
    ]
    assert table[str(tr_id)][1:5] == ["TR", "uav_flight", "planned", "1"]
    assert table[str(tr_id)][7] == ""  # on time

    away = write(tmp_path / "away.geojson", {"type": "Point", "coordinates": list(RAQQA)})
    amend = ["--geojson", str(away), "--radius-m", "5000", *window(), "--lower", "0"]
    amended = run_as(
        line, "IL", "duty_officer", f"notice amend {il_id}", *amend, "--upper", "FL100"
    )
    assert filed(amended, "IL", before, version=2) == (il_id, "planned")

    assert said(run_as(line, "IL", "duty_officer", f"notice cancel {il_id}")) == (
        f"notice {il_id}: cancelled"
    )
    refused(run_as(line, "IL", "duty_officer", f"notice cancel {il_id}"), "state")
    refused(run_as(line, "IL", "duty_officer", f"notice cancel {tr_id}"), "id")  # not IL's
    said(run_as(line, "TR", "duty_officer", f"notice cancel {tr_id}"))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"--mgrs": MGRS, "--geojson": "{file}"}, "--geojson"),
        ({}, "--geojson"),
        ({"--mgrs": MGRS, "--radius-m": None}, "--radius-m"),
        ({"--geojson": "{file}", "--start": None}, "--start"),
        ({"--mgrs": MGRS, "--upper": "FL1500"}, "volumes.0.alt_upper_ft"),
        ({"--mgrs": "ZZZZ"}, "volumes.0.mgrs"),
        ({"--geojson": "{file}", "--end": "tomorrow"}, "volumes.0.end"),
        ({"--geojson": "{directory}"}, "--geojson"),
        ({"--geojson": "{file}", "--lower": "FL200"}, "volumes.0.alt_upper_ft"),
    ],
    ids=[
        "file-and-mgrs",
        "neither",
        "mgrs-without-radius",
        "no-start",
        "not-a-flight-level",
        "not-mgrs",
        "not-a-time",
        "a-directory",
        "floor-above-ceiling",
    ],
)
def test_notice_file_refuses_bad_volume_options_in_one_line(
    line: Api, tmp_path: Path, options: dict[str, str | None], field: str
) -> None:
    point = write(tmp_path / "point.geojson", {"type": "Point", "coordinates": list(HAMA)})
    given: dict[str, str | None] = {
        "--start": later(2).isoformat(),
        "--end": later(4).isoformat(),
        "--lower": "0",
        "--upper": "FL150",
        "--radius-m": "1000",
    }
    given |= {k: v.format(file=point, directory=tmp_path) if v else v for k, v in options.items()}
    arguments = [text for k, v in given.items() if v is not None for text in (k, v)]
    result = run_as(line, "TR", "duty_officer", "notice file --kind uav_flight", *arguments)
    assert result.exit_code == 2
    refused(result, field)


@pytest.mark.slow
def test_conflicts_list_ack_and_accept(line: Api) -> None:
    il_id = file_at(line, "IL", DEIR_EZ_ZOR)
    tr_id = file_at(line, "TR", DEIR_EZ_ZOR)
    (conflict,) = [
        c
        for c in open_conflicts(line, "IL")
        if {c["a"]["notice_id"], c["b"]["notice_id"]} == {il_id, tr_id}
    ]
    number = str(conflict["id"])
    start = datetime.fromisoformat(conflict["window_start"])
    row = rows(said(run_as(line, "IL", "duty_officer", "conflicts list --state open")))[number]
    parties = "–".join(conflict["parties"])
    assert row[1:6] == [conflict["severity"], "volumes", parties, "open", dtg(start)]
    assert re.fullmatch(r"1 h \d\d min|\d+ min", row[6]), row[6]

    acked = said(run_as(line, "IL", "duty_officer", f"conflicts ack {number}"))
    assert acked == f"conflict {number}: open (acknowledged by IL)"
    acked = said(run_as(line, "TR", "watch_commander", f"conflicts ack {number}"))
    assert acked == f"conflict {number}: acknowledged (acknowledged by IL, TR)"

    accept = f"conflicts accept {number} --reason 'agreed by phone'"
    refused(run_as(line, "IL", "duty_officer", accept), "role")
    assert said(run_as(line, "IL", "liaison_officer", accept)) == f"conflict {number}: accepted"
    accepted = rows(said(run_as(line, "TR", "duty_officer", "conflicts list --state accepted")))
    assert accepted[number][4] == "accepted"
    refused(run_as(line, "IL", "liaison_officer", accept), "state")
    refused(run_as(line, "IL", "duty_officer", "conflicts ack 999999"), "id")
    for party, notice_id in (("IL", il_id), ("TR", tr_id)):
        said(run_as(line, party, "duty_officer", f"notice cancel {notice_id}"))


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


@pytest.mark.slow
def test_zone_list_shows_the_imported_zones_to_a_mediator(line: Api) -> None:
    table = rows(said(run_as(line, "AZ", "mediator", "zone list")))
    by_name = {cells[1]: cells for cells in table.values() if cells[0].isdigit()}
    assert by_name["Golan buffer zone"][2:] == [
        "buffer_zone",
        "agreed",
        "-1,500 to 100,000",
        "all",
        "high",
    ]
    assert by_name["T4 red line"][2:] == [
        "red_line_zone",
        "IL",
        "0 to 30,000",
        "air_strike, artillery_fire",
        "critical",
    ]


@pytest.mark.parametrize(
    "command",
    [
        "notice file",
        "notice amend",
        "notice cancel",
        "notice list",
        "zone import",
        "zone export",
        "zone list",
        "position declare",
        "position list",
        "conflicts check",
        "conflicts list",
        "conflicts ack",
        "conflicts accept",
    ],
)
def test_help_of_every_theatre_command_shows_an_example(command: str) -> None:
    shown = " ".join(said(clearline(command, "--help")).split())
    assert f"Example: clearline {command}" in shown


@pytest.mark.slow
def test_a_zone_imported_while_the_line_runs_is_screened_and_on_the_record(tmp_path: Path) -> None:
    """Zones agreed at talks are set up on the store while the line serves: the running line
    screens the next notice against them, and the import is in the ledger, signed, like any
    other write."""
    db, tokens = demo_line(tmp_path)
    kept = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": circle(PALMYRA, 30_000),
                "properties": {"name": "Palmyra", "kind": "restricted_area", "owner": "IL"},
            }
        ],
    }
    with serve(db) as server, Api(server, tokens) as api:
        file_at(api, "TR", T4)  # the line has built its index before the import
        zones = write(tmp_path / "zones.geojson", kept)
        said(clearline(f"zone import --agreement {AGREEMENT} --db", str(db), str(zones)))
        file_at(api, "TR", PALMYRA)
        assert [c["source"] for c in open_conflicts(api, "TR")] == ["zone"]
    exported = tmp_path / "il.jsonl"
    said(clearline("ledger export --party IL --out", str(exported), "--db", str(db)))
    key = said(clearline("ledger key --db", str(db)))
    assert said(clearline("verify", str(exported), "--key", key)).startswith("ledger verified")
    types = [
        json.loads(json.loads(line)["entry"]["envelope"])["type"]
        for line in exported.read_text().splitlines()
        if '"envelope"' in line  # IL's own entries; the others are leaf hashes alone
    ]
    assert types.count("zone.added") == 1
