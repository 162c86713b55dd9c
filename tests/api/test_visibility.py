"""Who may do what, and who sees what: every demo user against every endpoint, on both back-ends.

The table below is the specification of the roles. Under it, what stays private: a third
party's traffic, message content from the mediator, and a held message from its recipient
until the line is restored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from starlette.websockets import WebSocketDisconnect

from clearline import demo
from clearline.clock import FixedClock
from clearline.model.user import Role
from tests.conftest import IL_RU, Line, add_il_ru, warning

OPEN = "open"
"""The stream opened and served the user an event."""

ENDPOINTS = (
    "POST /v1/messages",
    "GET /v1/messages",
    "GET /v1/messages/{id}",
    "POST /v1/messages/{id}/ack",
    "GET /v1/lines",
    "POST /v1/lines/{party}/suspend",
    "POST /v1/lines/{party}/restore",
    "GET /v1/events",
    "WS /v1/stream",
    "GET /v1/me",
)

# The same for IL and TR. Every 403 names the field `role`.
# fmt: off
EXPECTED: dict[str, tuple[int | str, ...]] = {
    #                     send  list  read  ack   lines suspend restore events stream me
    "duty_officer":       (201, 200,  200,  200,  200,  403,    403,    200,   OPEN,  200),
    "watch_commander":    (201, 200,  200,  200,  200,  403,    403,    200,   OPEN,  200),
    "liaison_officer":    (201, 200,  200,  200,  200,  200,    200,    200,   OPEN,  200),
    "system":             (201, 200,  200,  403,  200,  403,    403,    200,   OPEN,  200),
    "auditor":            (403, 200,  200,  403,  200,  403,    403,    200,   OPEN,  200),
    "mediator":           (403, 403,  403,  403,  200,  403,    403,    200,   OPEN,  200),
}
# fmt: on

USERS = [(party, role) for party in ("IL", "TR") for role in demo.PARTY_ROLES] + [
    ("AZ", Role.MEDIATOR)
]

PEER = {"IL": "TR", "TR": "IL", "AZ": "IL"}
"""The other side of the line for a party; the mediator tries its hand on IL's line."""


def _inbound(line: Line, party: str) -> int:
    """A warning on the IL–TR line addressed to ``party`` (to IL, for the mediator)."""
    recipient = party if party != "AZ" else "IL"
    sent = line.send(PEER[recipient], warning(to=recipient))
    assert sent.status_code == 201
    return int(sent.json()["id"])


def _suspend(line: Line, party: str, peer: str, reason: str = "talks broke down") -> Any:
    return line.post(party, f"/v1/lines/{peer}/suspend", "liaison_officer", json={"reason": reason})


def _stream(line: Line, headers: dict[str, str]) -> int | str:
    """Open the stream and read one frame: OPEN if it is an event, else the close code.

    Callers make sure there is an event for the user to read (else this would wait for one).
    """
    try:
        with line.client.websocket_connect("/v1/stream", headers=headers) as ws:
            first = ws.receive_json()
    except WebSocketDisconnect as closed:
        return closed.code
    assert first["type"] == "line.suspended"
    return OPEN


# Each attempt makes the call as the given user and, where it is allowed, checks what it shows.


def _try_send(line: Line, party: str, role: str) -> Any:
    answer = line.send(party, warning(to=PEER[party]), role)
    if answer.status_code == 201:
        assert (answer.json()["sender_party"], answer.json()["to"]) == (party, [PEER[party]])
    return answer


def _try_list(line: Line, party: str, role: str) -> Any:
    message_id = _inbound(line, party)
    answer = line.get(party, "/v1/messages", role)
    if answer.status_code == 200:
        assert [m["id"] for m in answer.json()["messages"]] == [message_id]
    return answer


def _try_read(line: Line, party: str, role: str) -> Any:
    message_id = _inbound(line, party)
    answer = line.get(party, f"/v1/messages/{message_id}", role)
    if answer.status_code == 200:
        assert answer.json()["id"] == message_id
    return answer


def _try_ack(line: Line, party: str, role: str) -> Any:
    answer = line.post(party, f"/v1/messages/{_inbound(line, party)}/ack", role)
    if answer.status_code == 200:
        assert answer.json()["state"] == "acknowledged"
    return answer


