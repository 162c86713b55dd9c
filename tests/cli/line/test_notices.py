"""`clearline notice file|amend|cancel|list` against a real server with the agreed zones. Every
refusal is one line naming the field, with exit code 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import Result

from clearline.geo import grid
from clearline.model.times import both
from tests.support.cli import (
    HAMA,
    later,
    open_conflicts,
    refused,
    rows,
    run_as,
    said,
    theatre_server,
    window,
    write,
)
from tests.support.server import Api
from tests.support.theatre import PALMYRA, circle

RAQQA = (39.0, 35.95)
MGRS = "37SDU3323"


line = pytest.fixture(scope="module")(theatre_server)


def filed(result: Result, party: str, open_count: int, version: int = 1) -> tuple[int, str]:
    """The notice id ``notice file`` or ``amend`` printed and the rest of its first line;
    the second line must count ``open_count`` open conflicts of ``party``."""
    first, second = said(result).splitlines()
    found = re.fullmatch(rf"notice (\d+) version {version}: (.*)", first)
    assert found, first
    plural = "" if open_count == 1 else "s"
    assert second == f"{party} has {open_count} open conflict{plural}"
    return int(found.group(1)), found.group(2)


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
def test_notice_notam_prints_the_draft_for_the_aviation_office(line: Api) -> None:
    options = ["--mgrs", MGRS, "--radius-m", "5000", "--start", later(2).isoformat()]
    options += ["--end", later(3).isoformat(), "--lower", "0", "--upper", "FL120"]
    result = run_as(line, "TR", "duty_officer", "notice file --kind uav_flight", *options)
    notice_id = int(said(result).split()[1])
    printed = said(run_as(line, "IL", "duty_officer", f"notice notam {notice_id} --fir OSTT"))
    assert printed.startswith("(NOTAMN\nQ) OSTT/QWULW/IV/BO/W/000/120/")
    assert printed.endswith("F) SFC G) FL120)")
    refusal = refused(run_as(line, "IL", "duty_officer", "notice notam 99999"), "id")
    assert refusal == "error: id: no notice 99999 visible to you"
