"""Messages through the HTTP and WebSocket interfaces, on both back-ends."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clearline import demo
from clearline.clock import FixedClock
from clearline.model.agreement import Party
from clearline.model.user import Language, Role
from clearline.services.access import accounts, tokens
from clearline.services.agreements import create_agreement
from clearline.store.writer import run_now
from tests.conftest import Line, warning
from tests.support.refusals import refused


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


# --- the pending queue ---------------------------------------------------------------------------


def unanswered_hours(line: Line, clock: FixedClock, hours: int) -> None:
    """``hours`` of a line nobody watches: each hour's check sent, missed and escalated."""
    for _ in range(hours):
        clock.advance(3_600)
        line.watch()
        for _ in range(3):
            clock.advance(120)
            line.watch()


def pending(line: Line, party: str, **params: Any) -> dict[str, Any]:
    answer = line.get(party, "/v1/messages/pending", **params)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_a_line_nobody_watches_holds_one_pending_check_and_one_folded_miss(
    line: Line, clock: FixedClock
) -> None:
    unanswered_hours(line, clock, 5)
    clock.advance(3_600)
    line.watch()  # the sixth check, the five before it missed
    queue = pending(line, "IL")
    assert [(i["kind"], i["count"]) for i in queue["items"]] == [
        ("line_check_missed", 5),
        ("line_check", 1),
    ]
    assert (queue["total"], queue["messages"]) == (2, 6)
    folded, check = queue["items"]
    assert folded["last_at"] == folded["message"]["created_at"]
    assert folded["first_at"] < folded["last_at"]
    checks = line.get("IL", "/v1/messages", box="inbox", type="line_check").json()["messages"]
    assert check["message"]["id"] == checks[0]["id"]
    for older in checks[1:]:
        (copy,) = older["recipients"]
        assert copy["overdue"] and copy["acknowledged_at"] is None  # on the record as missed


def test_the_queue_is_ordered_by_precedence_then_deadline(line: Line, clock: FixedClock) -> None:
    routine = line.send("TR", warning(precedence="ROUTINE")).json()["id"]
    clock.advance(10)
    flash_later = line.send("TR", warning()).json()["id"]
    clock.advance(10)
    immediate = line.send("TR", warning(precedence="IMMEDIATE")).json()["id"]
    unanswered_hours(line, clock, 1)  # the FLASH warning is overdue by now; the check missed
    clock.advance(3_600 - 360)
    line.watch()
    flash_new = line.send("TR", warning()).json()["id"]
    order = [(i["kind"], i["message"]["id"]) for i in pending(line, "IL")["items"]]
    kinds = [kind for kind, _ in order]
    assert order.index(("message", flash_later)) < order.index(("message", flash_new))
    assert kinds.index("line_check_missed") < order.index(("message", flash_new))
    assert order[-2:] == [("message", immediate), ("message", routine)]


def test_the_missed_checks_of_a_line_are_acknowledged_together(
    line: Line, clock: FixedClock
) -> None:
    unanswered_hours(line, clock, 3)
    (folded,) = [i for i in pending(line, "IL")["items"] if i["kind"] == "line_check_missed"]
    done = line.post("IL", f"/v1/messages/{folded['message_ids'][0]}/ack-item")
    assert done.status_code == 200, done.text
    acknowledged = done.json()["messages"]
    assert sorted(m["id"] for m in acknowledged) == folded["message_ids"]
    assert {m["state"] for m in acknowledged} == {"acknowledged"}
    assert [i["kind"] for i in pending(line, "IL")["items"]] == ["line_check"]
    assert sorted(i["kind"] for i in pending(line, "TR")["items"]) == [
        "line_check",
        "line_check_missed",
    ]  # TR's own are TR's to acknowledge


def test_a_warning_is_acknowledged_on_its_own(line: Line, clock: FixedClock) -> None:
    first, second = (line.send("TR", warning()).json()["id"] for _ in range(2))
    done = line.post("IL", f"/v1/messages/{second}/ack-item").json()["messages"]
    assert [m["id"] for m in done] == [second]
    assert [i["message"]["id"] for i in pending(line, "IL")["items"]] == [first]


def test_what_is_not_pending_cannot_be_acknowledged_as_an_item(line: Line, engine: Engine) -> None:
    sent = line.send("TR", warning()).json()["id"]
    line.post("IL", f"/v1/messages/{sent}/ack")
    again = refused(engine, lambda: line.post("IL", f"/v1/messages/{sent}/ack-item"))
    assert (again.status, again.field) == (409, "message_id")
    assert "not pending for IL" in again.reason
    mediator = refused(engine, lambda: line.post("AZ", f"/v1/messages/{sent}/ack-item", "mediator"))
    assert (mediator.status, mediator.field) == (403, "role")


