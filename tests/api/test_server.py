"""The real server: `clearline serve` as a process on SQLite, spoken to over real HTTP and
WebSocket connections, killed with SIGKILL and started again on the same database."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosedError

from tests.support.server import (
    Api,
    Event,
    Server,
    demo_line,
    has_all,
    message_events,
    serve,
    stream,
    warning,
)

pytestmark = pytest.mark.slow

PRECEDENCES = ("FLASH", "IMMEDIATE", "PRIORITY", "ROUTINE")


@pytest.fixture(scope="module")
def line(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One demo line served for the whole module; each test works after what it finds."""
    db, tokens = demo_line(tmp_path_factory.mktemp("line"))
    with serve(db) as server, Api(server, tokens) as api:
        yield api


def numbered(i: int) -> tuple[str, dict[str, Any]]:
    """The i-th of a run of distinct warnings, with its idempotency key."""
    request = warning(precedence=PRECEDENCES[i % 4], radius_m=1_000 + i)
    request["free_text"] = f"warning #{i}"
    return f"durability-{i}-{uuid.uuid4().hex}", request


def seqs(events: list[Event]) -> list[int]:
    return [e["seq"] for e in events]


def outbox(api: Api, party: str) -> list[dict[str, Any]]:
    found = api.get(party, "/v1/messages", box="outbox", limit=1_000)
    assert found.status_code == 200, found.text
    return list(found.json()["messages"])


async def post_all(server: Server, token: str, requests: list[tuple[str, dict[str, Any]]]) -> Any:
    """Post every request at once; each answer, or the exception the client met instead."""
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        return await asyncio.gather(
            *(
                client.post(
                    "/v1/messages",
                    json=request,
                    headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
                )
                for key, request in requests
            ),
            return_exceptions=True,
        )


# --- durability -----------------------------------------------------------------------------


def test_every_message_answered_201_survives_a_sigkill_once_and_unchanged(
    tmp_path: Path,
) -> None:
    db, tokens = demo_line(tmp_path)
    requests = [numbered(i) for i in range(50)]
    answered: dict[str, dict[str, Any]] = {}  # by idempotency key
    with serve(db) as server:
        with Api(server, tokens) as api:
            for key, request in requests[:20]:  # one after another
                sent = api.send("TR", request, key=key)
                assert sent.status_code == 201, sent.text
                answered[key] = sent.json()
        together = asyncio.run(post_all(server, tokens["TR"]["duty_officer"], requests[20:]))
        for (key, _), sent in zip(requests[20:], together, strict=True):
            assert isinstance(sent, httpx.Response) and sent.status_code == 201, sent
            answered[key] = sent.json()
        server.kill()  # at once after the last 201: no shutdown, no flush

    with serve(db) as server, Api(server, tokens) as api:
        for key, request in requests:
            first = answered[key]
            assert first["body"]["radius_m"] == request["body"]["radius_m"]
            again = api.get("TR", f"/v1/messages/{first['id']}")
            assert again.status_code == 200, f"message {first['id']} was lost"
            receipt = first.pop("receipt")
            assert again.json() == {**first, "receipt": None}
            assert receipt["tree_head"]["size"] > receipt["index"]
        stored = outbox(api, "TR")
        assert sorted(m["id"] for m in stored) == sorted(m["id"] for m in answered.values())
        sent_events = message_events(
            api.events("TR"), "message.sent", [m["id"] for m in answered.values()]
        )
        assert all(len(found) == 1 for found in sent_events.values())
        key, request = requests[-1]
        retried = api.send("TR", request, key=key)
        assert retried.status_code == 200
        assert retried.json()["id"] == answered[key]["id"]


def test_a_sigkill_in_the_middle_of_traffic_loses_no_answered_message_and_retries_are_safe(
    tmp_path: Path,
) -> None:
    db, tokens = demo_line(tmp_path)
    token = tokens["TR"]["duty_officer"]
    requests = [numbered(i) for i in range(80)]
    answered: dict[str, dict[str, Any]] = {}
    cut_off: list[BaseException] = []

    async def traffic(server: Server) -> None:
        """Eight senders post one after another; the plug is pulled at the 30th 201."""
        queue = iter(requests)
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:

            async def sender() -> None:
                for key, request in queue:
                    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
                    try:
                        sent = await client.post("/v1/messages", json=request, headers=headers)
                    except httpx.TransportError as exc:  # in flight when the server died
                        cut_off.append(exc)
                        return
                    assert sent.status_code == 201, sent.text
                    answered[key] = sent.json()
                    if len(answered) == 30:
                        os.kill(server.process.pid, signal.SIGKILL)

            await asyncio.gather(*(sender() for _ in range(8)))

    with serve(db) as server:
        asyncio.run(traffic(server))
        assert server.process.wait(timeout=5) == -signal.SIGKILL
    assert len(answered) >= 30
    assert cut_off, "the kill should have cut some requests off"

    with serve(db) as server, Api(server, tokens) as api:
        for first in answered.values():
            stored = api.get("TR", f"/v1/messages/{first['id']}").json()
            assert stored == {**first, "receipt": None}
        # The sender cannot know whether a request cut off in flight was stored, so it sends
        # everything again with the same keys: each message ends up on the line exactly once.
        retries = asyncio.run(post_all(server, token, requests))
        for (key, _), retried in zip(requests, retries, strict=True):
            assert isinstance(retried, httpx.Response), retried
            assert retried.status_code in (200, 201), retried.text
            if key in answered:
                assert retried.status_code == 200
                assert retried.json()["id"] == answered[key]["id"]
        stored = outbox(api, "TR")
        assert sorted(m["free_text"] for m in stored) == sorted(r["free_text"] for _, r in requests)


