"""The ledger through the API, on both back-ends: every receipt holds a signed head that already
includes its entry, proofs check against those heads, and each party reads whole only the
entries of its own events, every other one as its leaf hash alone (tests/api/
test_ledger_visibility.py holds what those leaves must not tell).

``every_event_type``, ``add_il_ru`` and ``il_ru_traffic`` are also the traffic of the CLI's ledger
tests (tests/cli/test_ledger.py).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import datetime, timedelta
from typing import Any

import pytest
import rfc8785
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clearline import demo
from clearline.clock import FixedClock
from clearline.model.event import EventType
from clearline.model.ledger import TreeHead, unb64
from clearline.model.message import Recipient
from clearline.services.record import audit, ledger, merkle, signing
from clearline.store.schema import events
from tests.conftest import IL_RU, Line, add_il_ru, warning
from tests.support.traffic import (
    created,
    every_event_type,
    il_ru_traffic,
    ok,
)

PARTIES = [
    ("IL", "duty_officer"),
    ("TR", "duty_officer"),
    ("AZ", "mediator"),
    ("RU", "duty_officer"),
]
"""Every party of the two agreements, with a role that may read the ledger."""

LEAF = {"index", "leaf_hash"}
"""All an entry its reader may not read is made of."""


# --- traffic --------------------------------------------------------------------------------------


# --- reading the ledger ---------------------------------------------------------------------------


def public_key(line: Line) -> Any:
    return line.client.app.state.runtime.key.public_key()  # type: ignore[attr-defined]


def entries(line: Line, party: str = "IL", role: str = "duty_officer") -> list[dict[str, Any]]:
    """Every entry of the log, as ``party`` sees it."""
    size = ok(line.get(party, "/v1/ledger/head", role))["tree_head"]["size"]
    found = ok(line.get(party, "/v1/ledger/entries", role, start=0, end=size))["entries"]
    assert [e["index"] for e in found] == list(range(size))
    return list(found)


def envelope(entry: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(entry["envelope"]))


def whole(line: Line) -> list[dict[str, Any]]:
    """Every entry of the log as some party of its event reads it: the log as a whole."""
    seen: dict[int, dict[str, Any]] = {}
    for party, role in PARTIES:
        if party in line.tokens:
            seen |= {e["index"]: e for e in entries(line, party, role) if "envelope" in e}
    return [seen[index] for index in sorted(seen)]


def inclusion_proof(line: Line, index: int, size: int) -> list[bytes]:
    found = ok(line.get("IL", "/v1/ledger/proof/inclusion", index=index, size=size))
    return [unb64(h) for h in found["proof"]]


def consistency_proof(line: Line, first: int, second: int) -> list[bytes]:
    found = ok(line.get("IL", "/v1/ledger/proof/consistency", **{"from": first, "to": second}))
    return [unb64(h) for h in found["proof"]]


def all_events(line: Line) -> dict[int, str]:
    """Every event any party may see, by sequence number, read through ``GET /v1/events``.

    Reading hands messages over, which adds ``message.delivered`` events: read until nothing
    new comes."""
    seen: dict[int, str] = {}
    while True:
        before = len(seen)
        for party, role in PARTIES:
            if party in line.tokens:
                page = ok(line.get(party, "/v1/events", role, limit=5_000))
                seen |= {e["seq"]: e["type"] for e in page["events"]}
        if len(seen) == before:
            return dict(sorted(seen.items()))


# --- receipts -------------------------------------------------------------------------------------


def test_the_send_and_ack_receipts_of_a_flash_warning_hold_signed_heads_that_include_them(
    line: Line,
) -> None:
    sent = created(line.send("TR", warning(precedence="FLASH")))
    acked = ok(line.post("IL", f"/v1/messages/{sent['id']}/ack"))
    logged = entries(line)

    for answer, type in ((sent, "message.sent"), (acked, "message.acknowledged")):
        receipt = answer["receipt"]
        head = TreeHead.model_validate(receipt["tree_head"])
        assert signing.verify(public_key(line), head)
        assert receipt["index"] < head.size  # the head already includes the entry
        entry = logged[receipt["index"]]
        assert envelope(entry)["type"] == type
        assert receipt["leaf_hash"] == entry["leaf_hash"]
        leaf = merkle.leaf_hash(entry["envelope"].encode())
        assert unb64(receipt["leaf_hash"]) == leaf
        proof = inclusion_proof(line, receipt["index"], head.size)
        merkle.verify_inclusion(receipt["index"], head.size, leaf, proof, unb64(head.root))


def test_the_ack_receipts_head_is_consistent_with_the_send_receipts_head(line: Line) -> None:
    sent = created(line.send("TR", warning()))
    acked = ok(line.post("IL", f"/v1/messages/{sent['id']}/ack"))
    first, second = sent["receipt"]["tree_head"], acked["receipt"]["tree_head"]
    assert first["size"] < second["size"]
    proof = consistency_proof(line, first["size"], second["size"])
    merkle.verify_consistency(
        first["size"], second["size"], proof, unb64(first["root"]), unb64(second["root"])
    )


def test_every_head_is_consistent_with_every_later_one(line: Line) -> None:
    """Trees of 1 to 12 entries: every shape of proof, odd sizes and powers of two."""
    heads = [created(line.send("TR", warning()))["receipt"]["tree_head"] for _ in range(12)]
    assert [h["size"] for h in heads] == list(range(1, 13))
    for older in heads:
        for newer in heads[heads.index(older) :]:
            proof = consistency_proof(line, older["size"], newer["size"])
            merkle.verify_consistency(
                older["size"], newer["size"], proof, unb64(older["root"]), unb64(newer["root"])
            )
    logged = entries(line)
    for head in heads:
        for index in range(head["size"]):
            leaf = merkle.leaf_hash(logged[index]["envelope"].encode())
            proof = inclusion_proof(line, index, head["size"])
            merkle.verify_inclusion(index, head["size"], leaf, proof, unb64(head["root"]))


def test_a_repeated_send_and_a_second_ack_add_nothing_and_carry_no_receipt(line: Line) -> None:
    first = created(line.send("TR", warning(), key="tr-001"))
    ok(line.post("IL", f"/v1/messages/{first['id']}/ack"))
    size = ok(line.get("IL", "/v1/ledger/head"))["tree_head"]["size"]
    again = ok(line.send("TR", warning(), key="tr-001"))
    twice = ok(line.post("IL", f"/v1/messages/{first['id']}/ack", "watch_commander"))
    assert again["receipt"] is None and twice["receipt"] is None
    assert ok(line.get("IL", "/v1/ledger/head"))["tree_head"]["size"] == size


# --- the head -------------------------------------------------------------------------------------


def test_the_head_is_the_newest_signed_head_with_the_lines_public_key(line: Line) -> None:
    sent = created(line.send("TR", warning()))
    acked = ok(line.post("IL", f"/v1/messages/{sent['id']}/ack"))
    head = ok(line.get("TR", "/v1/ledger/head"))
    assert head["tree_head"] == acked["receipt"]["tree_head"]
    assert head["public_key"] == signing.public_text(line.client.app.state.runtime.key)  # type: ignore[attr-defined]
    assert signing.verify(
        signing.public_key(head["public_key"]), TreeHead.model_validate(head["tree_head"])
    )


def test_an_empty_ledger_has_no_head_yet(line: Line) -> None:
    answer = line.get("IL", "/v1/ledger/head")
    assert answer.status_code == 404
    assert answer.json()["field"] == "size"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/ledger/head",
        "/v1/ledger/entries?start=0&end=1",
        "/v1/ledger/proof/inclusion?index=0&size=1",
        "/v1/ledger/proof/consistency?from=1&to=1",
    ],
)
def test_the_ledger_is_for_users_of_the_line_only(line: Line, path: str) -> None:
    answer = line.client.get(path)
    assert answer.status_code == 401
    assert answer.json()["field"] == "Authorization"


# --- proofs: bad parameters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("inclusion", {"index": 2, "size": 2}, "index"),  # index >= size
        ("inclusion", {"index": 0, "size": 0}, "index"),
        ("inclusion", {"index": 0, "size": 3}, "size"),  # beyond the log
        ("inclusion", {"index": -1, "size": 1}, "index"),
        ("inclusion", {"index": 0, "size": 2**63}, "size"),
        ("inclusion", {"index": "first", "size": 1}, "index"),
        ("inclusion", {"size": 1}, "index"),
        ("consistency", {"from": 2, "to": 1}, "from"),  # from > to
        ("consistency", {"from": 0, "to": 2}, "from"),  # anything extends the empty tree
        ("consistency", {"from": 1, "to": 3}, "to"),  # beyond the log
        ("consistency", {"from": -1, "to": 1}, "from"),
        ("consistency", {"from": 1}, "to"),
    ],
    ids=lambda value: (
        value if isinstance(value, str) else "&".join(f"{k}={v}" for k, v in value.items())
    ),
)
def test_a_bad_proof_parameter_is_refused_as_json_naming_it(
    line: Line, path: str, params: dict[str, Any], field: str
) -> None:
    sent = created(line.send("TR", warning()))
    ok(line.post("IL", f"/v1/messages/{sent['id']}/ack"))  # a log of two entries
    answer = line.get("IL", f"/v1/ledger/proof/{path}", **params)
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["field"] == field
    assert answer.json()["reason"]


def test_a_proof_between_equal_sizes_is_empty(line: Line) -> None:
    head = created(line.send("TR", warning()))["receipt"]["tree_head"]
    assert consistency_proof(line, 1, 1) == []
    merkle.verify_consistency(1, 1, [], unb64(head["root"]), unb64(head["root"]))


# --- entries: every envelope, only one's own payloads ---------------------------------------------


@pytest.fixture
def ru(line: Line, engine: Engine, tokens: demo.Tokens, clock: FixedClock) -> None:
    add_il_ru(engine, tokens, clock)


def test_each_party_reads_its_own_events_whole_and_every_other_entry_as_its_leaf(
    line: Line, engine: Engine, tokens: demo.Tokens, clock: FixedClock
) -> None:
    every_event_type(line, clock)
    add_il_ru(engine, tokens, clock)
    il_ru_traffic(line)
    log = whole(line)
    leaves = [e["leaf_hash"] for e in log]
    assert [e["index"] for e in log] == list(range(len(log)))  # some party reads each entry
    for party, role in PARTIES:
        seen = entries(line, party, role)
        assert [e["leaf_hash"] for e in seen] == leaves  # every leaf, the same for all
        for entry, truth in zip(seen, log, strict=True):
            if party in envelope(truth)["parties"] and party != "AZ":
                assert entry == truth, party
                digest = ledger.payload_sha256(unb64(entry["salt"]), entry["payload"])
                assert digest == envelope(entry)["payload_sha256"], (party, entry)
            else:
                assert set(entry) == LEAF, (party, entry)


def test_the_mediator_reads_every_entry_as_its_leaf_even_of_the_line_events_it_is_told_of(
    line: Line,
) -> None:
    """AZ is told that IL suspended the line (``GET /v1/events``), yet the event says who did it
    and why; in the ledger it is a leaf like any other: the mediator's reads are figures."""
    ok(line.post("IL", "/v1/lines/TR/suspend", "liaison_officer", json={"reason": "drill"}))
    told = ok(line.get("AZ", "/v1/events", "mediator"))["events"]
    assert [e["type"] for e in told] == ["line.suspended"]
    (entry,) = entries(line, "AZ", "mediator")
    assert set(entry) == LEAF
    assert entry["leaf_hash"] == entries(line, "IL")[0]["leaf_hash"]


