"""Pages: an escalation posted, signed, to the party's paging system, retried on the fake
clock until it is taken or given up, on both back-ends."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Collection
from datetime import timedelta

from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.model.message import Message
from clearline.model.user import User
from clearline.model.webhook import PageState, WebhookIn
from clearline.services.line import figures
from clearline.services.paging import delivery, pages, webhooks
from clearline.store import agreements as agreement_store
from clearline.store import webhooks as webhook_store
from clearline.store.writer import run_now
from tests.conftest import warning
from tests.support.helpers import acknowledge, events_of, run_deadlines, send
from tests.support.receiver import FREE_TEXT, SECRET, Receiver


def register(engine: Engine, user: User, clock: FixedClock, url: str, **more: bool) -> None:
    webhook = WebhookIn.model_validate({"url": url, "secret": SECRET, **more})
    run_now(engine, lambda c: webhooks.register(c, user, webhook, clock.now()))


def step(
    engine: Engine, clock: FixedClock, listening: Collection[tuple[str, str | None]] = ()
) -> int:
    """One paging step as the node takes it: take in a write, post outside it, record."""
    due = run_now(engine, lambda c: pages.take(c, clock.now(), listening))
    outcomes = asyncio.run(delivery.post_all(due, timeout_s=2))
    run_now(engine, lambda c: pages.record(c, outcomes, clock.now()))
    return len(outcomes)


def escalated(engine: Engine, users: dict[str, User], clock: FixedClock) -> Message:
    """TR's FLASH warning to IL, not acknowledged for 2 minutes."""
    message = send(engine, users["tr-duty-officer"], clock, warning(free_text=FREE_TEXT))
    clock.advance(120)
    assert run_deadlines(engine, clock) == 1
    return message


def unreached(engine: Engine, message: Message) -> int:
    line = run_now(engine, lambda c: agreement_store.get_line(c, message.line_id))
    return run_now(engine, lambda c: figures.for_line(c, line)).escalations_unreached


def test_the_page_is_signed_and_carries_no_content(
    engine: Engine, users: dict[str, User], clock: FixedClock, receiver: Receiver
) -> None:
    register(engine, users["il-duty-officer"], clock, receiver.url)
    message = escalated(engine, users, clock)
    assert step(engine, clock) == 1
    (got,) = receiver.received
    assert got.verifies(SECRET)
    assert not got.verifies(SECRET + "x")
    assert got.headers["x-clearline-timestamp"] == str(int(clock.now().timestamp()))
    body = json.loads(got.body)
    assert body["delivery_id"] == got.headers["x-clearline-delivery"]
    assert (body["role"], body["precedence"], body["message_id"]) == (
        "watch_commander",
        "FLASH",
        message.id,
    )
    assert body["agreement"] == message.agreement_id
    assert body["deadline"] == (clock.now() + timedelta(seconds=120)).isoformat()
    assert body["link"] == f"/v1/messages/{message.id}"
    assert "content" not in body
    for content in (FREE_TEXT, "air_strike", "warning", "34.55", "20000"):
        assert content.encode() not in got.body


def test_content_is_posted_only_where_the_party_said_so(
    engine: Engine, users: dict[str, User], clock: FixedClock, receiver: Receiver
) -> None:
    register(engine, users["il-duty-officer"], clock, receiver.url, include_content=True)
    escalated(engine, users, clock)
    step(engine, clock)
    (got,) = receiver.received
    assert FREE_TEXT.encode() in got.body
    content = json.loads(got.body)["content"]
    assert content["type"] == "warning" and content["body"]["hazard"] == "air_strike"


