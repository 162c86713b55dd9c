"""Who reads what in the ledger, on both back-ends: an entry a party may not read reaches it as
its index and leaf hash alone, in the entries it asks for, in its export and in what `verify`
says, and still every proof and head checks out from those leaves.

TR files a blind notice, an event for TR alone, at a time nothing else happens; IL suspends its
line with TR, with a reason, at another. IL must learn nothing of TR's notice, and the mediator
nothing of any entry: not its type, time, parties or size, nor the reason for the suspension.
Each view is searched as raw bytes, not field by field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.model.event import EventType
from clearline.model.ledger import TreeHead, unb64
from clearline.services.record import audit, ledger, merkle, signing
from tests.cli.test_main import clearline, said
from tests.conftest import Line, warning
from tests.support.theatre import filed, notice

LEAF = {"index", "leaf_hash"}
REASON = "Ankara recalled the delegation"
VIEWERS = [("IL", "duty_officer"), ("IL", "auditor"), ("AZ", "mediator")]
"""Who must not read TR's blind notice: IL, whichever its role, and the mediator."""


@dataclass(frozen=True)
class Hidden:
    """TR's blind notice as TR reads it in the ledger, and the moment of the suspension."""

    entry: dict[str, Any]
    envelope: dict[str, Any]
    suspended_at: str

    @property
    def index(self) -> int:
        return int(self.entry["index"])

    def traces(self) -> list[str]:
        """What of the notice's entry would tell its reader something: its type, its time
        however written, the parties it names, its payload hash, its envelope and payload."""
        time = self.envelope["time"]
        return [
            self.envelope["type"],
            time,
            time.removesuffix("Z"),
            time.replace("T", " ").removesuffix("Z"),
            json.dumps(self.envelope["parties"], separators=(",", ":")),
            self.envelope["payload_sha256"],
            self.entry["envelope"],
            self.entry["salt"],
            json.dumps(self.entry["payload"], separators=(",", ":")),
        ]


