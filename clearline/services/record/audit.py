"""Checking the ledger without trusting the line: what `clearline verify` does, offline.

Given a party's export, the line's public key and the receipts or heads the party kept, it
rebuilds the tree from the envelopes the party may read and the bare leaf hashes of the rest
(nothing more of those is needed, nor given), and checks every signature, that every head's
root is the root of the entries before it (which is every inclusion, and the consistency of
every head with every other), every visible payload against its hash, and every kept receipt.
A history rewritten and re-signed with the right key still fails: against the heads the party
kept. What the payloads say is checked further by observers the caller passes in (the
amendments' signatures: ``services.protocol.audit``), which see each payload once it is known
to be the one the line recorded.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError

from clearline.model import canonical
from clearline.model.ledger import Envelope, Receipt, TreeHead, b64, unb64
from clearline.services.record import merkle, signing
from clearline.services.record.ledger import EXPORT_FORMAT, READ_FORMATS, Leaf, payload_sha256


class Tampered(Exception):
    """The record does not hold; ``index`` names the first entry found wrong, if one is."""

    def __init__(self, reason: str, index: int | None = None) -> None:
        super().__init__(reason if index is None else f"entry {index}: {reason}")
        self.index = index
        self.reason = reason


class Observer(Protocol):
    """A check of what the entries say, beside the tree's: it is handed every whole entry once its
    payload matched its envelope's hash, in order, and ``finish`` raises ``Tampered`` once the
    tree holds, so that a broken tree is named before anything that was read from it."""

    def observe(self, type: str, payload: Any, index: int) -> None: ...

    def finish(self) -> None: ...


@dataclass
class Report:
    entries: int = 0
    heads: int = 0
    payloads: int = 0
    kept: int = 0


@dataclass
class _Tree:
    """The log rebuilt leaf by leaf, keeping only its right edge: O(log n) memory."""

    size: int = 0
    edge: list[tuple[int, bytes]] = field(default_factory=list)

    def add(self, leaf_hash: bytes) -> None:
        height, digest = 0, leaf_hash
        while self.edge and self.edge[-1][0] == height:
            digest = merkle.node_hash(self.edge.pop()[1], digest)
            height += 1
        self.edge.append((height, digest))
        self.size += 1

    def root(self) -> bytes:
        if not self.edge:
            return merkle.EMPTY_ROOT
        digest = self.edge[-1][1]
        for _height, left in reversed(self.edge[:-1]):
            digest = merkle.node_hash(left, digest)
        return digest


def kept_records(documents: Iterable[Any]) -> tuple[list[TreeHead], list[Receipt]]:
    """Heads and receipts from what a party saved: receipts, API answers holding a receipt,
    saved ``GET /v1/ledger/head`` answers, bare heads. Anything else is refused."""
    heads, receipts = [], []
    for number, document in enumerate(documents, start=1):
        if isinstance(document, dict) and isinstance(document.get("receipt"), dict):
            document = document["receipt"]
        try:
            if isinstance(document, dict) and "index" in document:
                receipts.append(Receipt.model_validate(document))
            elif isinstance(document, dict) and "tree_head" in document:
                heads.append(TreeHead.model_validate(document["tree_head"]))
            else:
                heads.append(TreeHead.model_validate(document))
        except ValidationError as exc:
            raise Tampered(f"kept record {number} is neither a receipt nor a head") from exc
    return heads, receipts


def verify(
    records: Iterable[dict[str, Any]],
    public: Ed25519PublicKey,
    kept_heads: Sequence[TreeHead] = (),
    kept_receipts: Sequence[Receipt] = (),
    progress: Callable[[int, int], None] = lambda _done, _total: None,
    observers: Sequence[Observer] = (),
) -> Report:
    """Check an export record by record; raise ``Tampered`` at the first thing that fails."""
    stream = iter(records)
    header = next(stream, None)
    if not isinstance(header, dict) or header.get("format") not in READ_FORMATS:
        raise Tampered(f"not a Clearline ledger export (expected format {EXPORT_FORMAT})")
    total = int(header.get("size", 0))
    report = Report(kept=len(kept_heads) + len(kept_receipts))
    checks = _Checks(public, kept_heads, kept_receipts)
    tree = _Tree()
    for record in stream:
        if isinstance(record, dict) and isinstance(record.get("head"), dict):
            checks.add_head(_head(record["head"], tree.size), signed_by_line=True)
            report.heads += 1
        elif isinstance(record, dict) and isinstance(record.get("entry"), dict):
            leaf, checked = _check_entry(record["entry"], tree.size)
            if checked is not None:
                report.payloads += 1
                for observer in observers:
                    observer.observe(checked.type, record["entry"]["payload"], checked.index)
            tree.add(leaf)
            checks.at(tree, leaf)
            report.entries = tree.size
            progress(tree.size, total)
        else:
            raise Tampered("not a head nor an entry", tree.size)
    checks.finish(tree)
    for observer in observers:
        observer.finish()
    return report


def _head(document: dict[str, Any], index: int) -> TreeHead:
    try:
        return TreeHead.model_validate(document)
    except ValidationError as exc:
        raise Tampered("a signed head here is unreadable", index) from exc


class _Checks:
    """Roots the rebuilt tree must reach at given sizes, from signed heads and kept receipts."""

    def __init__(
        self, public: Ed25519PublicKey, heads: Sequence[TreeHead], receipts: Sequence[Receipt]
    ) -> None:
        self.public = public
        self.covered = 0
        """The largest size a head signed by the line vouches for."""
        self.roots: dict[int, list[tuple[str, str]]] = {}
        self.leaves = {r.index: r for r in receipts}
        for head in heads:
            self.add_head(head, signed_by_line=False)
        for receipt in receipts:
            self.add_head(receipt.tree_head, signed_by_line=False, what="a receipt's head")

    def add_head(self, head: TreeHead, signed_by_line: bool, what: str = "") -> None:
        label = what or ("a signed head in the export" if signed_by_line else "a head you kept")
        if not signing.verify(self.public, head):
            raise Tampered(f"{label} of size {head.size} has no valid signature by the line")
        self.roots.setdefault(head.size, []).append((head.root, label))
        self.covered = max(self.covered, head.size)

    def at(self, tree: _Tree, leaf: bytes | None) -> None:
        """Checks due once the tree holds ``tree.size`` entries, the last with ``leaf``."""
        index = tree.size - 1
        receipt = self.leaves.get(index)
        if receipt is not None and receipt.leaf_hash != b64(leaf or b""):
            raise Tampered("differs from the receipt you kept for it", index)
        for root, label in self.roots.get(tree.size, []):
            if root != b64(tree.root()):
                raise Tampered(
                    f"the entries up to here do not give the root of {label} (size {tree.size}):"
                    " the history was rewritten at or before this entry",
                    index,
                )

    def finish(self, tree: _Tree) -> None:
        """Every head must be reached, and every entry covered by a head the line signed:
        entries past the last signed head are anybody's writing."""
        if self.covered > tree.size:
            raise Tampered(
                f"missing: the export ends here but a signed head covers {self.covered} entries",
                tree.size,
            )
        if self.covered < tree.size:
            raise Tampered("no head signed by the line covers it", self.covered)
        if tree.size == 0 and 0 in self.roots:
            self.at(tree, None)


