"""`verify` with the amendments' check: an adopted version must carry a valid signature of every
party, by a key registered for that party before it signed, over the digest of the document
proposed. The line amends through the API as its liaison officers would; the forgeries are
written by the line itself, as events in its own transaction, sealed with its own key: a
consistent, signed ledger whose only fault is a signature no party made."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection

from clearline import demo
from clearline.clock import FixedClock
from clearline.model.event import Event, EventType
from clearline.model.protocol import Protocol
from clearline.runtime.node import Runtime
from clearline.services.protocol import signatures
from clearline.services.protocol.audit import Amendments
from clearline.services.record import audit, ledger, signing
from clearline.store import events
from clearline.store.writer import run_now
from tests.conftest import Line
from tests.support.amending import Liaisons, public_text

AUDIENCE = ("AZ", "IL", "TR")
"""The demo agreement's parties and its mediator: every protocol event's audience."""
PARTIES = ("IL", "TR")
"""Those that read the agreement's entries whole: a mediator reads every entry of the agreement
it mediates as its leaf, amendments included."""
FLASH_90 = {"patch": {"ack_deadline_s": {"FLASH": 90}}, "reason": "FLASH in 90 s"}


@pytest.fixture
def liaisons(line: Line) -> Liaisons:
    return Liaisons(line).register("IL", "TR")


def runtime(line: Line) -> Runtime:
    found: Runtime = line.client.app.state.runtime  # type: ignore[attr-defined]
    return found


def proposed(liaisons: Liaisons, clock: FixedClock) -> dict[str, Any]:
    """A proposal of IL's, signed by IL alone: open, waiting for TR."""
    effective_at = (clock.now() + timedelta(hours=1)).isoformat()
    proposal = liaisons.proposed("IL", **FLASH_90, effective_at=effective_at)
    liaisons.approved("IL", proposal)
    return proposal


def exported(line: Line, party: str) -> list[dict[str, Any]]:
    key = runtime(line).key
    with runtime(line).engine.connect() as connection:
        return list(ledger.export(connection, party, signing.public_text(key)))


def verified(line: Line, party: str = "IL") -> tuple[audit.Report, Amendments]:
    amendments = Amendments()
    public = runtime(line).key.public_key()
    report = audit.verify(exported(line, party), public, observers=[amendments])
    return report, amendments


def adoption_index(line: Line) -> int:
    """The ledger index of the one adoption, read from IL's export."""
    entries = [r["entry"] for r in exported(line, "IL") if "envelope" in r.get("entry", {})]
    (index,) = (
        e["index"] for e in entries if json.loads(e["envelope"])["type"] == "protocol.adopted"
    )
    return int(index)


def forge(line: Line, clock: FixedClock, *written: tuple[EventType, dict[str, Any]]) -> None:
    """Events the line writes by itself, in one transaction, onto its ledger with its key."""
    node = runtime(line)

    def write(connection: Connection) -> None:
        for type, payload in written:
            body = {"agreement_id": demo.AGREEMENT_ID, **payload}
            events.append(connection, type, clock.now(), demo.AGREEMENT_ID, AUDIENCE, body)

    def seal(connection: Connection, pending: list[Event]) -> dict[int, Any]:
        return ledger.seal(connection, pending, node.key, clock.now())

    run_now(node.engine, write, seal)


def approval(party: str, key: Ed25519PrivateKey, digest: str, clock: FixedClock) -> dict[str, Any]:
    """A protocol.approved payload, as the line writes one, signed with ``key``."""
    signed = {
        "party": party,
        "user_id": 1,
        "key_id": signatures.key_id(public_text(key)),
        "signature": signatures.sign(key, digest),
        "signed_at": clock.now().isoformat(),
    }
    return {"proposal": 1, "digest": digest, "approval": signed}


def adoption(digest: str, clock: FixedClock) -> dict[str, Any]:
    return {
        "proposal": 1,
        "version": 2,
        "digest": digest,
        "effective_at": (clock.now() + timedelta(hours=1)).isoformat(),
        "parties": ["IL", "TR"],
    }


