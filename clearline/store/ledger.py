"""The ledger's tables: entries, complete subtree hashes, signed tree heads."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from clearline.model.agreement import PartyRole
from clearline.model.ledger import TreeHead, b64, unb64
from clearline.store.schema import (
    agreement_members,
    event_audience,
    events,
    ledger_entries,
    ledger_heads,
    ledger_subtrees,
)

_SIZE = sa.select(sa.func.coalesce(sa.func.max(ledger_entries.c.index), -1) + 1)
"""Entries are numbered from 0 without gaps, so the size is the last index plus one: an index
lookup, where COUNT(*) would read the whole table."""
_SUBTREE = sa.select(ledger_subtrees.c.hash).where(
    ledger_subtrees.c.level == sa.bindparam("level"), ledger_subtrees.c.idx == sa.bindparam("idx")
)
_INSERT_ENTRY = ledger_entries.insert()
_INSERT_SUBTREE = ledger_subtrees.insert()
_INSERT_HEAD = ledger_heads.insert()


def read_one_moment(connection: Connection) -> Connection:
    """Make the reads that follow see the log as it was at one moment, heads and entries alike.

    SQLite's read transactions are snapshots already; PostgreSQL's default isolation lets each
    statement see what committed since the last, so a head could cover entries read before it.
    Call before anything else is read on the connection (it changes nothing after that).
    """
    if connection.dialect.name == "postgresql" and not connection.in_transaction():
        connection.execution_options(isolation_level="REPEATABLE READ")
    return connection


def size(connection: Connection) -> int:
    return int(connection.execute(_SIZE).scalar_one())


def subtree(connection: Connection, level: int, idx: int) -> bytes:
    found = connection.execute(_SUBTREE, {"level": level, "idx": idx}).scalar_one_or_none()
    if found is None:
        raise LookupError(f"no complete subtree at level {level}, index {idx}")
    return bytes(found)


def subtrees(connection: Connection, keys: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Several subtree hashes in one query (a proof needs about twenty)."""
    if not keys:
        return {}
    found = {
        (row.level, row.idx): bytes(row.hash)
        for row in connection.execute(_subtrees_query(len(keys)), _keys(keys))
    }
    missing = [key for key in keys if key not in found]
    if missing:
        raise LookupError(f"no complete subtree at (level, index) {missing[0]}")
    return found


@functools.cache
def _subtrees_query(count: int) -> sa.TextClause:
    # Written as text on purpose: a tuple IN makes SQLite scan the table, and an or_() built
    # per call costs more to compile than the query takes to run. One statement per key count.
    terms = " OR ".join(f"(level = :l{n} AND idx = :i{n})" for n in range(count))
    return sa.text(f"SELECT level, idx, hash FROM ledger_subtrees WHERE {terms}")


def _keys(keys: list[tuple[int, int]]) -> dict[str, int]:
    values: dict[str, int] = {}
    for n, (level, idx) in enumerate(keys):
        values[f"l{n}"], values[f"i{n}"] = level, idx
    return values