def test_tr_gets_the_entries_between_il_and_ru_as_their_leaves_alone(line: Line, ru: None) -> None:
    il_ru_traffic(line)
    seen_by_il = entries(line, "IL")
    seen_by_tr = entries(line, "TR")
    assert len(seen_by_tr) == len(seen_by_il) > 0
    assert all(set(e) == LEAF for e in seen_by_tr)
    assert [e["leaf_hash"] for e in seen_by_tr] == [e["leaf_hash"] for e in seen_by_il]
    assert {envelope(e)["type"] for e in seen_by_il} >= {
        "message.sent",
        "message.delivered",
        "message.acknowledged",
        "message.answered",
    }


def test_entries_are_served_in_pages_of_what_the_log_holds(line: Line) -> None:
    for _ in range(5):
        created(line.send("TR", warning()))
    page = ok(line.get("IL", "/v1/ledger/entries", start=2, end=99))["entries"]
    assert [e["index"] for e in page] == [2, 3, 4]
    assert ok(line.get("IL", "/v1/ledger/entries", start=4, end=2))["entries"] == []


def test_a_third_party_cannot_read_a_payload_it_may_not_see_from_its_hash(
    line: Line, ru: None
) -> None:
    """TR gets only the leaf of RU's reply to IL; but IL may show its envelope to anyone, and
    the envelope holds the SHA-256 of the payload. TR knows how a ``message.sent`` payload is
    laid out (it gets its own), the time is in the envelope, ids are small and the answer is
    one of five words: a few thousand guesses would find what RU said if the hash were of the
    payload alone. The line salts each payload hash with 16 random bytes given only with the
    payload, so the same guesses find nothing."""
    kept = il_ru_traffic(line)
    target = envelope(entries(line, "IL")[kept["ru_reply"]["receipt"]["index"]])
    assert target["type"] == "message.sent" and "TR" not in target["parties"]
    time = datetime.fromisoformat(target["time"])
    deadlines = {"FLASH": 120, "IMMEDIATE": 600, "PRIORITY": 3_600, "ROUTINE": 21_600}
    answers = ["ours", "partner_force", "not_ours", "unknown", "checking"]

    def guess(id: int, line_id: int, user: int, precedence: str, answer: str) -> dict[str, Any]:
        due = time + timedelta(seconds=deadlines[precedence])
        copy = dict.fromkeys(Recipient.model_fields) | {
            "party": "IL",
            "state": "sent",
            "released_at": target["time"],
            "due_at": due.isoformat().replace("+00:00", "Z"),
            "escalation_level": 0,
            "overdue": False,
        }
        message = {
            "id": id,
            "agreement_id": IL_RU,
            "line_id": line_id,
            "sender_party": "RU",
            "sender_user": user,
            "type": "identification_reply",
            "precedence": precedence,
            "body": {"answer": answer},
            "free_text": None,
            "in_reply_to": id - 1,
            "created_at": target["time"],
            "line_suspended": False,
            "recipients": [copy],
        }
        return {"message": message}

    guesses = itertools.product(range(2, 12), range(1, 4), range(1, 16), deadlines, answers)
    found = [
        g
        for g in guesses
        if hashlib.sha256(rfc8785.dumps(guess(*g))).hexdigest() == target["payload_sha256"]
    ]
    assert found == [], f"TR read RU's reply (id, line, user, precedence, answer): {found}"