def _check_entry(entry: dict[str, Any], index: int) -> tuple[bytes, Envelope | None]:
    """The entry's leaf hash, and its envelope if its payload was checked. The entry sits where
    it says; whole, it is checked as far as its envelope goes; as a leaf alone, its hash has
    nothing to answer to but the roots of the heads after it."""
    if entry.get("index") != index:
        raise Tampered(f"expected entry {index} here, found {entry.get('index')}", index)
    if "envelope" not in entry:
        return _bare_leaf(entry, index), None
    checked = _check_envelope(entry, index)
    return _leaf_hash(entry, index), checked


def _bare_leaf(entry: dict[str, Any], index: int) -> bytes:
    try:
        digest = unb64(Leaf.model_validate(entry).leaf_hash)
    except ValueError as exc:  # pydantic's ValidationError and base64's Error both are
        reason = "an entry without its envelope must be its index and leaf hash alone"
        raise Tampered(reason, index) from exc
    if len(digest) != merkle.HASH_SIZE:
        raise Tampered("its leaf hash is not a SHA-256 hash", index)
    return digest


def _leaf_hash(entry: dict[str, Any], index: int) -> bytes:
    digest = merkle.leaf_hash(str(entry["envelope"]).encode())
    if entry.get("leaf_hash") not in (None, b64(digest)):
        raise Tampered("its stored leaf hash is not the hash of its envelope", index)
    return digest


def _check_envelope(entry: dict[str, Any], index: int) -> Envelope | None:
    """Its envelope names its place and is canonical; its payload, if given, matches its hash:
    the envelope then, to say what the payload is of."""
    text = str(entry.get("envelope", ""))
    try:
        envelope = Envelope.model_validate_json(text)
    except ValidationError as exc:
        raise Tampered(f"envelope unreadable ({exc.errors()[0]['msg']})", index) from exc
    if envelope.index != index:
        raise Tampered(f"its envelope says index {envelope.index}", index)
    if canonical.dumps(json.loads(text)) != text.encode():
        raise Tampered("its envelope is not in canonical form", index)
    payload = entry.get("payload")
    if payload is None:
        return None
    try:
        salt = unb64(str(entry.get("salt")))
    except ValueError as exc:
        raise Tampered("its payload comes without a readable salt", index) from exc
    try:
        digest = payload_sha256(salt, payload)
    except canonical.CanonicalizationError as exc:
        raise Tampered(f"its payload has no canonical form ({exc})", index) from exc
    if digest != envelope.payload_sha256:
        raise Tampered("its payload does not match the hash in its envelope", index)
    return envelope