def _try_lines(line: Line, party: str, role: str) -> Any:
    answer = line.get(party, "/v1/lines", role)
    if answer.status_code == 200:
        assert [e["line"]["agreement_id"] for e in answer.json()] == [demo.AGREEMENT_ID]
    return answer


def _try_suspend(line: Line, party: str, role: str) -> Any:
    answer = line.post(party, f"/v1/lines/{PEER[party]}/suspend", role, json={"reason": "drill"})
    if answer.status_code == 200:
        assert (answer.json()["state"], answer.json()["reason"]) == ("suspended", "drill")
    return answer


def _try_restore(line: Line, party: str, role: str) -> Any:
    own_side = party if party != "AZ" else "IL"  # the line is suspended by the user's own party
    assert _suspend(line, own_side, PEER[own_side]).status_code == 200
    answer = line.post(party, f"/v1/lines/{PEER[party]}/restore", role)
    if answer.status_code == 200:
        assert answer.json()["state"] == "restored"
    return answer


def _try_events(line: Line, party: str, role: str) -> Any:
    message_id = _inbound(line, party)
    answer = line.get(party, "/v1/events", role)
    if answer.status_code == 200:
        seen = [(e["type"], e["payload"]["message"]["id"]) for e in answer.json()["events"]]
        assert seen == ([] if party == "AZ" else [("message.sent", message_id)])
    return answer


def _try_stream(line: Line, party: str, role: str) -> int | str:
    assert _suspend(line, "IL", "TR").status_code == 200  # an event every demo user may see
    return _stream(line, line.headers(party, role))


def _try_me(line: Line, party: str, role: str) -> Any:
    answer = line.get(party, "/v1/me", role)
    if answer.status_code == 200:
        user = answer.json()["user"]
        assert (user["party"], user["role"]) == (party, role)
        assert user["name"] == f"{party.lower()}-{role.replace('_', '-')}"
    return answer


ATTEMPTS: dict[str, Callable[[Line, str, str], Any]] = dict(
    zip(
        ENDPOINTS,
        (
            _try_send,
            _try_list,
            _try_read,
            _try_ack,
            _try_lines,
            _try_suspend,
            _try_restore,
            _try_events,
            _try_stream,
            _try_me,
        ),
        strict=True,
    )
)

CASES = [
    pytest.param(party, role, endpoint, outcome, id=f"{party}-{role}-{endpoint}")
    for party, role in USERS
    for endpoint, outcome in zip(ENDPOINTS, EXPECTED[role], strict=True)
]


