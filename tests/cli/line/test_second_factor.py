"""`clearline second-factor enrol|confirm|remove` against a real server: Israel's duty officer
enrols a second factor and confirms it, after which its console sign-in takes a code; its
liaison officer removes it; every refusal is one line naming the field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pyotp
import pytest

from tests.support.cli import clearline, refused, run_as, said
from tests.support.server import Api, demo_line, serve

PASSWORD = "Nightwatch-7731"


@pytest.fixture(scope="module")
def line(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    db, tokens = demo_line(tmp_path_factory.mktemp("second-factor"))
    with serve(db) as server, Api(server, tokens) as api:
        yield api


@pytest.mark.parametrize("command", ["enrol", "confirm", "remove"])
def test_help_of_every_second_factor_command_shows_an_example(command: str) -> None:
    shown = " ".join(said(clearline(f"second-factor {command}", "--help")).split())
    assert f"Example: clearline second-factor {command}" in shown


def test_a_second_factor_is_enrolled_confirmed_and_removed_from_the_cli(
    line: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARLINE_PASSWORD", PASSWORD)
    said(run_as(line, "IL", "liaison_officer", "user reset il-duty-officer"))
    printed = said(run_as(line, "IL", "duty_officer", "second-factor enrol")).splitlines()
    secret = re.fullmatch(r"secret ([A-Z2-7]+)", printed[0])
    assert secret and printed[1].startswith("uri otpauth://totp/Clearline:il-duty-officer")
    totp = pyotp.TOTP(secret.group(1))
    code = totp.at(datetime.now(UTC), counter_offset=-1)
    confirmed = said(run_as(line, "IL", "duty_officer", "second-factor confirm", code))
    assert confirmed == "second factor of il-duty-officer in force"
    sign_in = {"name": "il-duty-officer", "password": PASSWORD}
    bare = httpx.post(f"{line.server.url}/v1/session", json=sign_in)
    assert (bare.status_code, bare.json()["field"]) == (401, "code")
    with_code = httpx.post(f"{line.server.url}/v1/session", json=sign_in | {"code": totp.now()})
    assert with_code.status_code == 200, with_code.text
    removed = said(run_as(line, "IL", "liaison_officer", "second-factor remove il-duty-officer"))
    assert removed.startswith("second factor of il-duty-officer removed")
    assert httpx.post(f"{line.server.url}/v1/session", json=sign_in).status_code == 200


def test_second_factor_refusals_are_one_line_naming_the_field(line: Api) -> None:
    refused(run_as(line, "IL", "watch_commander", "second-factor confirm 123456"), "code")
    refused(run_as(line, "IL", "system", "second-factor enrol"), "role")
    refused(
        run_as(line, "TR", "liaison_officer", "second-factor remove il-watch-commander"), "name"
    )
