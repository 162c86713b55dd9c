"""Running the CLI as a user does, in a process of its own, and reading what it says; and the
lines, messages, zones and notices the CLI's tests put on a real server with it."""

from __future__ import annotations

import contextlib
import json
import re
import shlex
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from clearline.api.app import create_app
from clearline.cli import files
from clearline.cli.main import app
from clearline.geo import grid
from clearline.store.database import database_url
from tests.support.server import CLIENT_ENV, Api, demo_line, serve
from tests.support.theatre import T4, circle, square

AGREEMENT = "il-tr-syria"
BODY = '{"hazard": "air_strike", "location": {"lat": 34.55, "lon": 38.28}, "radius_m": 20000}'
"""A good warning's body, as ``clearline send --body`` takes it."""
HAMA = (36.75, 35.13)
"""Longitude, latitude (GeoJSON order), as in ``support.theatre``."""
GOLAN = (35.87, 33.05)
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
"""The zones agreed at talks: the Golan buffer zone, and Israel's red line around T4."""


def clearline(command: str, *more: str) -> Result:
    """``clearline COMMAND MORE...`` in this process, as a user with no CLEARLINE_* settings, on a
    terminal wide enough that no table wraps a cell.

    ``command`` is split as a shell would; ``more`` is passed as it is (paths, JSON).
    """
    args = [*shlex.split(command), *more]
    return CliRunner().invoke(app, args, env={**dict.fromkeys(CLIENT_ENV), "COLUMNS": "400"})


def refused(result: Result, field: str) -> str:
    """The refusal's one line: on stderr, naming ``field``, exit code not 0, no traceback."""
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # not a crash
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert field in lines[0], lines[0]
    return lines[0]


def recorded_otherwise(monkeypatch: pytest.MonkeyPatch, doctor: Callable[[Any], None]) -> None:
    """The line's answer to every upload rewritten by ``doctor``, as a line that recorded
    another file's hash than the one sent would answer."""
    honest = files.request

    def doctoring(method: str, *args: Any, **kwargs: Any) -> Any:
        answer = honest(method, *args, **kwargs)
        if method == "POST" and args[-1].endswith("/attachments"):
            doctor(answer)
        return answer

    monkeypatch.setattr(files, "request", doctoring)


def said(result: Result) -> str:
    """What a command that worked printed."""
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


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


def whoami(db: Path, token: str) -> dict[str, str]:
    """The user a token speaks for, asked of the app on ``db``."""
    with TestClient(create_app(database_url(str(db)), watch_interval_s=None)) as client:
        me = client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    return dict(me.json()["user"])


def exported_zones(db: Path) -> list[dict[str, Any]]:
    """The features ``clearline zone export`` prints for the demo agreement."""
    features: list[dict[str, Any]] = json.loads(
        said(clearline(f"zone export --agreement {AGREEMENT} --db", str(db)))
    )["features"]
    return features


# --- a real server --------------------------------------------------------------------------------


@contextlib.contextmanager
def served(directory: Path, zones: dict[str, Any] | None = None) -> Iterator[Api]:
    """The demo line served from ``directory``; with ``zones`` imported before it starts, as
    they are set up at talks."""
    db, tokens = demo_line(directory)
    if zones is not None:
        imported = write(directory / "zones.geojson", zones)
        said(clearline(f"zone import --agreement {AGREEMENT} --db", str(db), str(imported)))
    with serve(db) as server, Api(server, tokens) as api:
        yield api


def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The demo line, served to a module's tests: ``line = pytest.fixture(scope="module")(...)``."""
    with served(tmp_path_factory.mktemp("line")) as api:
        yield api


def theatre_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The demo line with the agreed zones imported before it starts, as they are set up at
    talks; a module fixture as ``demo_server`` is."""
    with served(tmp_path_factory.mktemp("theatre"), ZONES) as api:
        yield api


def run_as(line: Api, party: str, role: str, command: str, *more: str) -> Result:
    """A client command with that user's token and the server's URL."""
    token = line.tokens[party][role]
    return clearline(command, *more, "--token", token, "--url", line.server.url)


def send_warning(
    line: Api, *more: str, body: str = BODY, party: str = "TR", role: str = "duty_officer"
) -> Result:
    """``clearline send`` of a FLASH warning to IL; by default a good one, from TR."""
    command = "send --to IL --type warning --precedence FLASH --body"
    return run_as(line, party, role, command, body, *more)


def sent_id(result: Result, state: str = "sent") -> int:
    """The id that ``send`` printed, checking the state it reported."""
    found = re.fullmatch(rf"message (\d+) to IL: {state}", said(result))
    assert found, result.stdout
    return int(found.group(1))


def later(hours: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


def window(start_h: float = 2, hours: float = 2) -> list[str]:
    return ["--start", later(start_h).isoformat(), "--end", later(start_h + hours).isoformat()]


def open_conflicts(line: Api, party: str) -> list[dict[str, Any]]:
    answer = line.get(party, "/v1/conflicts", state="open", limit=1_000)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["conflicts"])


def file_at(line: Api, party: str, place: tuple[float, float], *more: str) -> int:
    """A UAV flight of ``party`` in 10 km around ``place`` in two hours, by ``notice file``."""
    reference = grid.snap(place[1], place[0], 1_000)
    command = f"notice file --kind uav_flight --mgrs {reference} --radius-m 10000"
    result = run_as(
        line, party, "duty_officer", command, *window(), "--lower", "0", "--upper", "FL150", *more
    )
    assert result.exit_code == 0, result.output
    return int(said(result).split()[1])