@pytest.mark.parametrize(("party", "role", "endpoint", "expected"), CASES)
def test_each_user_gets_the_outcome_its_role_allows_at_each_endpoint(
    line: Line, party: str, role: str, endpoint: str, expected: int | str
) -> None:
    answer = ATTEMPTS[endpoint](line, party, role)
    if endpoint.startswith("WS "):
        assert answer == expected
        return
    assert answer.status_code == expected, answer.json()
    if expected == 403:
        assert answer.json()["error"] == "forbidden"
        assert answer.json()["field"] == "role"
        assert answer.json()["reason"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_without_a_token_every_endpoint_is_refused(line: Line, endpoint: str) -> None:
    method, path = endpoint.split(" ")
    path = path.replace("{id}", "1").replace("{party}", "TR")
    if method == "WS":
        _suspend(line, "IL", "TR")  # were the stream to open, there would be an event to read
        assert _stream(line, {}) == 4401
        return
    answer = line.client.request(method, path, json={} if method == "POST" else None)
    assert answer.status_code == 401
    assert answer.json()["field"] == "Authorization"
    assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_a_wrong_token_is_refused_like_none(line: Line) -> None:
    answer = line.client.get("/v1/me", headers={"Authorization": "Bearer cl_not-a-token"})
    assert answer.status_code == 401
    assert answer.json()["field"] == "Authorization"
    _suspend(line, "IL", "TR")  # were the stream to open, there would be an event to read
    assert _stream(line, {"Authorization": "Bearer cl_not-a-token"}) == 4401


# Isolation from a third party: IL also has a line with RU, under another agreement.


@pytest.fixture
def ru(line: Line, engine: Engine, tokens: demo.Tokens, clock: FixedClock) -> None:
    """A second agreement, IL and RU with no mediator, and an RU duty officer who can sign in."""
    add_il_ru(engine, tokens, clock)


def _il_ru_traffic(line: Line) -> list[int]:
    """A conversation between IL and RU touching every kind of event; the message ids."""
    warned = line.send("RU", warning(to="IL", free_text="Только для Израиля")).json()["id"]
    assert line.get("IL", "/v1/messages", box="inbox").status_code == 200  # delivered
    assert line.post("IL", f"/v1/messages/{warned}/ack").status_code == 200
    query = line.send(
        "IL",
        {
            "to": "RU",
            "type": "identification_query",
            "precedence": "IMMEDIATE",
            "body": {
                "object_kind": "rotary",
                "location": {"lat": 35.4, "lon": 35.9},
                "observed_at": "2026-11-22T15:20:00Z",
            },
        },
    ).json()["id"]
    reply = line.send(
        "RU",
        {
            "to": "IL",
            "type": "identification_reply",
            "precedence": "IMMEDIATE",
            "body": {"answer": "ours"},
            "in_reply_to": query,
        },
    ).json()["id"]
    assert _suspend(line, "IL", "RU").status_code == 200
    assert line.post("IL", "/v1/lines/RU/restore", "liaison_officer").status_code == 200
    return [warned, query, reply]


def _messages_named(event: dict[str, Any]) -> set[int]:
    payload = event["payload"]
    named = {payload.get("message_id"), payload.get("answer_id")}
    if "message" in payload:
        named.add(payload["message"]["id"])
    return {n for n in named if n is not None}


def test_il_sees_its_line_with_ru(line: Line, ru: None) -> None:
    ids = _il_ru_traffic(line)
    listed = line.get("IL", "/v1/messages").json()["messages"]
    assert sorted(m["id"] for m in listed) == sorted(ids)
    lines = line.get("IL", "/v1/lines").json()
    assert sorted(entry["line"]["agreement_id"] for entry in lines) == [IL_RU, demo.AGREEMENT_ID]
    events = line.get("IL", "/v1/events").json()["events"]
    assert {e["agreement_id"] for e in events} == {IL_RU}


@pytest.mark.parametrize("box", ["inbox", "outbox", "all"])
def test_tr_lists_none_of_the_messages_between_il_and_ru(line: Line, ru: None, box: str) -> None:
    _il_ru_traffic(line)
    assert line.get("TR", "/v1/messages", box=box).json()["messages"] == []


def test_tr_gets_404_for_each_message_between_il_and_ru(line: Line, ru: None) -> None:
    for message_id in _il_ru_traffic(line):
        answer = line.get("TR", f"/v1/messages/{message_id}")
        assert answer.status_code == 404
        assert answer.json()["field"] == "id"


def test_tr_can_neither_acknowledge_nor_answer_a_message_between_il_and_ru(
    line: Line, ru: None
) -> None:
    _warned, query, _reply = _il_ru_traffic(line)
    assert line.post("TR", f"/v1/messages/{query}/ack").status_code == 404
    answer = line.send(
        "TR",
        {
            "to": "IL",
            "type": "identification_reply",
            "precedence": "IMMEDIATE",
            "body": {"answer": "not_ours"},
            "in_reply_to": query,
        },
    )
    assert answer.status_code == 404
    assert answer.json()["field"] == "in_reply_to"


@pytest.mark.parametrize(("party", "role"), [("TR", "duty_officer"), ("AZ", "mediator")])
def test_events_between_il_and_ru_never_reach_tr_or_the_mediator(
    line: Line, ru: None, party: str, role: str
) -> None:
    _inbound(line, "TR")  # traffic of TR's own, which it does see
    _suspend(line, "TR", "IL")  # and a line event, which the mediator sees
    ids = _il_ru_traffic(line)
    events = line.get(party, "/v1/events", role).json()["events"]
    assert events, "the party sees its own line's events"
    assert {e["agreement_id"] for e in events} == {demo.AGREEMENT_ID}
    assert not any(_messages_named(e) & set(ids) for e in events)


@pytest.mark.parametrize(("party", "role"), [("TR", "duty_officer"), ("AZ", "mediator")])
def test_the_stream_carries_nothing_between_il_and_ru_to_tr_or_the_mediator(
    line: Line, ru: None, party: str, role: str
) -> None:
    with line.client.websocket_connect("/v1/stream", headers=line.headers(party, role)) as ws:
        _il_ru_traffic(line)
        _suspend(line, "IL", "TR")  # the first event this party may see
        first = ws.receive_json()
    assert first["type"] == "line.suspended"
    assert first["agreement_id"] == demo.AGREEMENT_ID


@pytest.mark.parametrize(("party", "role"), [("TR", "duty_officer"), ("AZ", "mediator")])
def test_the_line_between_il_and_ru_is_not_listed_for_tr_or_the_mediator(
    line: Line, ru: None, party: str, role: str
) -> None:
    _il_ru_traffic(line)
    lines = line.get(party, "/v1/lines", role).json()
    assert [(e["line"]["party_a"], e["line"]["party_b"]) for e in lines] == [("IL", "TR")]
    figures = lines[0]["figures"]
    assert figures["messages_by_type"] == {}
    assert figures["acknowledged"] == figures["unacknowledged"] == 0


def test_tr_cannot_suspend_the_line_between_il_and_ru(line: Line, ru: None) -> None:
    answer = _suspend(line, "TR", "RU")
    assert answer.status_code == 404
    assert answer.json()["field"] == "party"


# The mediator: counts and answer times per line, never content.

SECRETS = {
    "warning": warning(
        to="IL",
        free_text="Strike package inbound from the north",
        hazard="artillery_fire",
        location={"lat": 34.5512, "lon": 38.2877},
        radius_m=12_345,
        valid_until="2026-11-22T17:45:00Z",
    ),
    "query": {
        "to": "TR",
        "type": "identification_query",
        "precedence": "IMMEDIATE",
        "free_text": "Grey helicopter over Tell Rifaat",
        "body": {
            "object_kind": "rotary",
            "location": {"lat": 36.4731, "lon": 37.0966},
            "altitude_ft": 2_345,
            "observed_at": "2026-11-22T15:17:43Z",
        },
    },
    "free_text": {
        "to": "TR",
        "type": "free_text",
        "precedence": "ROUTINE",
        "free_text": "Call back on the red phone at 1900",
    },
    "reply": {
        "to": "IL",
        "type": "identification_reply",
        "precedence": "IMMEDIATE",
        "free_text": "Our Mi-17, medevac",
        "body": {"answer": "partner_force"},
    },
}


def _words(value: Any) -> Iterator[str]:
    """Every key and every leaf value in a JSON document, as text."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _words(item)
    elif isinstance(value, list):
        for item in value:
            yield from _words(item)
    elif value is not None:
        yield str(value)


def _content(request: dict[str, Any]) -> set[str]:
    """What a message says: its free text and its body, keys and values."""
    return {request["free_text"], *_words(request.get("body", {}))} - {None}


@pytest.fixture
def talked(line: Line, clock: FixedClock) -> dict[str, int]:
    """IL and TR exchange a warning, a query and its reply, and a free text; some are answered."""
    warned = line.send("TR", SECRETS["warning"]).json()["id"]
    query = line.send("IL", SECRETS["query"], role="watch_commander").json()["id"]
    chat = line.send("IL", SECRETS["free_text"]).json()["id"]
    clock.advance(95)
    assert line.post("IL", f"/v1/messages/{warned}/ack").status_code == 200
    clock.advance(25)
    assert line.send("TR", {**SECRETS["reply"], "in_reply_to": query}).status_code == 201
    return {"warning": warned, "query": query, "free_text": chat}


def test_the_mediator_sees_counts_and_answer_times_per_line(
    line: Line, talked: dict[str, int]
) -> None:
    (entry,) = line.get("AZ", "/v1/lines", "mediator").json()
    assert (entry["line"]["party_a"], entry["line"]["party_b"]) == ("IL", "TR")
    figures = entry["figures"]
    assert figures["messages_by_type"] == {
        "warning": 1,
        "identification_query": 1,
        "free_text": 1,
        "identification_reply": 1,
    }
    assert figures["messages_by_precedence"] == {"FLASH": 1, "IMMEDIATE": 2, "ROUTINE": 1}
    assert figures["acknowledged"] == 2  # the warning by hand, the query by its reply
    assert figures["unacknowledged"] == 2
    assert figures["median_answer_s"] == {"FLASH": 95.0, "IMMEDIATE": 120.0}


def test_the_mediator_sees_no_word_of_what_the_messages_say(
    line: Line, talked: dict[str, int]
) -> None:
    seen = line.get("AZ", "/v1/lines", "mediator").json()
    text = json.dumps(seen, ensure_ascii=False)
    said = set().union(*(_content(request) for request in SECRETS.values()))
    assert said.isdisjoint(_words(seen))
    for sentence in (r["free_text"] for r in SECRETS.values()):
        assert sentence not in text


def test_the_mediator_polls_line_events_but_no_message_events(
    line: Line, talked: dict[str, int]
) -> None:
    _suspend(line, "IL", "TR")
    events = line.get("AZ", "/v1/events", "mediator").json()["events"]
    assert [e["type"] for e in events] == ["line.suspended"]
    said = set().union(*(_content(request) for request in SECRETS.values()))
    assert said.isdisjoint(_words(events))


def test_the_mediator_streams_line_events_but_no_message_events(
    line: Line, talked: dict[str, int]
) -> None:
    with line.client.websocket_connect("/v1/stream", headers=line.headers("AZ", "mediator")) as ws:
        line.send("TR", warning(free_text="Second strike package"))
        _suspend(line, "IL", "TR")
        first = ws.receive_json()
    assert first["type"] == "line.suspended"
    assert "Second strike package" not in json.dumps(first)


# A held message: taken while the line is suspended, shown to its recipient only on restore.


@dataclass(frozen=True)
class Held:
    id: int
    suspender: str


@pytest.fixture(params=["IL", "TR"], ids=["suspended-by-recipient", "suspended-by-sender"])
def held(request: pytest.FixtureRequest, line: Line) -> Held:
    """TR's warning to IL, sent while the line is suspended (by IL or by TR)."""
    suspender = request.param
    assert _suspend(line, suspender, PEER[suspender]).status_code == 200
    sent = line.send("TR", warning(to="IL", free_text="Held back"))
    assert sent.status_code == 201
    assert sent.json()["line_suspended"] is True
    assert sent.json()["recipients"][0]["state"] == "held"
    return Held(id=sent.json()["id"], suspender=suspender)


def _restore(line: Line, held: Held) -> None:
    path = f"/v1/lines/{PEER[held.suspender]}/restore"
    assert line.post(held.suspender, path, "liaison_officer").status_code == 200


def test_the_sender_sees_its_held_message_as_held(line: Line, held: Held) -> None:
    (mine,) = line.get("TR", "/v1/messages", box="outbox", state="held").json()["messages"]
    assert mine["id"] == held.id


def test_a_held_message_is_not_in_its_recipients_inbox(line: Line, held: Held) -> None:
    assert line.get("IL", "/v1/messages").json()["messages"] == []


def test_a_held_message_is_not_found_by_its_recipient(line: Line, held: Held) -> None:
    assert line.get("IL", f"/v1/messages/{held.id}").status_code == 404
    assert line.post("IL", f"/v1/messages/{held.id}/ack").status_code == 404


def test_a_held_message_is_in_none_of_its_recipients_events(line: Line, held: Held) -> None:
    events = line.get("IL", "/v1/events").json()["events"]
    assert [e["type"] for e in events] == ["line.suspended"]


def test_restoring_the_line_puts_the_held_message_in_the_inbox(line: Line, held: Held) -> None:
    _restore(line, held)
    (arrived,) = line.get("IL", "/v1/messages", box="inbox").json()["messages"]
    assert arrived["id"] == held.id
    assert arrived["free_text"] == "Held back"
    assert line.get("IL", f"/v1/messages/{held.id}").status_code == 200
    assert line.post("IL", f"/v1/messages/{held.id}/ack").json()["state"] == "acknowledged"


def test_restoring_the_line_releases_the_held_message_as_an_event(line: Line, held: Held) -> None:
    _restore(line, held)
    events = line.get("IL", "/v1/events").json()["events"]
    assert [e["type"] for e in events] == ["line.suspended", "message.released", "line.restored"]
    assert events[1]["payload"]["message"]["id"] == held.id


def test_the_recipients_stream_gets_the_held_message_only_on_restore(
    line: Line, held: Held
) -> None:
    with line.client.websocket_connect("/v1/stream", headers=line.headers("IL")) as il:
        assert il.receive_json()["type"] == "line.suspended"
        _restore(line, held)
        released = il.receive_json()
        assert il.receive_json()["type"] == "line.restored"
        delivered = il.receive_json()  # handing it to the stream is delivery
    assert released["type"] == "message.released"
    assert released["payload"]["message"]["id"] == held.id
    assert released["payload"]["message"]["state"] == "sent"
    assert delivered["type"] == "message.delivered"
    assert delivered["payload"]["message_id"] == held.id
