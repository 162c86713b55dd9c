"""A party's people through the API: Israel's liaison officer adds a duty officer who signs in
to the console, changes its language and role, resets its password, and deactivates it, which
stops its sign-in, its tokens and its open stream at once; nobody manages another party's
people, a party always keeps a liaison officer, and each change is on the party's record
alone, never with a password."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from starlette.websockets import WebSocketDisconnect

from clearline.clock import FixedClock
from tests.conftest import Line
from tests.support.refusals import refused
from tests.support.seen import everything

USERS = "/v1/users"
LIAISON = "liaison_officer"
PASSWORD = "Nightwatch-7731"
NEWCOMER = {"name": "il-duty-2", "role": "duty_officer", "language": "he", "password": PASSWORD}


def enrolled(line: Line, **changes: Any) -> dict[str, Any]:
    answer = line.post("IL", USERS, LIAISON, json={**NEWCOMER, **changes})
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


def changed(line: Line, name: str, party: str = "IL", **body: Any) -> Any:
    return line.client.patch(f"{USERS}/{name}", json=body, headers=line.headers(party, LIAISON))


def signed_in(line: Line, name: str, password: str = PASSWORD) -> Any:
    return line.client.post("/v1/session", json={"name": name, "password": password})


def test_a_liaison_officer_adds_a_user_who_signs_in(line: Line) -> None:
    user = enrolled(line)
    assert (user["name"], user["party"], user["role"], user["active"]) == (
        "il-duty-2",
        "IL",
        "duty_officer",
        True,
    )
    assert signed_in(line, "il-duty-2").status_code == 200
    names = [u["name"] for u in line.get("IL", USERS, LIAISON).json()["users"]]
    assert "il-duty-2" in names and all(n.startswith("il-") for n in names)


def test_its_role_language_and_password_change(line: Line) -> None:
    enrolled(line)
    moved = changed(line, "il-duty-2", role="watch_commander", language="en")
    assert moved.status_code == 200, moved.text
    assert (moved.json()["role"], moved.json()["language"]) == ("watch_commander", "en")
    reset = line.client.put(
        f"{USERS}/il-duty-2/password",
        json={"password": "Dawnwatch-2025"},
        headers=line.headers("IL", LIAISON),
    )
    assert reset.status_code == 200, reset.text
    assert signed_in(line, "il-duty-2").status_code == 401
    assert signed_in(line, "il-duty-2", "Dawnwatch-2025").status_code == 200


def test_deactivated_its_sign_in_tokens_and_stream_stop_at_once(
    line: Line, clock: FixedClock
) -> None:
    enrolled(line)
    session = signed_in(line, "il-duty-2")
    cookie = session.cookies["clearline_session"]
    until = (clock.now() + timedelta(hours=1)).isoformat()
    token = {"label": "duty laptop", "scope": "read", "expires_at": until}
    console = {"Cookie": f"clearline_session={cookie}"}
    issued = line.client.post("/v1/tokens", json=token, headers=console)
    assert issued.status_code == 201, issued.text
    secret = issued.json()["token"]
    bearer = {"Authorization": f"Bearer {secret}"}
    with line.client.websocket_connect("/v1/stream?since=0", headers=bearer) as ws:
        ws.receive_text()
        off = changed(line, "il-duty-2", active=False)
        assert off.status_code == 200 and off.json()["active"] is False
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ws.receive_text()
    assert closed.value.code == 4401
    assert line.client.get("/v1/me", headers=bearer).status_code == 401
    assert line.client.get("/v1/me", headers=console).status_code == 401
    assert signed_in(line, "il-duty-2").status_code == 401
    assert changed(line, "il-duty-2", active=True).status_code == 200
    assert line.client.get("/v1/me", headers=bearer).status_code == 200, "its tokens again"


def test_each_change_is_on_the_partys_record_alone_without_a_password(line: Line) -> None:
    enrolled(line)
    changed(line, "il-duty-2", language="en")
    events = line.get("IL", "/v1/events", limit=1_000).json()["events"]
    told = [
        (e["type"], e["payload"]["changes"]) for e in events if e["type"].startswith("account.")
    ]
    assert told == [("account.user_added", ["added"]), ("account.user_changed", ["language"])]
    assert PASSWORD not in everything(line, "IL") and "argon2" not in everything(line, "IL")
    for party, role in (("TR", "duty_officer"), ("TR", LIAISON), ("AZ", "mediator")):
        assert "il-duty-2" not in everything(line, party, role)


def test_nobody_manages_another_partys_people(line: Line, engine: Engine) -> None:
    enrolled(line)
    other = refused(engine, lambda: changed(line, "il-duty-2", "TR", active=False))
    assert (other.status, other.field) == (404, "name")
    duty = refused(engine, lambda: line.post("IL", USERS, "duty_officer", json=NEWCOMER))
    assert (duty.status, duty.field) == (403, "role")
    listed = line.get("TR", USERS, LIAISON).json()["users"]
    assert all(u["party"] == "TR" for u in listed)


def test_a_party_keeps_an_active_liaison_officer(line: Line, engine: Engine) -> None:
    alone = refused(engine, lambda: changed(line, "il-liaison-officer", active=False))
    assert (alone.status, alone.field) == (409, "active")
    demoted = refused(engine, lambda: changed(line, "il-liaison-officer", role="duty_officer"))
    assert (demoted.status, demoted.field) == (409, "role")
    enrolled(line, name="il-liaison-2", role=LIAISON)
    assert changed(line, "il-liaison-officer", role="duty_officer").status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({**NEWCOMER, "role": "mediator"}, 422, "role"),
        ({**NEWCOMER, "role": "operator"}, 422, "role"),
        ({**NEWCOMER, "name": "il-duty-officer"}, 409, "name"),
        ({**NEWCOMER, "name": "IL Duty"}, 422, "name"),
        ({**NEWCOMER, "password": "short"}, 422, "password"),
        ({**NEWCOMER, "role": "system"}, 422, "password"),
    ],
)
def test_a_bad_user_is_refused_naming_the_field(
    line: Line, engine: Engine, body: dict[str, Any], status: int, field: str
) -> None:
    refusal = refused(engine, lambda: line.post("IL", USERS, LIAISON, json=body))
    assert (refusal.status, refusal.field) == (status, field)


def test_a_change_of_nothing_is_refused(line: Line, engine: Engine) -> None:
    refusal = refused(engine, lambda: changed(line, "il-duty-officer"))
    assert (refusal.status, refusal.field) == (422, "request")
