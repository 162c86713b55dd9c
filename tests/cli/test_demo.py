"""`clearline demo`: a bad scenario or start is one readable line and exit 2, before anything is
deleted; the real thing serves the demo line, prints who can sign in, and shows its first
conflict within seconds of play."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from click.testing import Result
from typer.testing import CliRunner

from clearline.cli.main import app
from tests.support.server import CLEARLINE, CLIENT_ENV, START_TIMEOUT_S, clean_env, free_port

FIRST_CONFLICT_S = 60
"""The issue's promise: the first conflict within the first minute of play (at 10x)."""


def demo(*args: str) -> Result:
    return CliRunner().invoke(app, ["demo", *args], env=dict.fromkeys(CLIENT_ENV))


def refused(result: Result, field: str) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {field}"), lines[0]
    return lines[0]


def test_help_shows_every_option() -> None:
    result = demo("--help")
    assert result.exit_code == 0, result.output
    options = ("--db", "--speed", "--scenario", "--host", "--port", "--start", "--until", "--seed")
    for option in (*options, "--no-shift"):
        assert option in result.stdout


def test_a_bad_scenario_is_one_line_and_deletes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    db.write_text("a previous demo")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "bad", "timeline": [{"at_s": 0, "do": "fly"}]}))
    line = refused(demo("--db", str(db), "--scenario", str(bad)), "timeline.0.do")
    assert "unknown action 'fly'" in line
    assert db.read_text() == "a previous demo"


def test_a_missing_scenario_file_is_one_line(tmp_path: Path) -> None:
    refused(demo("--scenario", str(tmp_path / "absent.yaml")), "scenario: cannot read")


@pytest.mark.parametrize("start", ["yesterday", "2026-11-22T15:30"])
def test_a_bad_start_is_one_line(tmp_path: Path, start: str) -> None:
    refused(demo("--db", str(tmp_path / "demo.db"), "--start", start), "start:")


@pytest.mark.parametrize("until", ["72", "72x", "0h", "-3h", "h", "3 days"])
def test_a_bad_until_is_one_line_and_deletes_nothing(tmp_path: Path, until: str) -> None:
    db = tmp_path / "demo.db"
    db.write_text("a previous demo")
    line = refused(demo("--db", str(db), "--until", until), "--until")
    assert "such as 90m, 72h or 3d" in line
    assert db.read_text() == "a previous demo"


def test_until_plays_fast_prints_a_summary_and_leaves_the_database(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = demo("--db", str(db), "--until", "90m", "--start", "2026-11-22T15:30Z")
    assert result.exit_code == 0, result.output
    printed = result.stdout
    assert "Played 1.5 h of demo time." in printed
    assert "line checks:          2 sent" in printed, "the hour's check, to each party"
    for figure in ("unacknowledged:", "median FLASH answer:", "notices:", "conflicts:"):
        assert figure in printed
    assert f"Database: {db}" in printed
    assert db.stat().st_size > 0


@pytest.mark.slow
def test_the_demo_serves_the_line_and_its_first_conflict_comes_within_a_minute(
    tmp_path: Path,
) -> None:
    port = free_port()
    db = tmp_path / "var" / "demo.db"
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(CLEARLINE), "demo", "--db", str(db), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=clean_env(PYTHONUNBUFFERED="1"),
        )
    try:
        url = f"http://127.0.0.1:{port}"
        assert _until(lambda: httpx.get(f"{url}/healthz").status_code == 200, START_TIMEOUT_S)
        tokens = json.loads((db.parent / "demo-tokens.json").read_text())
        headers = {"Authorization": f"Bearer {tokens['IL']['duty_officer']}"}

        def conflicts() -> bool:
            return bool(httpx.get(f"{url}/v1/conflicts", headers=headers).json()["conflicts"])

        assert _until(conflicts, FIRST_CONFLICT_S), log.read_text()
        printed = log.read_text()
        assert f"Sign in at {url}/" in printed
        assert "il-duty-officer     il-duty-officer-demo" in printed
        assert "az-mediator" in printed
    finally:
        process.terminate()
        process.wait(timeout=10)


def _until(check: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False