# --- live delivery and acknowledgement ---------------------------------------------------------


def test_a_flash_warning_reaches_a_live_il_client_and_its_ack_reaches_a_live_tr_client(
    line: Api,
) -> None:
    il_user = line.get("IL", "/v1/me").json()["user"]

    async def scenario() -> None:
        il_token, tr_token = line.tokens["IL"]["duty_officer"], line.tokens["TR"]["duty_officer"]
        async with (
            stream(line.server, il_token, since=line.quiet_seq("IL")) as il,
            stream(line.server, tr_token, since=line.quiet_seq("TR")) as tr,
        ):
            request = {**warning(), "free_text": "Strike package inbound from the north"}
            sent = await asyncio.to_thread(line.send, "TR", request)
            assert sent.status_code == 201, sent.text
            message_id = sent.json()["id"]

            arrived = await il.first(lambda e: e["type"] == "message.sent")
            message = arrived["payload"]["message"]
            assert message["id"] == message_id
            assert (message["sender_party"], message["to"]) == ("TR", ["IL"])
            assert message["precedence"] == "FLASH"
            assert message["rendered"]["direction"] == "rtl"  # IL reads Hebrew
            await tr.first(lambda e: e["type"] == "message.delivered")

            acked = await asyncio.to_thread(line.post, "IL", f"/v1/messages/{message_id}/ack")
            assert acked.status_code == 200, acked.text
            assert acked.json()["state"] == "acknowledged"

            event = await tr.first(lambda e: e["type"] == "message.acknowledged")
            assert event["payload"]["message_id"] == message_id
            assert event["payload"]["party"] == "IL"
            assert event["payload"]["user"] == il_user["id"]
            assert [e["type"] for e in tr.received] == [
                "message.sent",
                "message.delivered",
                "message.acknowledged",
            ]

    asyncio.run(scenario())


def test_a_stream_without_a_valid_token_is_closed_with_4401_and_the_reason(line: Api) -> None:
    async def connect() -> None:
        async with stream(line.server, "cl_not-a-token") as events:
            await events.socket.recv()

    with pytest.raises(ConnectionClosedError) as refused:
        asyncio.run(connect())
    assert refused.value.rcvd is not None
    assert refused.value.rcvd.code == 4401
    assert "token" in refused.value.rcvd.reason


# --- resuming without gap or duplicate ---------------------------------------------------------


def test_a_client_that_reconnects_with_since_gets_exactly_what_it_missed_in_order(
    line: Api,
) -> None:
    il_token = line.tokens["IL"]["duty_officer"]
    start = line.quiet_seq("IL")
    before: list[Event] = []
    after: list[Event] = []

    async def scenario() -> None:
        async with stream(line.server, il_token, since=start) as il:
            first = [(await asyncio.to_thread(line.send, "TR", warning())).json() for _ in "abc"]
            await il.until(lambda got: has_all(got, "message.sent", [m["id"] for m in first]))
            before.extend(il.received)  # it has read these and hangs up; deliveries may follow

        missed = [(await asyncio.to_thread(line.send, "TR", warning())).json() for _ in "defg"]
        own = await asyncio.to_thread(
            line.send, "IL", warning(to="TR", precedence="ROUTINE"), "watch_commander"
        )
        tr_ids = [m["id"] for m in first + missed]

        async with stream(line.server, il_token, since=before[-1]["seq"]) as il:
            await il.until(
                lambda got: (
                    has_all(before + got, "message.delivered", tr_ids)
                    and has_all(got, "message.sent", [own.json()["id"], *tr_ids[3:]])
                )
            )
            assert await il.silent_for(0.3)
            after.extend(il.received)

    asyncio.run(scenario())

    truth = line.events("IL", since=start)
    assert seqs(before) == sorted(set(seqs(before)))
    assert seqs(after) == sorted(set(seqs(after)))
    assert after == [e for e in truth if e["seq"] > before[-1]["seq"]]
    assert before + after == truth  # nothing lost across the reconnect, nothing twice


def test_polling_page_by_page_and_resuming_later_misses_and_repeats_nothing(line: Api) -> None:
    start = line.quiet_seq("IL")

    def poll_from(since: int) -> tuple[list[Event], int]:
        """Pages of two until an empty one: what came, and where to resume."""
        polled: list[Event] = []
        while True:
            page = line.get("IL", "/v1/events", since=since, limit=2).json()
            if not page["events"]:
                assert page["last_seq"] == since  # an empty page keeps your place
                return polled, since
            assert len(page["events"]) <= 2
            assert page["last_seq"] == page["events"][-1]["seq"]
            polled += page["events"]
            since = page["last_seq"]

    sent = [line.send("TR", warning()).json()["id"] for _ in range(3)]
    first, resume_at = poll_from(start)
    sent += [line.send("TR", warning()).json()["id"] for _ in range(3)]  # while IL is away
    later, _ = poll_from(resume_at)

    polled = first + later
    assert seqs(polled) == sorted(set(seqs(polled)))
    assert polled == line.events("IL", since=start)
    # Polling hands the messages over, and those deliveries come in later pages.
    assert all(len(e) == 1 for e in message_events(polled, "message.sent", sent).values())
    assert all(len(e) == 1 for e in message_events(polled, "message.delivered", sent).values())