def test_the_pending_view_shows_what_the_limit_allows_and_counts_the_rest(line: Line) -> None:
    for _ in range(12):
        line.send("TR", warning())
    queue = pending(line, "IL", limit=5)
    assert (len(queue["items"]), queue["total"], queue["messages"]) == (5, 12, 12)
    assert refused_limit(line) == "limit"


def refused_limit(line: Line) -> str:
    answer = line.get("IL", "/v1/messages/pending", limit=0)
    assert answer.status_code == 422
    return str(answer.json()["field"])


@pytest.fixture
def astana(line: Line, engine: Engine, clock: FixedClock) -> Line:
    """TR–RU–IR beside the demo line, with a duty officer each for Russia and Iran."""

    def setup(connection: sa.Connection) -> dict[str, str]:
        parties = [demo.TURKEY, Party(code="RU", name="Russia"), Party(code="IR", name="Iran")]
        create_agreement(connection, "tr-ru-ir", "Astana", parties, [], clock.now())
        made = {}
        for party in ("RU", "IR"):
            name = f"{party.lower()}-duty-officer"
            accounts.add_user(connection, name, party, Role.DUTY_OFFICER, Language.EN, clock.now())
            made[party] = tokens.create(connection, name, "test", clock.now())
        return made

    for party, token in run_now(engine, setup).items():
        line.tokens[party] = {Role.DUTY_OFFICER: token}
    return line


def test_a_warning_to_two_parties_is_a_copy_each_answered_and_escalated_apart(
    astana: Line, clock: FixedClock
) -> None:
    answer = astana.send("TR", warning(to=["RU", "IR"], free_text="both of you"))
    assert answer.status_code == 201, answer.text
    to_ru, to_ir = answer.json()["messages"]
    assert (to_ru["to"], to_ir["to"]) == (["RU"], ["IR"])
    assert to_ru["agreement_id"] == to_ir["agreement_id"] == "tr-ru-ir"
    assert len(answer.json()["receipts"]) >= 2
    assert astana.post("RU", f"/v1/messages/{to_ru['id']}/ack").status_code == 200
    assert astana.get("RU", f"/v1/messages/{to_ir['id']}").status_code == 404
    assert "both of you" not in astana.get("IL", "/v1/messages", box="all").text
    clock.advance(121)
    astana.watch()
    ru = astana.get("TR", f"/v1/messages/{to_ru['id']}").json()["recipients"][0]
    ir = astana.get("TR", f"/v1/messages/{to_ir['id']}").json()["recipients"][0]
    assert ru["acknowledged_at"] is not None and ru["escalation_level"] == 0
    assert ir["acknowledged_at"] is None and ir["escalation_level"] == 1


def test_the_same_key_again_gives_the_same_copies(astana: Line) -> None:
    request = warning(to=["RU", "IR"])
    first = astana.send("TR", request, key="two-at-once")
    again = astana.send("TR", request, key="two-at-once")
    assert (first.status_code, again.status_code) == (201, 200)
    ids = [m["id"] for m in first.json()["messages"]]
    assert [m["id"] for m in again.json()["messages"]] == ids
    for other in (["RU"], ["IR", "RU"]):
        changed = astana.send("TR", warning(to=other), key="two-at-once")
        assert (changed.status_code, changed.json()["field"]) == (409, "Idempotency-Key")


@pytest.mark.parametrize(
    "to, status",
    [(["RU", "RU"], 422), (["RU", "XY"], 404), (["RU", "IL"], 422), (["RU", "TR"], 422), ([], 422)],
    ids=["twice", "no-such-party", "two-agreements", "itself", "nobody"],
)
def test_a_message_to_several_is_refused_whole_naming_to(
    astana: Line, engine: Engine, to: list[str], status: int
) -> None:
    refusal = refused(engine, lambda: astana.send("TR", warning(to=to)))
    assert (refusal.status, refusal.field) == (status, "to"), refusal.reason


def test_a_reply_goes_to_one_party(astana: Line, engine: Engine) -> None:
    asked = astana.send("RU", warning(to="TR"))
    reply = warning(to=["RU", "IR"]) | {"in_reply_to": asked.json()["id"]}
    refusal = refused(engine, lambda: astana.send("TR", reply))
    assert (refusal.status, refusal.field) == (422, "to")