def add_entries(connection: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(_INSERT_ENTRY, rows)


def add_subtrees(connection: Connection, rows: Iterable[tuple[int, int, bytes]]) -> None:
    values = [{"level": level, "idx": idx, "hash": digest} for level, idx, digest in rows]
    if values:
        connection.execute(_INSERT_SUBTREE, values)


def add_head(connection: Connection, head: TreeHead) -> None:
    connection.execute(
        _INSERT_HEAD,
        {
            "size": head.size,
            "root": unb64(head.root),
            "time": head.time,
            "signature": unb64(head.signature),
        },
    )


def latest_head(connection: Connection) -> TreeHead | None:
    row = connection.execute(
        sa.select(ledger_heads).order_by(ledger_heads.c.size.desc()).limit(1)
    ).first()
    return None if row is None else _head(row)


def heads(connection: Connection, start: int = 0, end: int | None = None) -> list[TreeHead]:
    """Signed heads with ``start <= size < end``, smallest first."""
    query = sa.select(ledger_heads).where(ledger_heads.c.size >= start)
    if end is not None:
        query = query.where(ledger_heads.c.size < end)
    return [_head(row) for row in connection.execute(query.order_by(ledger_heads.c.size))]


def heads_for(connection: Connection, party: str) -> list[TreeHead]:
    """The newest signed head, and each that closes a batch holding an entry ``party`` reads,
    smallest first. A head is signed as its batch commits: the time of a head over others'
    entries alone would be the time of events ``party`` may not know of."""
    previous = sa.func.lag(ledger_heads.c.size).over(order_by=ledger_heads.c.size)
    start = sa.func.coalesce(previous, 0)
    batches = sa.select(ledger_heads, start.label("start")).subquery()
    read_in_batch = (
        sa.select(ledger_entries.c.index)
        .join(events, events.c.seq == ledger_entries.c.seq)
        .where(
            ledger_entries.c.index >= batches.c.start,
            ledger_entries.c.index < batches.c.size,
            _reads(party),
        )
        .exists()
    )
    newest = batches.c.size == sa.select(sa.func.max(ledger_heads.c.size)).scalar_subquery()
    query = sa.select(batches).where(newest | read_in_batch).order_by(batches.c.size)
    return [_head(row) for row in connection.execute(query)]


@dataclass(frozen=True, slots=True)
class Stored:
    """An entry as stored, its event's payload, and whether the party asking may read it."""

    index: int
    envelope: str
    leaf_hash: bytes
    salt: bytes
    payload: Any
    readable: bool


def entries(connection: Connection, party: str, start: int, end: int) -> list[Stored]:
    """Entries ``start <= index < end``, each marked whether ``party`` may read it."""
    rows = connection.execute(
        sa.select(
            ledger_entries.c.index.label("position"),  # a Row's .index is tuple.index
            ledger_entries.c.envelope,
            ledger_entries.c.leaf_hash,
            ledger_entries.c.salt,
            events.c.payload,
            _reads(party).label("readable"),
        )
        .join(events, events.c.seq == ledger_entries.c.seq)
        .where(ledger_entries.c.index >= start, ledger_entries.c.index < end)
        .order_by(ledger_entries.c.index)
    ).all()
    return [
        Stored(
            row.position,
            row.envelope,
            bytes(row.leaf_hash),
            bytes(row.salt),
            row.payload,
            bool(row.readable),
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class Sealed:
    """An event's entry as stored, found by the event's sequence number."""

    seq: int
    index: int
    envelope: str
    leaf_hash: bytes
    salt: bytes


def of_events(connection: Connection, seqs: list[int]) -> dict[int, Sealed]:
    """The entries of these events, by sequence number; an event not sealed yet has none."""
    if not seqs:
        return {}
    rows = connection.execute(
        sa.select(
            ledger_entries.c.seq,
            ledger_entries.c.index.label("position"),
            ledger_entries.c.envelope,
            ledger_entries.c.leaf_hash,
            ledger_entries.c.salt,
        ).where(ledger_entries.c.seq.in_(seqs))
    ).all()
    return {
        row.seq: Sealed(row.seq, row.position, row.envelope, bytes(row.leaf_hash), bytes(row.salt))
        for row in rows
    }


def _reads(party: str) -> sa.ColumnElement[bool]:
    """Whether ``party`` may read an entry's event (``events`` of the enclosing query): it is of
    the event's audience, and not as the mediator of its agreement. A mediator's reads are
    figures: the line events it is told of say who suspended a line, and why."""
    told = sa.exists().where(event_audience.c.seq == events.c.seq, event_audience.c.party == party)
    mediates = sa.exists().where(
        agreement_members.c.agreement_id == events.c.agreement_id,
        agreement_members.c.party == party,
        agreement_members.c.role == PartyRole.MEDIATOR,
    )
    return told & ~mediates


def _head(row: sa.Row[Any]) -> TreeHead:
    return TreeHead(
        size=row.size, root=b64(bytes(row.root)), time=row.time, signature=b64(bytes(row.signature))
    )
