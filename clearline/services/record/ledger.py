"""The ledger: every event on the line, in an append-only Merkle log (RFC 6962 / 9162).

Events are appended in the transaction that records them (the writer seals each batch), and
each batch ends with a tree head signed by the line, so that every receipt a client gets holds
a signed head that already includes its entry: a receipt, not a promise.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection

from clearline.model import canonical
from clearline.model.errors import invalid, not_found
from clearline.model.event import Event
from clearline.model.ledger import Envelope, Receipt, TreeHead, b64
from clearline.services.record import merkle, signing
from clearline.store import ledger as store

Getter = Callable[[int, int], bytes]
SALT_BYTES = 16
PLACEHOLDER = bytes(merkle.HASH_SIZE)


class Leaf(BaseModel):
    """An entry as a party that may not read it gets it: its place in the log and its leaf
    hash, enough to check every proof and head, and nothing of what happened, when, between
    whom or how much. The salted payload hash inside the envelope keeps the leaf hash from
    being guessed back into an envelope."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int
    leaf_hash: str


class Entry(Leaf):
    """An entry as a party that may read it gets it: its envelope, payload and salt."""

    envelope: str
    payload: Any
    salt: str


def payload_sha256(salt: bytes, payload: Any) -> str:
    """SHA-256 of a random salt and the canonical payload. Unsalted, the hash of a short,
    guessable payload ("answer: partner_force") would tell a party outside its audience what
    it says, by trying the few possible payloads; the salt goes only with the payload."""
    return hashlib.sha256(salt + canonical.dumps(payload)).hexdigest()


def seal(
    connection: Connection, events: list[Event], key: Ed25519PrivateKey, now: datetime
) -> dict[int, Receipt]:
    """Append ``events`` to the log and sign the new head; a receipt per event, by sequence."""
    if not events:
        return {}
    start = store.size(connection)
    written: dict[tuple[int, int], bytes] = {}
    get = _reader(connection, written)
    rows, hashes = [], []
    for offset, event in enumerate(events):
        salt = secrets.token_bytes(SALT_BYTES)
        envelope = Envelope(
            index=start + offset,
            seq=event.seq,
            type=event.type,
            time=event.time,
            parties=event.audience,
            payload_sha256=payload_sha256(salt, event.payload),
        )
        leaf = envelope.leaf()
        digest = merkle.leaf_hash(leaf)
        for level, idx, value in merkle.append(envelope.index, digest, get):
            written[(level, idx)] = value
        rows.append(
            {
                "index": envelope.index,
                "seq": event.seq,
                "leaf_hash": digest,
                "envelope": leaf.decode(),
                "salt": salt,
            }
        )
        hashes.append(digest)
    store.add_entries(connection, rows)
    store.add_subtrees(connection, ((level, idx, h) for (level, idx), h in written.items()))
    size = start + len(events)
    head = signing.sign(
        key, TreeHead(size=size, root=b64(merkle.root(size, get)), time=now, signature="")
    )
    store.add_head(connection, head)
    return {
        event.seq: Receipt(index=start + offset, leaf_hash=b64(hashes[offset]), tree_head=head)
        for offset, event in enumerate(events)
    }


def head(connection: Connection) -> TreeHead:
    found = store.latest_head(connection)
    if found is None:
        raise not_found("size", "the ledger is empty: nothing has happened on the line yet")
    return found


def inclusion(connection: Connection, index: int, size: int) -> list[str]:
    _within(connection, size, "size")
    if not 0 <= index < size:
        raise invalid("index", f"must be below size ({size})")
    return _proof(connection, lambda get: merkle.inclusion_proof(index, size, get))


def consistency(connection: Connection, first: int, second: int) -> list[str]:
    _within(connection, second, "to")
    if not 0 < first <= second:
        raise invalid("from", f"must be between 1 and to ({second})")
    return _proof(connection, lambda get: merkle.consistency_proof(first, second, get))


def entries(connection: Connection, party: str, start: int, end: int) -> list[Entry | Leaf]:
    """Entries ``start <= index < end`` as ``party`` may see them."""
    return [_as_seen(row) for row in store.entries(connection, party, start, end)]


def _as_seen(row: store.Stored) -> Entry | Leaf:
    """Whole for a reader; else its leaf alone, hashed from the stored envelope, so that an
    envelope rewritten in the database fails every party's check, not only its readers'."""
    if row.readable:
        return Entry(
            index=row.index,
            envelope=row.envelope,
            leaf_hash=b64(row.leaf_hash),
            payload=row.payload,
            salt=b64(row.salt),
        )
    return Leaf(index=row.index, leaf_hash=b64(merkle.leaf_hash(row.envelope.encode())))


def _within(connection: Connection, size: int, field: str) -> None:
    held = store.size(connection)
    if size > held:
        raise invalid(field, f"the ledger holds {held} entries")


def _proof(connection: Connection, prove: Callable[[Getter], list[bytes]]) -> list[str]:
    """Run ``prove`` on hashes read in one query. Which subtrees a proof reads depends on the
    sizes alone, not on the hashes, so a dry run with placeholders names them all first; one
    query then costs a tenth of twenty single-row ones."""
    wanted: set[tuple[int, int]] = set()

    def note(level: int, idx: int) -> bytes:
        wanted.add((level, idx))
        return PLACEHOLDER

    prove(note)
    found = store.subtrees(connection, sorted(wanted))
    return [b64(h) for h in prove(lambda level, idx: found[(level, idx)])]


def _reader(connection: Connection, written: dict[tuple[int, int], bytes] | None = None) -> Getter:
    """Subtree hashes from this batch first, then from the store."""
    pending = written if written is not None else {}

    def get(level: int, idx: int) -> bytes:
        found = pending.get((level, idx))
        return found if found is not None else store.subtree(connection, level, idx)

    return get


EXPORT_FORMAT = "clearline-ledger/2"
"""Version 2 gives the entries a party may not read as leaf hashes alone; version 1, where
every envelope was given, is read still (``READ_FORMATS``)."""
READ_FORMATS = frozenset({"clearline-ledger/1", EXPORT_FORMAT})
PAGE = 10_000


def export(connection: Connection, party: str, public_key: str) -> Iterator[dict[str, Any]]:
    """A party's view of the whole log, as JSON Lines records: a header, the signed heads it
    may see, then every entry, whole where that party may read it and as its leaf elsewhere."""
    size = store.size(store.read_one_moment(connection))
    yield {"format": EXPORT_FORMAT, "party": party, "public_key": public_key, "size": size}
    for tree_head in store.heads_for(connection, party):
        yield {"head": tree_head.model_dump(mode="json")}
    for start in range(0, size, PAGE):
        for entry in entries(connection, party, start, min(size, start + PAGE)):
            yield {"entry": entry.model_dump(mode="json")}
