"""The paging webhook through the HTTP API: set by a party's own watch, refused with a field
named otherwise, its secret never shown again, its URL never shown to another party, and an
escalation posted to a real receiver as the node's watch and paging steps run."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.runtime.loops import page
from tests.conftest import Line, warning
from tests.support.receiver import FREE_TEXT, SECRET, Receiver
from tests.support.refusals import refused


def put(line: Line, party: str, role: str = "duty_officer", /, **request: Any) -> Any:
    body = {"url": "https://paging.il.example/line", "secret": SECRET, **request}
    return line.client.put("/v1/webhook", json=body, headers=line.headers(party, role))


def paged(line: Line) -> int:
    """One paging step of the node, at the fixed clock's time."""
    return line.client.portal.call(page, line.client.app.state.runtime)  # type: ignore[union-attr]


def test_a_webhook_is_registered_replaced_read_and_deleted_never_showing_its_secret(
    line: Line,
) -> None:
    created = put(line, "IL")
    assert created.status_code == 201, created.text
    assert created.json()["include_content"] is False
    replaced = put(line, "IL", "watch_commander", include_content=True)
    assert replaced.status_code == 200
    shown = line.get("IL", "/v1/webhook")
    assert shown.json()["url"] == "https://paging.il.example/line"
    assert shown.json()["include_content"] is True
    events = line.get("IL", "/v1/events").text
    for answer in (created.text, replaced.text, shown.text, events):
        assert SECRET not in answer and "secret" not in json.loads(answer)
    assert line.client.delete("/v1/webhook", headers=line.headers("IL")).status_code == 204
    gone = line.get("IL", "/v1/webhook")
    assert (gone.status_code, gone.json()["field"]) == (404, "webhook")


@pytest.mark.parametrize(
    ("request_", "role", "status", "field"),
    [
        ({"url": "ftp://paging.il.example/line"}, "duty_officer", 422, "url"),
        ({"url": "javascript:alert(1)"}, "duty_officer", 422, "url"),
        ({"secret": "too-short"}, "duty_officer", 422, "secret"),
        ({"party": "TR"}, "duty_officer", 403, "party"),
        ({"agreement": "il-ru-syria"}, "duty_officer", 422, "agreement"),
        ({"password": "x"}, "duty_officer", 422, "password"),
        ({}, "auditor", 403, "role"),
        ({}, "system", 403, "role"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_stores_nothing(
    line: Line, engine: Engine, request_: dict[str, Any], role: str, status: int, field: str
) -> None:
    refusal = refused(engine, lambda: put(line, "IL", role, **request_))
    assert (refusal.status, refusal.field) == (status, field)
    assert line.get("IL", "/v1/webhook").status_code == 404


def test_a_mediator_has_no_webhook_to_set(line: Line, engine: Engine) -> None:
    refusal = refused(engine, lambda: put(line, "AZ", "mediator"))
    assert (refusal.status, refusal.field) == (403, "role")


def test_an_escalation_reaches_the_receiver_and_the_sender_learns_it_reached_someone(
    line: Line, clock: FixedClock, receiver: Receiver
) -> None:
    assert put(line, "IL", url=receiver.url).status_code == 201
    receiver.fail(3)
    sent = line.send("TR", warning(free_text=FREE_TEXT)).json()
    clock.advance(120)
    assert line.watch() == 1
    for wait in (0, 5, 10, 20):
        clock.advance(wait)
        assert paged(line) == 1
    assert len(receiver.received) == 4 and all(r.verifies(SECRET) for r in receiver.received)
    body = json.loads(receiver.received[-1].body)
    assert (body["message_id"], body["role"]) == (sent["id"], "watch_commander")
    assert FREE_TEXT.encode() not in receiver.received[-1].body
    tr_events = line.get("TR", "/v1/events", limit=5_000).json()["events"]
    (reached,) = [e for e in tr_events if e["type"] == "message.escalation_delivered"]
    assert reached["payload"]["message_id"] == sent["id"]
    il_events = line.get("IL", "/v1/events", limit=5_000).json()["events"]
    assert [
        e["payload"]["page"]["attempts"] for e in il_events if e["type"] == "page.attempt_failed"
    ] == [1, 2, 3]
    (figures,) = [row["figures"] for row in line.get("AZ", "/v1/lines", "mediator").json()]
    assert figures["escalations_unreached"] == 0


def test_another_party_never_sees_the_webhooks_url_or_secret(
    line: Line, clock: FixedClock, receiver: Receiver
) -> None:
    assert put(line, "IL", url=receiver.url).status_code == 201
    with line.client.websocket_connect("/v1/stream", headers=line.headers("TR")) as tr:
        sent = line.send("TR", warning()).json()
        assert tr.receive_json()["type"] == "message.sent"
        clock.advance(120)
        line.watch()
        paged(line)
        frames = [json.dumps(tr.receive_json()) for _ in range(2)]
    answers = [
        line.get("TR", "/v1/events", limit=5_000),
        line.get("TR", "/v1/messages", box="all"),
        line.get("TR", f"/v1/messages/{sent['id']}"),
        line.get("TR", "/v1/lines"),
        line.get("TR", "/v1/ledger/entries", start=0, end=1_000),
        line.get("AZ", "/v1/events", "mediator", limit=5_000),
        line.get("AZ", "/v1/lines", "mediator"),
    ]
    assert [answer.status_code for answer in answers] == [200] * len(answers)
    assert "message.escalation_delivered" in "".join(frames)
    for seen in [*frames, *(answer.text for answer in answers), line.get("TR", "/v1/webhook").text]:
        assert receiver.url not in seen and "127.0.0.1" not in seen
        assert SECRET not in seen
    assert line.get("TR", "/v1/webhook").status_code == 404


def test_an_escalation_nobody_saw_counts_in_the_mediators_figures(
    line: Line, clock: FixedClock
) -> None:
    line.send("TR", warning())
    clock.advance(120)
    line.watch()
    paged(line)
    (figures,) = [row["figures"] for row in line.get("AZ", "/v1/lines", "mediator").json()]
    assert (figures["escalated"], figures["escalations_unreached"]) == (1, 1)


@pytest.mark.parametrize(("role", "unreached"), [("watch_commander", 0), ("duty_officer", 1)])
def test_an_escalation_reaches_a_console_only_of_the_role_it_names(
    line: Line, clock: FixedClock, role: str, unreached: int
) -> None:
    with line.client.websocket_connect("/v1/stream", headers=line.headers("IL", role)) as il:
        line.send("TR", warning())
        assert il.receive_json()["type"] == "message.sent"
        clock.advance(120)
        line.watch()  # escalated to IL's watch commander
        paged(line)
    (figures,) = [row["figures"] for row in line.get("AZ", "/v1/lines", "mediator").json()]
    assert (figures["escalated"], figures["escalations_unreached"]) == (1, unreached)