def test_a_paging_system_down_three_times_gets_the_page_once_it_recovers(
    engine: Engine, users: dict[str, User], clock: FixedClock, receiver: Receiver
) -> None:
    register(engine, users["il-duty-officer"], clock, receiver.url)
    message = escalated(engine, users, clock)
    receiver.fail(3)
    assert step(engine, clock) == 1
    for wait in (5, 10, 20):
        clock.advance(wait - 1)
        assert step(engine, clock) == 0, "not due before its backoff has passed"
        clock.advance(1)
        assert step(engine, clock) == 1
    assert len(receiver.received) == 4
    assert len({got.headers["x-clearline-delivery"] for got in receiver.received}) == 1
    assert all(got.verifies(SECRET) for got in receiver.received)
    failed = events_of(engine, "IL", "page.attempt_failed")
    assert [e.payload["page"]["attempts"] for e in failed] == [1, 2, 3]
    assert {e.payload["page"]["last_status"] for e in failed} == {500}
    (reached,) = events_of(engine, "TR", "message.escalation_delivered")
    assert reached.payload == {
        "message_id": message.id,
        "party": "IL",
        "role": "watch_commander",
        "level": 1,
        "attempts": 4,
    }
    assert events_of(engine, "TR", "page.attempt_failed") == []
    (page,) = run_now(engine, lambda c: webhook_store.pages_of(c, message.id))
    assert page.state is PageState.DELIVERED and page.delivered_at == clock.now()
    assert unreached(engine, message) == 0
    clock.advance(600)
    assert step(engine, clock) == 0


def test_a_page_never_taken_is_given_up_and_counted_as_reaching_nobody(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    register(engine, users["il-duty-officer"], clock, f"http://127.0.0.1:{port}/down")
    message = escalated(engine, users, clock)
    attempts = 0
    while step(engine, clock):
        attempts += 1
        clock.advance(pages.MAX_BACKOFF_S)
    assert attempts == pages.MAX_ATTEMPTS
    (gave_up,) = events_of(engine, "IL", "page.abandoned")
    assert gave_up.payload["page"]["last_status"] is None
    assert gave_up.payload["page"]["last_error"].startswith("ConnectError")
    assert events_of(engine, "TR", "message.escalation_delivered") == []
    assert events_of(engine, "TR", "page.abandoned") == []
    assert unreached(engine, message) == 1


def test_the_backoff_doubles_from_five_seconds_up_to_five_minutes() -> None:
    assert [pages.backoff_s(n) for n in range(1, 9)] == [5, 10, 20, 40, 80, 160, 300, 300]


def test_an_escalation_acknowledged_before_its_page_went_out_is_not_posted(
    engine: Engine, users: dict[str, User], clock: FixedClock, receiver: Receiver
) -> None:
    register(engine, users["il-duty-officer"], clock, receiver.url)
    message = escalated(engine, users, clock)
    acknowledge(engine, users["il-duty-officer"], message, clock)
    assert step(engine, clock) == 0
    assert receiver.received == []
    (page,) = run_now(engine, lambda c: webhook_store.pages_of(c, message.id))
    assert page.state is PageState.ACKNOWLEDGED
    assert unreached(engine, message) == 0


def test_without_a_webhook_an_escalation_reaches_the_role_it_names_on_screen_or_nobody(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    message = escalated(engine, users, clock)  # to IL's watch commander
    step(engine, clock, listening={("TR", "watch_commander"), ("IL", "duty_officer")})
    assert unreached(engine, message) == 1
    clock.advance(120)
    run_deadlines(engine, clock)  # to IL's liaison officer, who has the console open
    step(engine, clock, listening={("IL", "liaison_officer")})
    assert unreached(engine, message) == 1
    states = [p.state for p in run_now(engine, lambda c: webhook_store.pages_of(c, message.id))]
    assert states == [PageState.NO_WEBHOOK, PageState.NO_WEBHOOK]


def test_a_page_whose_webhook_was_deleted_is_given_up(
    engine: Engine, users: dict[str, User], clock: FixedClock, receiver: Receiver
) -> None:
    register(engine, users["il-duty-officer"], clock, receiver.url)
    receiver.fail(1)
    escalated(engine, users, clock)
    step(engine, clock)
    run_now(engine, lambda c: webhooks.delete(c, users["il-duty-officer"], clock.now()))
    clock.advance(5)
    assert step(engine, clock) == 0
    (gave_up,) = events_of(engine, "IL", "page.abandoned")
    assert gave_up.payload["page"]["last_error"] == "the webhook was deleted"
    assert len(receiver.received) == 1
