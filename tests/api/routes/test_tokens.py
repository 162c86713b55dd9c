"""API tokens through the API: a liaison officer issues its radar feed a tracks-only token and
an auditor's tool a read-only one; each does what its scope allows and is refused the rest; a
token expires on the line's clock, and one revoked is refused at its next request and its open
stream closed; every issue and revocation is on the ledger for the party alone, never with the
secret; and nobody manages another party's tokens."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from starlette.websockets import WebSocketDisconnect

from clearline.clock import FixedClock
from tests.conftest import Line
from tests.support.refusals import refused
from tests.support.seen import everything
from tests.support.tracks import report

TOKENS = "/v1/tokens"
LIAISON = "liaison_officer"
FEED = "radar feed ZULU-7 at Hmeimim"
"""A label no byte another party reads may hold."""


def issued(line: Line, party: str = "IL", role: str = LIAISON, **request: Any) -> dict[str, Any]:
    answer = line.post(party, TOKENS, role, json={"label": FEED, **request})
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def reported(line: Line, clock: FixedClock, secret: str) -> Any:
    batch = {"reports": [report("UAV-7", "uav", 34.7, 38.3, clock.now())]}
    return line.client.post("/v1/tracks", json=batch, headers=bearer(secret))


def test_a_token_is_shown_once_and_listed_without_its_secret(line: Line) -> None:
    found = issued(line, scope="read")
    secret, token = found["token"], found["issued"]
    assert secret.startswith("cl_") and len(token["id"]) == 16
    assert (token["user"], token["party"], token["scope"]) == ("il-liaison-officer", "IL", "read")
    listed = line.get("IL", TOKENS, LIAISON)
    assert listed.status_code == 200 and secret not in listed.text
    assert token["id"] in [t["id"] for t in listed.json()["tokens"]]
    me = line.client.get("/v1/me", headers=bearer(secret)).json()["user"]
    assert me["name"] == "il-liaison-officer"


def test_a_read_only_token_reads_and_writes_nothing(line: Line, engine: Engine) -> None:
    secret = issued(line, scope="read")["token"]
    assert line.client.get("/v1/messages", headers=bearer(secret)).status_code == 200
    write = refused(
        engine, lambda: line.client.post(TOKENS, json={"label": "x"}, headers=bearer(secret))
    )
    assert (write.status, write.field) == (403, "scope")
    assert "read-only" in write.reason


def test_a_tracks_token_reports_tracks_and_reads_nothing(line: Line, clock: FixedClock) -> None:
    secret = issued(line, scope="tracks", user="il-system")["token"]
    sent = reported(line, clock, secret)
    assert sent.status_code == 200, sent.text
    for path in ("/v1/messages", "/v1/tracks", "/v1/me", "/v1/events"):
        answer = line.client.get(path, headers=bearer(secret))
        assert (answer.status_code, answer.json()["field"]) == (403, "scope"), path
    with line.client.websocket_connect("/v1/stream?since=0", headers=bearer(secret)) as ws:
        frame = {"type": "tracks", "reports": [report("UAV-8", "uav", 34.7, 38.4, clock.now())]}
        ws.send_text(json.dumps(frame))
        first = json.loads(ws.receive_text())  # no event before it: the stream carries none
    assert first == {"type": "tracks.accepted", "accepted": 1}


def test_a_read_token_on_the_stream_reads_but_sends_no_tracks(line: Line) -> None:
    secret = issued(line, scope="read")["token"]
    with line.client.websocket_connect("/v1/stream?since=0", headers=bearer(secret)) as ws:
        first = json.loads(ws.receive_text())
        assert "seq" in first
        ws.send_text(json.dumps({"type": "tracks", "reports": []}))
        while (frame := json.loads(ws.receive_text())).get("type") != "error":
            pass
    assert frame["field"] == "scope"


def test_a_token_stops_working_when_it_expires(line: Line, clock: FixedClock) -> None:
    until = clock.now() + timedelta(hours=1)
    secret = issued(line, expires_at=until.isoformat())["token"]
    assert line.client.get("/v1/me", headers=bearer(secret)).status_code == 200
    clock.advance(3_600)
    answer = line.client.get("/v1/me", headers=bearer(secret))
    assert (answer.status_code, answer.json()["field"]) == (401, "Authorization")


def test_a_revoked_token_is_refused_and_its_open_stream_closed(line: Line) -> None:
    found = issued(line)
    secret, token_id = found["token"], found["issued"]["id"]
    with line.client.websocket_connect("/v1/stream?since=0", headers=bearer(secret)) as ws:
        ws.receive_text()
        revoked = line.client.delete(f"{TOKENS}/{token_id}", headers=line.headers("IL", LIAISON))
        assert revoked.status_code == 200, revoked.text
        assert (revoked.json()["revoked_by"], revoked.json()["id"]) == (
            "il-liaison-officer",
            token_id,
        )
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ws.receive_text()
    assert closed.value.code == 4401
    answer = line.client.get("/v1/me", headers=bearer(secret))
    assert answer.status_code == 401
    again = line.client.delete(f"{TOKENS}/{token_id}", headers=line.headers("IL", LIAISON))
    assert (again.status_code, again.json()["field"]) == (409, "token_id")
    (listed,) = [t for t in line.get("IL", TOKENS, LIAISON).json()["tokens"] if t["id"] == token_id]
    assert listed["revoked_at"] is not None


def test_each_issue_and_revocation_is_on_the_ledger_for_the_party_alone(line: Line) -> None:
    found = issued(line, scope="tracks", user="il-system")
    secret, token_id = found["token"], found["issued"]["id"]
    line.client.delete(f"{TOKENS}/{token_id}", headers=line.headers("IL", LIAISON))
    events = line.get("IL", "/v1/events", limit=1_000).json()["events"]
    kinds = [e["type"] for e in events if e["type"].startswith("account.")]
    assert kinds == ["account.token_issued", "account.token_revoked"]
    read = everything(line, "IL")
    assert FEED in read and secret not in read, "the party reads the record, never the secret"
    for party, role in (("TR", "duty_officer"), ("TR", LIAISON), ("AZ", "mediator")):
        assert FEED not in everything(line, party, role)
        assert token_id not in line.get(party, TOKENS, role).text


def test_a_liaison_officer_manages_its_partys_tokens_and_no_one_elses(
    line: Line, engine: Engine
) -> None:
    theirs = issued(line, "IL", "duty_officer")["issued"]["id"]
    mine = [t["id"] for t in line.get("IL", TOKENS, LIAISON).json()["tokens"]]
    assert theirs in mine, "the liaison officer lists its party's tokens"
    duty = [t["user"] for t in line.get("IL", TOKENS, "duty_officer").json()["tokens"]]
    assert set(duty) == {"il-duty-officer"}, "a duty officer lists its own"
    other = refused(
        engine,
        lambda: line.client.delete(f"{TOKENS}/{theirs}", headers=line.headers("TR", LIAISON)),
    )
    assert (other.status, other.field) == (404, "token_id")
    for_them = refused(
        engine,
        lambda: line.post("IL", TOKENS, "duty_officer", json={"label": "x", "user": "il-system"}),
    )
    assert (for_them.status, for_them.field) == (403, "user")
    foreign = refused(
        engine, lambda: line.post("IL", TOKENS, LIAISON, json={"label": "x", "user": "tr-system"})
    )
    assert (foreign.status, foreign.field) == (404, "user")


@pytest.mark.parametrize(
    ("request_body", "field"),
    [
        ({"label": "x", "scope": "admin"}, "scope"),
        ({"label": ""}, "label"),
        ({"label": "x", "expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
        ({"label": "x", "expires_at": "2030-01-01T00:00:00"}, "expires_at"),
    ],
)
def test_a_bad_token_request_is_refused_naming_the_field(
    line: Line, engine: Engine, request_body: dict[str, Any], field: str
) -> None:
    refusal = refused(engine, lambda: line.post("IL", TOKENS, LIAISON, json=request_body))
    assert (refusal.status, refusal.field) == (422, field)


def test_a_token_that_expires_issues_none_that_outlives_it(line: Line, clock: FixedClock) -> None:
    """A leaked token that expires cannot mint one that does not."""
    until = clock.now() + timedelta(hours=1)
    secret = issued(line, expires_at=until.isoformat())["token"]
    forever = line.client.post(TOKENS, json={"label": "forever"}, headers=bearer(secret))
    assert (forever.status_code, forever.json()["field"]) == (422, "expires_at")
    later = {"label": "later", "expires_at": (until + timedelta(seconds=1)).isoformat()}
    assert line.client.post(TOKENS, json=later, headers=bearer(secret)).status_code == 422
    within = {"label": "within", "expires_at": until.isoformat()}
    assert line.client.post(TOKENS, json=within, headers=bearer(secret)).status_code == 201
