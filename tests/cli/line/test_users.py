"""`clearline user list|enrol|change|reset` against a real server: Israel's liaison officer
enrols a duty officer with a console password, changes it, deactivates it (its sign-in is
refused), and every refusal is one line naming the field."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.cli import clearline, refused, run_as, said
from tests.support.server import Api, demo_line, serve

LIAISON = "liaison_officer"
PASSWORD = "Nightwatch-7731"


@pytest.fixture(scope="module")
def line(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    db, tokens = demo_line(tmp_path_factory.mktemp("users"))
    with serve(db) as server, Api(server, tokens) as api:
        yield api


@pytest.mark.parametrize("command", ["list", "enrol", "change", "reset"])
def test_help_of_every_user_command_shows_an_example(command: str) -> None:
    shown = " ".join(said(clearline(f"user {command}", "--help")).split())
    assert f"Example: clearline user {command}" in shown


def test_a_user_is_enrolled_changed_and_deactivated_from_the_cli(
    line: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARLINE_PASSWORD", PASSWORD)
    enrol = "user enrol il-duty-3 --role duty_officer --language he --password"
    assert said(run_as(line, "IL", LIAISON, enrol)) == "user il-duty-3 added: duty_officer of IL"
    session = {"name": "il-duty-3", "password": PASSWORD}
    assert httpx.post(f"{line.server.url}/v1/session", json=session).status_code == 200
    listed = said(run_as(line, "IL", LIAISON, "user list"))
    assert "il-duty-3" in listed and "tr-" not in listed

    changed = said(run_as(line, "IL", LIAISON, "user change il-duty-3 --role watch_commander"))
    assert changed == "user il-duty-3: watch_commander, he, active"
    off = said(run_as(line, "IL", LIAISON, "user change il-duty-3 --deactivate"))
    assert off == "user il-duty-3: watch_commander, he, deactivated"
    assert httpx.post(f"{line.server.url}/v1/session", json=session).status_code == 401
    assert said(run_as(line, "IL", LIAISON, "user reset il-duty-3")) == "password of il-duty-3 set"


def test_user_refusals_are_one_line_naming_the_field(line: Api) -> None:
    refused(run_as(line, "IL", LIAISON, "user change il-duty-officer"), "request")
    refused(run_as(line, "TR", LIAISON, "user change il-duty-officer --deactivate"), "name")
    refused(run_as(line, "IL", "duty_officer", "user list"), "role")
    refused(run_as(line, "IL", LIAISON, "user change il-liaison-officer --deactivate"), "active")
    refused(run_as(line, "IL", LIAISON, "user enrol x --role mediator"), "role")
