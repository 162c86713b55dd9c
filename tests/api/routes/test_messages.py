"""Messages through the HTTP and WebSocket interfaces, on both back-ends."""

from __future__ import annotations

from tests.conftest import Line, warning


def test_a_flash_warning_reaches_il_is_acknowledged_and_tr_sees_it(line: Line) -> None:
    with (
        line.client.websocket_connect("/v1/stream", headers=line.headers("IL")) as il,
        line.client.websocket_connect("/v1/stream", headers=line.headers("TR")) as tr,
    ):
        sent = line.send("TR", warning(free_text="Strike package inbound from the north"))
        assert sent.status_code == 201
        message = sent.json()
        assert message["recipients"][0]["state"] == "sent"

        arrived = il.receive_json()
        assert arrived["type"] == "message.sent"
        assert arrived["payload"]["message"]["id"] == message["id"]
        assert arrived["payload"]["message"]["rendered"]["direction"] == "rtl"
        assert tr.receive_json()["type"] == "message.sent"
        assert tr.receive_json()["type"] == "message.delivered"

        acked = line.post("IL", f"/v1/messages/{message['id']}/ack")
        assert acked.status_code == 200
        assert acked.json()["state"] == "acknowledged"
        event = tr.receive_json()
        assert event["type"] == "message.acknowledged"
        assert event["payload"]["party"] == "IL"

    seen = line.get("TR", f"/v1/messages/{message['id']}").json()
    (il_copy,) = seen["recipients"]
    assert il_copy["state"] == "acknowledged"
    assert il_copy["delivered_at"] is not None
    assert il_copy["acknowledged_by"] is not None


def test_the_reader_gets_the_structured_text_in_their_language(line: Line) -> None:
    sent = line.send("TR", warning(free_text="Acil!")).json()
    hebrew = line.get("IL", f"/v1/messages/{sent['id']}").json()["rendered"]
    english = line.get("IL", f"/v1/messages/{sent['id']}", lang="en").json()["rendered"]
    assert hebrew["title"] == "אזהרה"
    assert english["text"] == "Air strike within 20 km of 34.5500°N 38.2800°E"
    assert english["free_text"] == "Acil!"
    assert english["free_text_label"] == "untranslated"


def test_the_same_key_and_body_return_the_same_message_never_a_second(line: Line) -> None:
    first = line.send("TR", warning(), key="tr-2026-11-22-001")
    again = line.send("TR", warning(), key="tr-2026-11-22-001")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert len(line.get("TR", "/v1/messages", box="outbox").json()["messages"]) == 1


def test_the_same_key_with_another_body_is_a_conflict(line: Line) -> None:
    line.send("TR", warning(), key="k1")
    other = line.send("TR", warning(precedence="ROUTINE"), key="k1")
    assert other.status_code == 409
    assert other.json()["field"] == "Idempotency-Key"
    assert len(line.get("TR", "/v1/messages", box="outbox").json()["messages"]) == 1


def test_a_reply_answers_the_query_and_acknowledges_it(line: Line) -> None:
    query = line.send(
        "IL",
        {
            "to": "TR",
            "type": "identification_query",
            "precedence": "IMMEDIATE",
            "body": {
                "object_kind": "uav",
                "location": {"lat": 36.2, "lon": 37.1},
                "observed_at": "2026-11-22T15:25:00Z",
            },
        },
    ).json()
    reply = line.send(
        "TR",
        {
            "to": "IL",
            "type": "identification_reply",
            "precedence": "IMMEDIATE",
            "body": {"answer": "partner_force"},
            "in_reply_to": query["id"],
        },
    )
    assert reply.status_code == 201
    (tr_copy,) = line.get("IL", f"/v1/messages/{query['id']}").json()["recipients"]
    assert tr_copy["state"] == "answered"
    assert tr_copy["answer_id"] == reply.json()["id"]
    assert tr_copy["acknowledged_at"] is not None


def test_inbox_filters_by_state_and_type(line: Line) -> None:
    line.send("TR", warning())
    line.send("TR", {"to": "IL", "type": "free_text", "precedence": "ROUTINE", "free_text": "hi"})
    inbox = line.get("IL", "/v1/messages", box="inbox", type="free_text").json()["messages"]
    assert [m["type"] for m in inbox] == ["free_text"]
    assert inbox[0]["state"] == "delivered"  # reading the inbox is delivery
    assert line.get("IL", "/v1/messages", box="inbox", state="sent").json()["messages"] == []


def test_a_client_that_goes_away_stops_listening(line: Line) -> None:
    runtime = line.client.app.state.runtime  # type: ignore[attr-defined]
    with line.client.websocket_connect("/v1/stream", headers=line.headers("IL")):
        line.send("TR", warning())
        assert len(runtime.bus) == 1
    line.send("TR", warning())
    assert len(runtime.bus) == 0
