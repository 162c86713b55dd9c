"""A party in two agreements (IL, with TR and with RU) through every route that takes a plan or
creates a record: each one refuses a request that could mean either, naming ``agreement``, and
stores nothing; named, it is taken in that agreement; where one agreement alone fits (IL's
message to TR), it is inferred."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from clearline import demo
from clearline.clock import FixedClock
from tests.api.test_bad_input import refused
from tests.conftest import IL_RU, Line, add_il_ru, warning
from tests.support.theatre import PALMYRA, T4, circle, notice, volume
from tests.support.tracks import jet


@pytest.fixture(autouse=True)
def ru(engine: Engine, tokens: demo.Tokens, clock: FixedClock) -> None:
    add_il_ru(engine, tokens, clock)


def _plan() -> dict[str, Any]:
    window = volume()
    properties = {"id": "p-1", "party": "IL", "kind": "air_patrol", "alt_lower_ft": 0}
    properties |= {"alt_upper_ft": 15_000, "start": window["start"], "end": window["end"]}
    feature = {"type": "Feature", "geometry": circle(PALMYRA), "properties": properties}
    return {"plan": {"type": "FeatureCollection", "features": [feature]}}


ROUTES: dict[str, tuple[str, str, str, Callable[[FixedClock], dict[str, Any]]]] = {
    # name: (path, role, the field naming the agreement, the request without it)
    "notice": ("/v1/notices", "duty_officer", "agreement", lambda _: notice()),
    "check": ("/v1/conflicts/check", "duty_officer", "agreement", lambda _: _plan()),
    "tracks": (
        "/v1/tracks",
        "system",
        "agreement",
        lambda clock: {"reports": [jet(clock.now())]},
    ),
    "position": (
        "/v1/positions",
        "duty_officer",
        "agreement",
        lambda _: {"name": "T4", "kind": "base", "lat": T4[1], "lon": T4[0]},
    ),
    "zone": (
        "/v1/zones",
        "liaison_officer",
        "agreement",
        lambda _: {"name": "T4", "kind": "red_line_zone", "owner": "IL", "geometry": circle(T4)},
    ),
}


def _post(line: Line, route: str, body: dict[str, Any]) -> Any:
    path, role, _, _ = ROUTES[route]
    headers = line.headers("IL", role, **{"Idempotency-Key": uuid.uuid4().hex})
    return line.client.post(path, json=body, headers=headers)


@pytest.mark.parametrize("route", ROUTES)
def test_a_request_that_could_mean_either_agreement_is_refused_naming_it(
    line: Line, engine: Engine, clock: FixedClock, route: str
) -> None:
    body = ROUTES[route][3](clock)
    refusal = refused(engine, lambda: _post(line, route, body))
    assert (refusal.status, refusal.field) == (422, "agreement")
    assert "several agreements" in refusal.reason


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("agreement", [demo.AGREEMENT_ID, IL_RU])
def test_a_request_naming_its_agreement_is_taken_in_it(
    line: Line, clock: FixedClock, route: str, agreement: str
) -> None:
    _, _, field, request = ROUTES[route]
    answer = _post(line, route, {**request(clock), field: agreement})
    assert answer.status_code in (200, 201), answer.text
    if route in ("notice", "position", "zone"):
        assert answer.json()["agreement_id"] == agreement


@pytest.mark.parametrize("route", ROUTES)
def test_an_agreement_the_party_is_not_in_is_refused_naming_it(
    line: Line, engine: Engine, clock: FixedClock, route: str
) -> None:
    _, _, field, request = ROUTES[route]
    body = {**request(clock), field: "tr-ru-syria"}
    refusal = refused(engine, lambda: _post(line, route, body))
    assert (refusal.status, refusal.field) == (422, "agreement")


def test_a_track_batch_names_its_agreement_also_as_first_published(
    line: Line, clock: FixedClock
) -> None:
    answer = _post(line, "tracks", {"reports": [jet(clock.now())], "agreement_id": IL_RU})
    assert answer.status_code == 200, answer.text


def test_a_message_to_a_party_of_one_agreement_infers_it(line: Line) -> None:
    answer = line.send("IL", warning(to="TR"))
    assert answer.status_code == 201, answer.text
    assert answer.json()["agreement_id"] == demo.AGREEMENT_ID


def test_the_checks_on_a_partys_blind_notices_need_the_agreement_named(line: Line) -> None:
    refusal = line.get("IL", "/v1/conflicts/checks")
    assert (refusal.status_code, refusal.json()["field"]) == (422, "agreement")
    named = line.get("IL", "/v1/conflicts/checks", agreement=IL_RU)
    assert named.status_code == 200 and named.json() == {"touches": []}
