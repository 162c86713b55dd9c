"""`audit.verify` on entries its party may not read: a leaf alone, ``{index, leaf_hash}``, is
all it needs of them, and all it accepts from them; every head still checks out.

The logs here are built in the test, from envelopes, a key and the Merkle functions, so that
each case changes exactly one thing (tests/cli/test_ledger.py runs `verify` on a real line).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clearline.model.ledger import Envelope, Receipt, TreeHead, b64
from clearline.services.record import audit, ledger, merkle, signing

KEY = Ed25519PrivateKey.generate()
TIME = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)
SIZE = 3
SALT = bytes(range(16))


def whole(index: int) -> dict[str, Any]:
    """Entry ``index`` as its reader gets it."""
    payload = {"message_id": index, "party": "IL", "user": 1}
    envelope = Envelope(
        index=index,
        seq=index + 1,
        type="message.acknowledged",
        time=TIME,
        parties=("IL", "TR"),
        payload_sha256=ledger.payload_sha256(SALT, payload),
    ).leaf()
    return {
        "index": index,
        "envelope": envelope.decode(),
        "leaf_hash": b64(merkle.leaf_hash(envelope)),
        "payload": payload,
        "salt": b64(SALT),
    }


def leaf(index: int) -> dict[str, Any]:
    """Entry ``index`` as a party that may not read it gets it."""
    return {"index": index, "leaf_hash": whole(index)["leaf_hash"]}


def head() -> TreeHead:
    """The line's signed head over entries 0 to SIZE - 1."""
    subtrees: dict[tuple[int, int], bytes] = {}

    def get(level: int, idx: int) -> bytes:
        return subtrees[level, idx]

    for index in range(SIZE):
        digest = merkle.leaf_hash(whole(index)["envelope"].encode())
        for level, idx, value in merkle.append(index, digest, get):
            subtrees[level, idx] = value
    root = b64(merkle.root(SIZE, get))
    return signing.sign(KEY, TreeHead(size=SIZE, root=root, time=TIME, signature=""))


def verify(entries: list[dict[str, Any]], receipts: tuple[Receipt, ...] = ()) -> audit.Report:
    header: dict[str, Any] = {"format": ledger.EXPORT_FORMAT, "size": SIZE}
    records = [header, {"head": head().model_dump(mode="json")}, *({"entry": e} for e in entries)]
    return audit.verify(records, KEY.public_key(), kept_receipts=receipts)


def test_a_log_of_leaves_alone_verifies_with_no_payload_to_check() -> None:
    report = verify([leaf(i) for i in range(SIZE)])
    assert (report.entries, report.heads, report.payloads) == (SIZE, 1, 0)


def test_leaves_among_whole_entries_verify_and_only_the_whole_ones_payloads_are_checked() -> None:
    report = verify([whole(0), leaf(1), whole(2)])
    assert (report.entries, report.payloads) == (SIZE, 2)


def test_a_receipt_kept_for_an_entry_checks_against_its_leaf() -> None:
    receipt = Receipt(index=1, leaf_hash=leaf(1)["leaf_hash"], tree_head=head())
    assert verify([whole(0), leaf(1), whole(2)], (receipt,)).kept == 1


def test_a_leaf_changed_fails_at_the_head_over_it() -> None:
    changed = b64(bytes(merkle.HASH_SIZE))
    with pytest.raises(audit.Tampered, match="rewritten at or before this entry") as caught:
        verify([whole(0), {"index": 1, "leaf_hash": changed}, whole(2)])
    assert caught.value.index == SIZE - 1


BAD_LEAVES = {
    "with-its-type": leaf(1) | {"type": "notice.filed"},
    "with-a-payload": leaf(1) | {"payload": {"notice": 1}},
    "with-a-salt-of-nothing": leaf(1) | {"salt": None},
    "without-a-leaf-hash": {"index": 1},
    "not-base64": {"index": 1, "leaf_hash": "not a hash"},
    "31-bytes": {"index": 1, "leaf_hash": b64(bytes(31))},
}


@pytest.mark.parametrize("entry", BAD_LEAVES.values(), ids=BAD_LEAVES.keys())
def test_an_entry_without_its_envelope_must_be_its_index_and_leaf_hash_alone(
    entry: dict[str, Any],
) -> None:
    """Whatever else came with it would be unchecked: the verifier takes none of it."""
    with pytest.raises(audit.Tampered) as caught:
        verify([whole(0), entry, whole(2)])
    assert caught.value.index == 1


def test_a_payload_with_no_canonical_form_is_named_not_a_crash() -> None:
    """``json.loads`` reads ``NaN``, which RFC 8785 has no bytes for: a payload rewritten to one
    is a tampered entry, named, not a traceback out of the verifier."""
    with pytest.raises(audit.Tampered, match="payload has no canonical form") as caught:
        verify([whole(0), whole(1) | {"payload": {"message_id": float("nan")}}, whole(2)])
    assert caught.value.index == 1