def registration(party: str, key: Ed25519PrivateKey) -> dict[str, Any]:
    public = public_text(key)
    return {
        "key": {
            "key_id": signatures.key_id(public),
            "user_id": 1,
            "party": party,
            "public_key": public,
        }
    }


def fails(line: Line, reason: str) -> None:
    """Every party's export fails at the adoption, for ``reason``."""
    index = adoption_index(line)
    for party in PARTIES:
        with pytest.raises(audit.Tampered) as caught:
            verified(line, party)
        assert caught.value.index == index
        assert caught.value.reason == reason


# --- an amendment both parties signed -----------------------------------------------------------


def test_a_version_both_parties_signed_verifies_in_each_partys_export(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    liaisons.adopted("IL", **FLASH_90, effective_at=(clock.now() + timedelta(hours=1)).isoformat())
    for party in PARTIES:
        report, amendments = verified(line, party)
        assert amendments.adopted == 1
        assert report.payloads > 0


def test_a_mediator_whose_export_holds_no_amendment_whole_has_none_to_count(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    liaisons.adopted("IL", **FLASH_90, effective_at=(clock.now() + timedelta(hours=1)).isoformat())
    assert verified(line, "AZ")[1].adopted == 0


def test_a_line_with_no_amendment_verifies_with_none_counted(line: Line) -> None:
    assert verified(line)[1].adopted == 0


# --- what the line writes by itself -------------------------------------------------------------


def test_an_approval_signed_with_the_lines_own_key_fails_naming_the_party(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    digest = proposed(liaisons, clock)["digest"]
    own = runtime(line).key
    forge(
        line,
        clock,
        (EventType.PROTOCOL_APPROVED, approval("TR", own, digest, clock)),
        (EventType.PROTOCOL_ADOPTED, adoption(digest, clock)),
    )
    fails(line, f"version 2 of {demo.AGREEMENT_ID} lacks a valid signature of TR")


def test_an_approval_by_a_key_registered_only_after_it_signed_fails(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    digest = proposed(liaisons, clock)["digest"]
    fresh = Ed25519PrivateKey.generate()
    forge(
        line,
        clock,
        (EventType.PROTOCOL_APPROVED, approval("TR", fresh, digest, clock)),
        (EventType.KEY_REGISTERED, registration("TR", fresh)),
        (EventType.PROTOCOL_ADOPTED, adoption(digest, clock)),
    )
    fails(line, f"version 2 of {demo.AGREEMENT_ID} lacks a valid signature of TR")


def test_an_approval_by_a_key_registered_for_the_other_party_fails(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    """IL's liaison officer's own, valid signature: but IL's key does not sign for TR."""
    digest = proposed(liaisons, clock)["digest"]
    forge(
        line,
        clock,
        (EventType.PROTOCOL_APPROVED, approval("TR", liaisons.keys["IL"], digest, clock)),
        (EventType.PROTOCOL_ADOPTED, adoption(digest, clock)),
    )
    fails(line, f"version 2 of {demo.AGREEMENT_ID} lacks a valid signature of TR")


def test_an_adoption_whose_digest_is_not_the_proposed_documents_fails(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    """Both signatures are good, over a digest of some other document."""
    other = signatures.digest(Protocol())
    signed = [approval(p, liaisons.keys[p], other, clock) for p in ("IL", "TR")]
    proposed(liaisons, clock)
    forge(
        line,
        clock,
        *((EventType.PROTOCOL_APPROVED, payload) for payload in signed),
        (EventType.PROTOCOL_ADOPTED, adoption(other, clock)),
    )
    fails(
        line, f"version 2 of {demo.AGREEMENT_ID}: its digest is not that of proposal 1's document"
    )


def test_an_adoption_of_a_proposal_never_made_fails(line: Line, clock: FixedClock) -> None:
    forge(line, clock, (EventType.PROTOCOL_ADOPTED, adoption("00" * 32, clock)))
    fails(
        line,
        f"version 2 of {demo.AGREEMENT_ID}: proposal 1's document is not in the export before it",
    )