def ok(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


@pytest.fixture
def hidden(line: Line, clock: FixedClock) -> Hidden:
    """IL and TR talk; ten minutes on, TR files a blind notice; ten more, IL suspends the line
    and restores it; ten more, IL warns TR again, so that the newest head is of IL's making."""
    assert line.send("TR", warning()).status_code == 201
    clock.advance(600)
    filed(line, "TR", notice(sharing="blind"))
    clock.advance(600)
    suspend = {"json": {"reason": REASON}}
    ok(line.post("IL", "/v1/lines/TR/suspend", "liaison_officer", **suspend))
    ok(line.post("IL", "/v1/lines/TR/restore", "liaison_officer"))
    suspended_at = clock.now().isoformat().replace("+00:00", "Z")
    clock.advance(600)
    assert line.send("IL", warning(to="TR")).status_code == 201
    (entry,) = [e for e in entries(line, "TR") if '"notice.filed"' in e.get("envelope", "")]
    envelope = json.loads(entry["envelope"])
    assert envelope["parties"] == ["TR"]
    return Hidden(entry, envelope, suspended_at)


def entries(line: Line, party: str, role: str = "duty_officer") -> list[dict[str, Any]]:
    return list(page(line, party, role)["entries"])


def page(line: Line, party: str, role: str = "duty_officer") -> dict[str, Any]:
    size = ok(line.get(party, "/v1/ledger/head", role))["tree_head"]["size"]
    return ok(line.get(party, "/v1/ledger/entries", role, start=0, end=size))


def raw(line: Line, party: str, role: str) -> str:
    """Every ledger answer ``party`` gets, as the bytes it got them."""
    size = ok(line.get(party, "/v1/ledger/head", role))["tree_head"]["size"]
    paths = [
        ("/v1/ledger/head", {}),
        ("/v1/ledger/entries", {"start": 0, "end": size}),
        ("/v1/ledger/proof/inclusion", {"index": 1, "size": size}),
        ("/v1/ledger/proof/consistency", {"from": 1, "to": size}),
    ]
    return "".join(line.get(party, path, role, **params).text for path, params in paths)


def export(line: Line, engine: Engine, party: str, out: Path) -> list[dict[str, Any]]:
    """``clearline ledger export --party PARTY``, written as the command writes it."""
    with engine.connect() as connection, out.open("w") as file:
        records = list(ledger.export(connection, party, public_text(line)))
        file.writelines(json.dumps(r, separators=(",", ":")) + "\n" for r in records)
    return records


def public_text(line: Line) -> str:
    return signing.public_text(line.client.app.state.runtime.key)  # type: ignore[attr-defined]


def as_live_verify_reads(line: Line, party: str, role: str) -> list[dict[str, Any]]:
    """The records `clearline verify --url` builds from the API: the head, then the entries."""
    head = ok(line.get(party, "/v1/ledger/head", role))
    size = head["tree_head"]["size"]
    return [
        {"format": ledger.EXPORT_FORMAT, "public_key": head["public_key"], "size": size},
        {"head": head["tree_head"]},
        *({"entry": e} for e in entries(line, party, role)),
    ]


# --- what a party may not read reaches it as a leaf -----------------------------------------------


@pytest.mark.parametrize(("party", "role"), VIEWERS)
def test_the_blind_notice_reaches_il_and_the_mediator_as_its_leaf_alone(
    line: Line, hidden: Hidden, party: str, role: str
) -> None:
    seen = entries(line, party, role)[hidden.index]
    assert seen == {"index": hidden.index, "leaf_hash": hidden.entry["leaf_hash"]}


@pytest.mark.parametrize(("party", "role"), VIEWERS)
def test_no_ledger_answer_to_il_or_the_mediator_carries_a_trace_of_the_blind_notice(
    line: Line, hidden: Hidden, party: str, role: str
) -> None:
    text = raw(line, party, role)
    for trace in hidden.traces():
        assert trace not in text, (party, trace)


def test_the_mediator_reads_every_entry_as_its_leaf_and_no_word_of_any(
    line: Line, hidden: Hidden
) -> None:
    """Not even the line events it is told of: they say who suspended the line, and why."""
    assert all(set(e) == LEAF for e in entries(line, "AZ", "mediator"))
    text = raw(line, "AZ", "mediator")
    for word in [*EventType, REASON, hidden.suspended_at, '"parties"', '"payload"']:
        assert word not in text, word


def test_il_reads_its_own_entries_whole(line: Line, hidden: Hidden) -> None:
    seen = entries(line, "IL")
    whole = [e for e in seen if set(e) != LEAF]
    assert [e["index"] for e in seen if set(e) == LEAF] == [hidden.index]
    assert REASON in json.dumps([e["payload"] for e in whole])


# --- proofs and heads still check out from the leaves ---------------------------------------------


@pytest.mark.parametrize(("party", "role"), VIEWERS)
def test_the_blind_notices_leaf_is_proven_in_the_head_il_and_the_mediator_get(
    line: Line, hidden: Hidden, party: str, role: str
) -> None:
    head = TreeHead.model_validate(ok(line.get(party, "/v1/ledger/head", role))["tree_head"])
    assert signing.verify(signing.public_key(public_text(line)), head)
    leaf = unb64(entries(line, party, role)[hidden.index]["leaf_hash"])
    assert leaf == merkle.leaf_hash(hidden.entry["envelope"].encode())
    params = {"index": hidden.index, "size": head.size}
    proof = ok(line.get(party, "/v1/ledger/proof/inclusion", role, **params))["proof"]
    merkle.verify_inclusion(
        hidden.index, head.size, leaf, [unb64(h) for h in proof], unb64(head.root)
    )


@pytest.mark.parametrize(("party", "role"), VIEWERS)
def test_the_whole_log_verifies_from_what_il_and_the_mediator_read(
    line: Line, hidden: Hidden, party: str, role: str
) -> None:
    public = signing.public_key(public_text(line))
    report = audit.verify(as_live_verify_reads(line, party, role), public)
    assert report.entries == ok(line.get(party, "/v1/ledger/head", role))["tree_head"]["size"]
    assert report.payloads == sum(set(e) != LEAF for e in entries(line, party, role))


# --- exports and `clearline verify` ---------------------------------------------------------------


@pytest.mark.parametrize("party", ["IL", "AZ"])
def test_an_export_carries_no_trace_of_what_its_party_may_not_read_and_verifies(
    line: Line, engine: Engine, hidden: Hidden, tmp_path: Path, party: str
) -> None:
    out = tmp_path / f"{party}.jsonl"
    records = export(line, engine, party, out)
    text = out.read_text()
    for trace in hidden.traces():
        assert trace not in text, trace
    entry = next(r["entry"] for r in records if r.get("entry", {}).get("index") == hidden.index)
    assert set(entry) == LEAF
    result = clearline("verify", str(out), "--key", public_text(line))
    size = ok(line.get("IL", "/v1/ledger/head"))["tree_head"]["size"]
    assert said(result).startswith(f"ledger verified: {size} entries, ")
    for trace in hidden.traces():
        assert trace not in result.output, trace


def test_an_export_lists_no_head_signed_over_others_entries_alone(
    line: Line, engine: Engine, hidden: Hidden, tmp_path: Path
) -> None:
    """A head is signed as its batch commits: TR's notice's head would tell IL when TR filed."""
    notices_head = hidden.index + 1
    theirs = [r["head"] for r in export(line, engine, "TR", tmp_path / "tr.jsonl") if "head" in r]
    assert notices_head in [h["size"] for h in theirs]
    heads = [r["head"] for r in export(line, engine, "IL", tmp_path / "il.jsonl") if "head" in r]
    assert notices_head not in [h["size"] for h in heads]
    assert heads[-1] == ok(line.get("IL", "/v1/ledger/head"))["tree_head"]


def test_the_mediators_export_holds_the_newest_head_alone_and_no_word_of_any_entry(
    line: Line, engine: Engine, hidden: Hidden, tmp_path: Path
) -> None:
    out = tmp_path / "az.jsonl"
    records = export(line, engine, "AZ", out)
    assert [r["head"] for r in records if "head" in r] == [
        ok(line.get("AZ", "/v1/ledger/head", "mediator"))["tree_head"]
    ]
    assert all(set(r["entry"]) == LEAF for r in records if "entry" in r)
    text = out.read_text()
    for word in [*EventType, REASON, hidden.suspended_at]:
        assert word not in text, word


# --- a suspension's reason is the parties' to tell ------------------------------------------------


def test_the_mediator_sees_a_suspended_line_but_not_why(line: Line) -> None:
    ok(line.post("IL", "/v1/lines/TR/suspend", "liaison_officer", json={"reason": REASON}))
    answer = line.get("AZ", "/v1/lines", "mediator")
    (seen,) = ok_list(answer)
    assert (seen["line"]["state"], seen["line"]["reason"]) == ("suspended", None)
    assert REASON not in answer.text
    (own,) = ok_list(line.get("TR", "/v1/lines"))
    assert own["line"]["reason"] == REASON


def test_the_mediator_is_told_of_a_suspension_without_its_reason(line: Line) -> None:
    ok(line.post("IL", "/v1/lines/TR/suspend", "liaison_officer", json={"reason": REASON}))
    answer = line.get("AZ", "/v1/events", "mediator")
    assert [e["type"] for e in ok(answer)["events"]] == ["line.suspended"]
    assert REASON not in answer.text


def ok_list(answer: Any) -> list[dict[str, Any]]:
    assert answer.status_code == 200, answer.text
    return list(answer.json())