# --- the ledger is the event log ------------------------------------------------------------------


def test_every_event_is_in_the_ledger_once_and_in_sequence_order(
    line: Line, engine: Engine, tokens: demo.Tokens, clock: FixedClock
) -> None:
    every_event_type(line, clock)
    add_il_ru(engine, tokens, clock)
    il_ru_traffic(line)
    happened = all_events(line)
    with engine.connect() as connection:
        stored = dict(
            connection.execute(sa.select(events.c.seq, events.c.type).order_by(events.c.seq)).all()
        )
    assert happened == stored  # the parties together see every event there is
    assert set(happened.values()) == set(EventType)  # of every type

    logged = [envelope(e) for e in whole(line)]
    assert [e["seq"] for e in logged] == list(happened)  # each once, in sequence order
    assert [e["type"] for e in logged] == list(happened.values())
    assert [e["index"] for e in logged] == list(range(len(happened)))


# --- an export is one moment of the log ----------------------------------------------------------


def test_an_export_taken_while_the_line_writes_is_one_moment_of_the_log(
    line: Line, engine: Engine
) -> None:
    """`clearline ledger export` may run beside a live line. What it writes must be the log as
    it was at one moment: the heads it lists must not cover entries it does not list."""
    created(line.send("TR", warning()))
    key = line.client.app.state.runtime.key  # type: ignore[attr-defined]
    with engine.connect() as connection:
        records = ledger.export(connection, "IL", signing.public_text(key))
        header = next(records)
        created(line.send("TR", warning()))  # the line writes on meanwhile
        rest = list(records)
    report = audit.verify([header, *rest], key.public_key())
    assert (report.entries, report.heads) == (1, 1)
