"""Benchmark the ledger: appends in the write path, proofs at a million entries, a full audit.

What it measures, in-process, on a fresh SQLite store in a temporary folder, created and
migrated by ``clearline.store.database`` (WAL, synchronous=FULL: every commit is on disk), with
the demo agreement in it and a fresh Ed25519 line key:

* appends: batches of ``--batches`` events (64 and 512, the writer's largest) are appended with
  ``store.events.append`` in one transaction and sealed with ``ledger.seal`` before the commit,
  as the writer does. "seal" is the time inside ``seal`` alone: the ledger's own rate, against
  the target of 10,000 appends a second. "write path" is events + seal + commit, and its
  baseline is the same batches without ``seal``, alternating with them in the same run: their
  ratio is what the ledger costs the line. A third variant, taking turns with both, seals
  with the reference canonicaliser ``rfc8785`` in place of ``canonical.dumps``: the line as it
  was before its canonical JSON went native, so "seal %" beside "with rfc8785" says how much
  of the write path the ledger's share shrank by. Measured twice: on an empty log and, after the
  build, on the full one, because a cost that grows with the log shows only there. The
  WAL is checkpointed between batches, outside the timings, as the server does beside its
  writer. Events cycle message.sent (a full message, ~0.9 kB) / delivered / acknowledged, all
  seen by IL and TR.
* build: the log is grown to ``--entries`` (default 1,000,000) through the same functions, in
  batches of ``--build-batch`` (512): every leaf is the envelope of a real event row, and one
  signed head per batch. Its rate is a third write-path figure, over a growing log.
* proofs: ``--proofs`` inclusion proofs (size drawn from the upper half of the log, index
  below it) and as many consistency proofs (second size from the upper half, first size below
  it) through ``ledger.inclusion`` / ``ledger.consistency``, the functions the API calls,
  after 100 untimed ones of each; median and p99 against the target of 1 ms. "proof alone"
  times the same proofs by ``merkle`` over the stored subtrees (``store.subtree``) without
  the log-size check, taking turns with the first, to show where the time goes; the log-size
  lookup is timed apart. Every proof is then checked with ``merkle.verify_*`` (not timed)
  against roots and leaves rebuilt here from the stored envelopes, which shares nothing with
  the subtree table, so a wrong proof cannot pass for a fast one.
* naive baseline: the same kind of proofs computed as without stored subtrees: read the
  leaf hashes up to the size, rehash the subtrees the proof needs. Measured at
  ``--naive-size`` (10,000), extrapolated linearly to the full log (labelled so), and measured
  at the full log for ``--naive-full`` proofs of each kind. Naive proofs must equal ours.
* audit: ``ledger.export`` for IL written to a JSON Lines file as ``clearline ledger export``
  writes it (timed; file size reported), then ``audit.verify`` over the records parsed from
  that file line by line, as ``clearline verify`` does, against the target of 20 s. A run
  past ``--verify-limit`` stops and its total is extrapolated (labelled). IL sees every
  payload here, so every payload is checked against its hash: the auditor's worst case. The
  cost of checking one signed head is measured apart, because a quiet line seals one event a
  batch, so its log holds about one head per entry instead of one per 512.

How to read it: the tables give rates (appends a second), latencies (ms) and ratios, and the
targets table says met or not met. A ratio "with / without" of 0.5 means the line carries half
as many appends a second once it keeps the ledger. Figures are from one machine and one run;
the load average before the run says whether something else was using the cores. Timings
are on a warm page cache: the store is just written.

Time and space: about 1.6 kB of disk per entry (store 0.9, export 0.7), 1.6 GB at a million;
refused unless 2.5 kB an entry is free (``--workdir`` puts it elsewhere). On 2 cores a million
entries take ~4 minutes to build, and the export and the audit ~1 to 1.5 minutes each: ~8
minutes in all. ``--build-limit`` and ``--verify-limit`` bound the two long steps; past the
first, the run goes on at the size reached. Everything is deleted at the end.

Run: ``.venv/bin/python bench/ledger.py [--entries 1000000] [--batches 64,512]
[--appends 16384] [--proofs 1000] [--json FILE]``; quick: ``--entries 20000 --appends 2048``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from unittest import mock

import rfc8785
import sqlalchemy as sa
from common import (
    Latency,
    Machine,
    Verdicts,
    add_common_options,
    console,
    int_list,
    parser_for,
    room_for,
    targets_table,
    verdict,
    write_figures,
)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from rich.table import Column, Table
from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from clearline import demo
from clearline.model import canonical
from clearline.model.event import EventType
from clearline.model.ledger import TreeHead, unb64
from clearline.model.message import (
    DeliveryState,
    Message,
    MessageType,
    Precedence,
    Recipient,
)
from clearline.services.record import audit, ledger, merkle, signing
from clearline.store import database
from clearline.store import events as event_store
from clearline.store import ledger as ledger_store
from clearline.store.schema import ledger_entries
from clearline.store.writer import MAX_BATCH, outbox

TARGET_APPENDS = 10_000.0
TARGET_PROOF_MS = 1.0
TARGET_VERIFY_S = 20.0
PARTY = "IL"
BYTES_PER_ENTRY = 2_500  # store + WAL + export: 1.6 kB measured, with room to spare
READ_PAGE = 50_000
WARM_UP = 100  # proofs of each kind before the timed ones

# -- the events written ----------------------------------------------------------------------


class Events:
    """Real events for ``events.append``: a message's life, sent / delivered / acknowledged."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.count = 0
        recipient = Recipient(
            party="IL",
            state=DeliveryState.SENT,
            released_at=now,
            delivered_at=None,
            delivered_to=None,
            acknowledged_at=None,
            acknowledged_by=None,
            answered_at=None,
            answered_by=None,
            answer_id=None,
            due_at=now + timedelta(minutes=2),
            escalation_level=0,
            escalated_to=None,
            overdue=False,
        )
        message = Message(
            id=1,
            agreement_id=demo.AGREEMENT_ID,
            line_id=1,
            sender_party="TR",
            sender_user=7,
            type=MessageType.WARNING,
            precedence=Precedence.FLASH,
            body={
                "hazard": "artillery_fire",
                "location": {"lat": 36.2021, "lon": 37.1343},
                "radius_m": 5_000,
                "valid_until": (now + timedelta(hours=2)).isoformat(),
            },
            free_text="Artillery fire north of the crossing until 14:00Z; keep 5 km clear.",
            in_reply_to=None,
            created_at=now,
            line_suspended=False,
            protocol_version=1,
            recipients=(recipient,),
        )
        self.message = message.model_dump(mode="json")

    def append(self, connection: Connection) -> None:
        """One more event on ``connection``'s transaction (it lands in the writer's outbox)."""
        self.count += 1
        message_id, step = divmod(self.count, 3)
        if step == 0:
            kind = EventType.MESSAGE_SENT
            payload: dict[str, Any] = {"message": {**self.message, "id": message_id}}
        else:
            kind = EventType.MESSAGE_DELIVERED if step == 1 else EventType.MESSAGE_ACKNOWLEDGED
            payload = {"message_id": message_id, "party": "IL", "user": 3}
        event_store.append(connection, kind, self.now, demo.AGREEMENT_ID, ("IL", "TR"), payload)


Variant = Literal["sealed", "reference", "bare"]


def reference_canonical() -> contextlib.AbstractContextManager[Any]:
    """The line with ``rfc8785`` in place of its native canonical JSON: what it was before."""
    return mock.patch.object(canonical, "dumps", rfc8785.dumps)


@dataclass
class Line:
    engine: Engine
    key: Ed25519PrivateKey
    events: Events

    def batch(
        self, connection: Connection, size: int, variant: Variant = "sealed"
    ) -> tuple[float, float, float]:
        """One writer batch: (events s, seal s, whole s from BEGIN to after COMMIT)."""
        pending = outbox(connection)
        pending.clear()
        t0 = time.perf_counter()
        with connection.begin():
            for _ in range(size):
                self.events.append(connection)
            t1 = time.perf_counter()
            if variant != "bare":
                with reference_canonical() if variant == "reference" else contextlib.nullcontext():
                    ledger.seal(connection, list(pending), self.key, self.events.now)
            t2 = time.perf_counter()
        t3 = time.perf_counter()
        pending.clear()
        database.checkpoint(self.engine)  # beside the writer in the server, so not timed
        return t1 - t0, t2 - t1, t3 - t0


# -- appends ---------------------------------------------------------------------------------


@dataclass
class Appends:
    log_size: int
    batch: int
    appends: int
    seal_per_s: float
    seal_reference_per_s: float
    write_path_per_s: float
    write_path_reference_per_s: float
    baseline_per_s: float
    events_per_s: float
    ratio: float
    seal_share: float
    seal_share_reference: float


def measure_appends(line: Line, batch: int, appends: int) -> Appends:
    """``appends`` events in each of three variants, taking turns batch by batch: sealed;
    sealed with the reference canonicaliser (``rfc8785``) in place of ``canonical.dumps``, the
    baseline of what native canonical JSON saves; and without the seal."""
    rounds = max(1, appends // batch)
    order: tuple[Variant, ...] = ("sealed", "reference", "bare")
    totals = {variant: [0.0, 0.0, 0.0] for variant in order}
    with line.engine.connect() as connection:
        log_size = ledger_store.size(connection)
        connection.rollback()
        for variant in order:  # warm-up
            line.batch(connection, batch, variant)
        for r in range(rounds):
            for variant in order[r % 3 :] + order[: r % 3]:
                for i, value in enumerate(line.batch(connection, batch, variant)):
                    totals[variant][i] += value
    n = rounds * batch
    sealed, reference, bare = (totals[variant] for variant in order)
    return Appends(
        log_size=log_size,
        batch=batch,
        appends=n,
        seal_per_s=n / sealed[1],
        seal_reference_per_s=n / reference[1],
        write_path_per_s=n / sealed[2],
        write_path_reference_per_s=n / reference[2],
        baseline_per_s=n / bare[2],
        events_per_s=3 * n / (sealed[0] + reference[0] + bare[0]),
        ratio=(n / sealed[2]) / (n / bare[2]),
        seal_share=sealed[1] / sealed[2],
        seal_share_reference=reference[1] / reference[2],
    )


@dataclass
class Build:
    target: int
    size: int
    seconds: float
    per_s: float
    batch: int
    heads: int
    stopped_by_limit: bool
    db_bytes: int = 0


def build(line: Line, target: int, batch: int, limit_s: float, db: Path) -> Build:
    """Grow the log to ``target`` entries through events.append + seal, batch by batch."""
    with line.engine.connect() as connection:
        start = size = ledger_store.size(connection)
        connection.rollback()
        began = time.perf_counter()
        last_note = began
        stopped = False
        while size < target:
            if time.perf_counter() - began > limit_s:
                stopped = True
                break
            line.batch(connection, min(batch, target - size))
            size = min(target, size + batch)
            if time.perf_counter() - last_note > 30:
                last_note = time.perf_counter()
                rate = (size - start) / (last_note - began)
                console.print(f"  … {size:,} entries, {rate:,.0f}/s", highlight=False)
        seconds = time.perf_counter() - began
        size = ledger_store.size(connection)
        heads = len(ledger_store.heads(connection))
        connection.rollback()
    return Build(
        target=target,
        size=size,
        seconds=seconds,
        per_s=(size - start) / max(seconds, 1e-9),
        batch=batch,
        heads=heads,
        stopped_by_limit=stopped,
        db_bytes=sum(p.stat().st_size for p in db.parent.glob(db.name + "*")),
    )


# -- canonical JSON --------------------------------------------------------------------------


@dataclass
class Canonical:
    """Median µs a value, ours (``canonical.dumps``) against the reference (``rfc8785``)."""

    what: str
    bytes: int
    ours_us: float
    reference_us: float
    ratio: float


def measure_canonical(line: Line, connection: Connection, rounds: int = 2_000) -> list[Canonical]:
    """Both canonicalisers, taking turns, over what the seal hashes: the payloads written here
    and an envelope from the store. The bytes must be the same, or the run stops."""
    envelope = json.loads(
        connection.execute(sa.select(ledger_entries.c.envelope).limit(1)).scalar_one()
    )
    connection.rollback()
    values = {
        "message.sent payload": {"message": line.events.message},
        "message.acknowledged payload": {"message_id": 1, "party": "IL", "user": 3},
        "envelope": envelope,
    }
    found = []
    for what, value in values.items():
        expected = rfc8785.dumps(value)
        if canonical.dumps(value) != expected:
            sys.exit(f"canonical.dumps differs from rfc8785 on the {what}")
        times: dict[Callable[[Any], bytes], list[float]] = {
            canonical.dumps: [],
            rfc8785.dumps: [],
        }
        for n in range(rounds):
            for dumps in (
                (canonical.dumps, rfc8785.dumps) if n % 2 else (rfc8785.dumps, canonical.dumps)
            ):
                t0 = time.perf_counter()
                dumps(value)
                times[dumps].append(time.perf_counter() - t0)
        ours = statistics.median(times[canonical.dumps]) * 1e6
        reference = statistics.median(times[rfc8785.dumps]) * 1e6
        found.append(Canonical(what, len(expected), ours, reference, reference / ours))
    return found


# -- independent roots -----------------------------------------------------------------------


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def rebuilt(
    connection: Connection, sizes: set[int], leaves: set[int]
) -> tuple[dict[int, bytes], dict[int, bytes]]:
    """Roots at ``sizes`` and leaf hashes at ``leaves``, from the stored envelopes alone.

    Plain hashlib over the envelope text, a right edge of perfect subtrees: nothing here reads
    the subtree table or calls the code under test.
    """
    roots: dict[int, bytes] = {}
    found: dict[int, bytes] = {}
    edge: list[tuple[int, bytes]] = []
    end = max(sizes | {i + 1 for i in leaves}, default=0)
    for start in range(0, end, READ_PAGE):
        rows = connection.execute(
            sa.select(ledger_entries.c.index, ledger_entries.c.envelope)
            .where(ledger_entries.c.index >= start, ledger_entries.c.index < start + READ_PAGE)
            .order_by(ledger_entries.c.index)
        )
        for index, envelope in rows:
            digest = hashlib.sha256(b"\x00" + envelope.encode()).digest()
            if index in leaves:
                found[index] = digest
            height = 0
            while edge and edge[-1][0] == height:
                digest = _node(edge.pop()[1], digest)
                height += 1
            edge.append((height, digest))
            if index + 1 in sizes:
                root = edge[-1][1]
                for _height, left in reversed(edge[:-1]):
                    root = _node(left, root)
                roots[index + 1] = root
    return roots, found


# -- proofs ----------------------------------------------------------------------------------


@dataclass
class ProofKind:
    api: Latency
    proof_alone: Latency
    naive_small: Latency
    naive_full: Latency | None
    naive_extrapolated_ms: float
    ratio_naive_over_api: float
    proof_hashes_median: float


@dataclass
class Proofs:
    size: int
    naive_size: int
    inclusion: ProofKind
    consistency: ProofKind
    size_lookup: Latency
    verified: int
    heads_matched: int


def naive_getter(connection: Connection, size: int) -> merkle.Getter:
    """The naive store: leaf hashes only, read up to ``size``; every subtree rehashed."""
    leaves = [
        bytes(h)
        for (h,) in connection.execute(
            sa.select(ledger_entries.c.leaf_hash)
            .where(ledger_entries.c.index < size)
            .order_by(ledger_entries.c.index)
        )
    ]

    def get(level: int, idx: int) -> bytes:
        nodes = leaves[idx << level : (idx + 1) << level]
        while len(nodes) > 1:
            nodes = [merkle.node_hash(nodes[i], nodes[i + 1]) for i in range(0, len(nodes), 2)]
        return nodes[0]

    return get


Query = tuple[int, int]
Prove = Callable[[Connection, int, int], list[str]]
Merkle = Callable[[int, int, merkle.Getter], list[bytes]]


Timed = tuple[list[float], list[list[str]]]


def timed(connection: Connection, queries: list[Query], prove: Prove) -> Timed:
    seconds: list[float] = []
    proofs: list[list[str]] = []
    for a, b in queries:
        t0 = time.perf_counter()
        proof = prove(connection, a, b)
        seconds.append(time.perf_counter() - t0)
        proofs.append(proof)
    return seconds, proofs


def paired(connection: Connection, queries: list[Query], a: Prove, b: Prove) -> tuple[Timed, Timed]:
    """Two ways to the same proofs, query by query, taking turns at going first: whatever
    drifts during the run (caches, the machine's other work) falls on both alike."""
    first: Timed = ([], [])
    second: Timed = ([], [])
    for n, query in enumerate(queries):
        order = ((a, first), (b, second)) if n % 2 else ((b, second), (a, first))
        for prove, into in order:
            one = timed(connection, [query], prove)
            into[0].extend(one[0])
            into[1].extend(one[1])
    return first, second


def naive(connection: Connection, queries: list[Query], make: Merkle) -> Timed:
    def prove(c: Connection, a: int, b: int) -> list[str]:
        return [ledger.b64(h) for h in make(a, b, naive_getter(c, b))]

    return timed(connection, queries, prove)


def queries(rng: random.Random, size: int, count: int, inclusion: bool) -> list[Query]:
    """(index, size) or (first, second): the tree size from the upper half of ``size``."""
    found = []
    for _ in range(count):
        upper = rng.randint(max(1, size // 2), size)
        found.append((rng.randrange(upper), upper) if inclusion else (rng.randint(1, upper), upper))
    return found


def measure_proofs(engine: Engine, args: argparse.Namespace) -> Proofs:
    rng = random.Random(args.seed)
    with engine.connect() as connection:
        size = ledger_store.size(connection)
        small = min(args.naive_size, size)
        inc = queries(rng, size, args.proofs, inclusion=True)
        con = queries(rng, size, args.proofs, inclusion=False)
        inc_small = queries(rng, small, args.naive_proofs, inclusion=True)
        con_small = queries(rng, small, args.naive_proofs, inclusion=False)
        full = max(0, min(args.naive_full, args.proofs))

        def stored(c: Connection) -> merkle.Getter:
            return lambda level, idx: ledger_store.subtree(c, level, idx)

        def alone(make: Merkle) -> Prove:
            return lambda c, a, b: [ledger.b64(h) for h in make(a, b, stored(c))]

        timed(connection, inc[:WARM_UP], ledger.inclusion)  # caches, as a running server has
        timed(connection, con[:WARM_UP], ledger.consistency)
        lookups = []
        for _ in range(min(args.proofs, 200)):
            t0 = time.perf_counter()
            ledger_store.size(connection)
            lookups.append(time.perf_counter() - t0)
        inc_api, inc_alone = paired(
            connection, inc, ledger.inclusion, alone(merkle.inclusion_proof)
        )
        con_api, con_alone = paired(
            connection, con, ledger.consistency, alone(merkle.consistency_proof)
        )
        inc_naive = naive(connection, inc_small, merkle.inclusion_proof)
        con_naive = naive(connection, con_small, merkle.consistency_proof)
        inc_full = naive(connection, inc[:full], merkle.inclusion_proof) if full else None
        con_full = naive(connection, con[:full], merkle.consistency_proof) if full else None
        # ours on the small queries too, to compare proof for proof with the naive ones
        inc_ours_small = timed(connection, inc_small, ledger.inclusion)[1]
        con_ours_small = timed(connection, con_small, ledger.consistency)[1]

        sizes = {b for _, b in inc + inc_small} | {x for q in con + con_small for x in q}
        heads = ledger_store.heads(connection)
        roots, leaves = rebuilt(
            connection, sizes | {h.size for h in heads}, {a for a, _ in inc + inc_small}
        )
        connection.rollback()
    # the rebuilt roots are the ones the line signed, so the proofs prove what receipts say
    unsigned = [h.size for h in heads if ledger.b64(roots[h.size]) != h.root]
    if unsigned:
        sys.exit(f"signed heads at sizes {unsigned[:5]} do not match the rebuilt roots")

    checked = 0
    try:
        for (index, tree), proof in zip(inc + inc_small, inc_api[1] + inc_ours_small, strict=True):
            leaf, root = leaves[index], roots[tree]
            merkle.verify_inclusion(index, tree, leaf, [unb64(p) for p in proof], root)
            checked += 1
        for (first, second), proof in zip(
            con + con_small, con_api[1] + con_ours_small, strict=True
        ):
            hashes = [unb64(p) for p in proof]
            merkle.verify_consistency(first, second, hashes, roots[first], roots[second])
            checked += 1
    except merkle.ProofError as exc:
        sys.exit(f"a proof does not verify ({checked} did before it): {exc}")
    if inc_alone[1] != inc_api[1] or con_alone[1] != con_api[1]:
        sys.exit("proofs by merkle over store.subtree differ from ledger.inclusion/consistency")
    for what, ours, theirs in (
        ("inclusion", inc_api[1][:full] + inc_ours_small, (inc_full or ([], []))[1] + inc_naive[1]),
        (
            "consistency",
            con_api[1][:full] + con_ours_small,
            (con_full or ([], []))[1] + con_naive[1],
        ),
    ):
        if ours != theirs:
            sys.exit(f"a naive {what} proof differs from the stored-subtree one")

    def kind(api: Timed, proof_alone: Timed, small_: Timed, full_: Timed | None) -> ProofKind:
        a, n = Latency.of(api[0]), Latency.of(small_[0])
        measured = Latency.of(full_[0]) if full_ else None
        extrapolated = n.median_ms * size / max(small, 1)
        return ProofKind(
            api=a,
            proof_alone=Latency.of(proof_alone[0]),
            naive_small=n,
            naive_full=measured,
            naive_extrapolated_ms=extrapolated,
            ratio_naive_over_api=(measured.median_ms if measured else extrapolated) / a.median_ms,
            proof_hashes_median=statistics.median(len(p) for p in api[1]),
        )

    return Proofs(
        size=size,
        naive_size=small,
        inclusion=kind(inc_api, inc_alone, inc_naive, inc_full),
        consistency=kind(con_api, con_alone, con_naive, con_full),
        size_lookup=Latency.of(lookups),
        verified=checked,
        heads_matched=len(heads),
    )


# -- export and audit ------------------------------------------------------------------------


@dataclass
class Audit:
    entries: int
    heads: int
    payloads: int
    export_s: float
    export_bytes: int
    verify_s: float
    verified_entries: int
    verify_extrapolated_s: float | None
    head_check_us: float
    one_head_per_entry_extra_s: float


class _OutOfTime(Exception):
    pass


def lines(path: Path) -> Iterator[dict[str, Any]]:
    """Records from a JSON Lines export, one ``json.loads`` a line, as ``clearline verify``."""
    with path.open() as source:
        for line in source:
            yield json.loads(line)


def measure_audit(engine: Engine, key: Ed25519PrivateKey, out: Path, limit_s: float) -> Audit:
    public_text = signing.public_text(key)
    t0 = time.perf_counter()
    with engine.connect() as connection, out.open("w") as file:
        for record in ledger.export(connection, PARTY, public_text):
            file.write(json.dumps(record, separators=(",", ":")) + "\n")
    export_s = time.perf_counter() - t0
    header = json.loads(out.open().readline())

    public = signing.public_key(public_text)
    began = time.perf_counter()
    done = [0]

    def progress(count: int, _total: int) -> None:
        done[0] = count
        if count % 1_000 == 0 and time.perf_counter() - began > limit_s:
            raise _OutOfTime

    report: audit.Report | None = None
    with contextlib.suppress(_OutOfTime):
        report = audit.verify(lines(out), public, progress=progress)
    verify_s = time.perf_counter() - began
    size = int(header["size"])
    if report is not None and report.entries != size:
        sys.exit(f"audit saw {report.entries} entries, the export says {size}")

    heads = []
    for record in lines(out):
        if "entry" in record:
            break
        if "head" in record:
            heads.append(record["head"])
    t0 = time.perf_counter()
    for raw in heads:
        if not signing.verify(public, TreeHead.model_validate(raw)):
            sys.exit("a head in the export has a bad signature")
    head_us = (time.perf_counter() - t0) / max(len(heads), 1) * 1e6
    return Audit(
        entries=size,
        heads=len(heads),
        payloads=report.payloads if report else 0,
        export_s=export_s,
        export_bytes=out.stat().st_size,
        verify_s=verify_s,
        verified_entries=report.entries if report else done[0],
        verify_extrapolated_s=None if report else verify_s * size / max(done[0], 1),
        head_check_us=head_us,
        one_head_per_entry_extra_s=(size - len(heads)) * head_us / 1e6,
    )


# -- report ----------------------------------------------------------------------------------


def source_version() -> str:
    """The commit the measured code is at, ``-dirty`` if clearline/ has changes: figures go
    with a version."""
    here = Path(__file__).resolve().parent

    def git(*args: str) -> str:
        found = subprocess.run(["git", *args], capture_output=True, text=True, timeout=10, cwd=here)
        return found.stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", "../clearline")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (commit or "unknown") + ("-dirty" if dirty else "")


@dataclass
class Setting(Machine):
    entries: int
    batches: list[int]
    appends: int
    build_batch: int
    proofs: int
    seed: int
    sqlite: str = sqlite3.sqlite_version
    commit: str = field(default_factory=lambda: source_version())


@dataclass
class Results:
    setting: Setting
    appends_empty: list[Appends]
    build: Build
    appends_full: list[Appends]
    proofs: Proofs
    audit: Audit
    canonical: list[Canonical]
    total_s: float = 0.0


def verdicts(r: Results) -> Verdicts:
    worst = min(r.appends_empty + r.appends_full, key=lambda a: a.seal_per_s)
    p = r.proofs
    kinds = (("inclusion", p.inclusion.api), ("consistency", p.consistency.api))
    audit_s = r.audit.verify_extrapolated_s or r.audit.verify_s
    found = {
        f"ledger ≥ {TARGET_APPENDS:,.0f} appends/s (seal alone, slowest case)": verdict(
            f"{worst.seal_per_s:,.0f}/s (batch {worst.batch}, log {worst.log_size:,})",
            worst.seal_per_s >= TARGET_APPENDS,
        )
    }
    shares = max(
        r.appends_empty + r.appends_full, key=lambda a: a.seal_share / a.seal_share_reference
    )
    found["the ledger's share of the write path halved against rfc8785 (worst case)"] = verdict(
        f"{shares.seal_share:.0%} against {shares.seal_share_reference:.0%} (batch {shares.batch},"
        f" log {shares.log_size:,})",
        shares.seal_share <= shares.seal_share_reference / 2,
    )
    for stat in ("median", "p99"):
        name, slowest = max(kinds, key=lambda k: getattr(k[1], f"{stat}_ms"))
        ms = getattr(slowest, f"{stat}_ms")
        found[f"proofs ≤ {TARGET_PROOF_MS:g} ms, {stat}, at {p.size:,} entries"] = verdict(
            f"{ms:.2f} ms ({name}, the slower)", ms <= TARGET_PROOF_MS
        )
    found[f"full verification ≤ {TARGET_VERIFY_S:g} s, {r.audit.entries:,} entries"] = verdict(
        f"{audit_s:,.1f} s"
        + (" (extrapolated, stopped at limit)" if r.audit.verify_extrapolated_s else ""),
        audit_s <= TARGET_VERIFY_S,
    )
    return found


def appends_table(r: Results) -> Table:
    table = Table(
        Column("log size", no_wrap=True),
        "batch",
        "seal alone /s (rfc8785)",
        "write path /s (rfc8785)",
        "without seal /s",
        "with / without",
        "seal % (rfc8785)",
        title="appends a second; write path = events + seal + commit; (rfc8785): sealed with "
        "the reference canonicaliser, same run",
    )
    for a in r.appends_empty + r.appends_full:
        table.add_row(
            f"{a.log_size:,}",
            str(a.batch),
            f"{a.seal_per_s:,.0f} ({a.seal_reference_per_s:,.0f})",
            f"{a.write_path_per_s:,.0f} ({a.write_path_reference_per_s:,.0f})",
            f"{a.baseline_per_s:,.0f}",
            f"×{a.ratio:.2f}",
            f"{a.seal_share:.0%} ({a.seal_share_reference:.0%})",
        )
    b = r.build
    table.add_row(f"→{b.size:,}", str(b.batch), "(build)", f"{b.per_s:,.0f}", "", "", "")
    return table


def proofs_table(r: Results) -> Table:
    p = r.proofs
    inc, con = p.inclusion, p.consistency
    table = Table(
        "ms a proof",
        "inclusion",
        "consistency",
        title=f"proofs at {p.size:,} entries ({inc.api.count:,} of each, all verified, "
        f"against roots rebuilt from the envelopes, equal to all {p.heads_matched:,} signed heads)",
    )

    def row(label: str, value: Callable[[ProofKind], str]) -> None:
        table.add_row(label, value(inc), value(con))

    row("ledger.* median (what the API runs)", lambda k: f"{k.api.median_ms:.3f}")
    row("ledger.* p99 · max", lambda k: f"{k.api.p99_ms:.3f} · {k.api.max_ms:.1f}")
    row("proof alone, no size check: median", lambda k: f"{k.proof_alone.median_ms:.3f}")
    row("proof alone p99", lambda k: f"{k.proof_alone.p99_ms:.3f}")
    row("hashes in a proof (median)", lambda k: f"{k.proof_hashes_median:.0f}")
    row(f"naive at {p.naive_size:,}: median", lambda k: f"{k.naive_small.median_ms:.2f}")
    row(f"naive at {p.size:,}: extrapolated", lambda k: f"~{k.naive_extrapolated_ms:,.0f}")
    if inc.naive_full and con.naive_full:
        count = inc.naive_full.count
        row(
            f"naive at {p.size:,}: measured ({count} each)",
            lambda k: f"{k.naive_full.median_ms:,.0f}" if k.naive_full else "",
        )
    row("naive / ours (medians, at full size)", lambda k: f"×{k.ratio_naive_over_api:,.0f}")
    size = p.size_lookup
    table.add_row(
        "log size lookup (store.size) med · p99", f"{size.median_ms:.3f} · {size.p99_ms:.3f}", ""
    )
    return table


def canonical_table(r: Results) -> Table:
    table = Table(
        "canonical JSON, µs a value (median)",
        "bytes",
        "ours",
        "rfc8785",
        "rfc8785 / ours",
        title="canonical JSON: canonical.dumps against the reference, same bytes",
    )
    for c in r.canonical:
        table.add_row(
            c.what, f"{c.bytes:,}", f"{c.ours_us:.1f}", f"{c.reference_us:.1f}", f"×{c.ratio:.1f}"
        )
    return table


def audit_table(r: Results) -> Table:
    a = r.audit
    table = Table("", "", title=f"export and full verification ({PARTY}'s view)")
    table.add_row(
        "entries · heads · payloads",
        f"{a.entries:,} · {a.heads:,} · {a.payloads:,}",
    )
    table.add_row(
        "ledger.export → JSON Lines",
        f"{a.export_s:,.1f} s · {a.entries / a.export_s:,.0f} entries/s · "
        f"{a.export_bytes / 1e6:,.0f} MB",
    )
    if a.verify_extrapolated_s is None:
        verify = f"{a.verify_s:,.1f} s · {a.entries / a.verify_s:,.0f} entries/s"
    else:
        verify = (
            f"stopped at {a.verify_s:,.0f} s after {a.verified_entries:,} entries: "
            f"~{a.verify_extrapolated_s:,.0f} s extrapolated"
        )
    table.add_row("audit.verify (parsed file)", verify)
    table.add_row(
        "a signed head, checked",
        f"{a.head_check_us:,.0f} µs; a head per entry (quiet line) adds "
        f"~{a.one_head_per_entry_extra_s:,.0f} s (extrapolated)",
    )
    return table


def report(r: Results) -> None:
    s, b = r.setting, r.build
    console.print(
        f"clearline {s.commit} · {s.describe(f'SQLite {s.sqlite}')}\n"
        f"log built to {b.size:,} entries in {b.seconds:,.0f} s (batches of {b.batch}, "
        f"{b.heads:,} signed heads, store {b.db_bytes / 1e6:,.0f} MB)"
        + (" — stopped by --build-limit" if b.stopped_by_limit else "")
        + f" · whole run {r.total_s:,.0f} s",
        highlight=False,
    )
    s.warn_if_busy()
    console.print(canonical_table(r))
    console.print(appends_table(r))
    console.print(proofs_table(r))
    console.print(audit_table(r))
    console.print(targets_table(verdicts(r)))


def figures(r: Results) -> dict[str, Any]:
    return {**asdict(r), "targets": verdicts(r)}


# -- main ------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = parser_for(__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000, help="log size to build")
    parser.add_argument(
        "--batches", type=int_list, default=f"64,{MAX_BATCH}", help="write-path batch sizes"
    )
    parser.add_argument("--appends", type=int, default=16_384, help="per batch size and variant")
    parser.add_argument("--build-batch", type=int, default=MAX_BATCH, help="events a batch")
    parser.add_argument("--build-limit", type=float, default=1_200, help="seconds, at most")
    parser.add_argument("--proofs", type=int, default=1_000, help="of each kind")
    parser.add_argument("--naive-size", type=int, default=10_000, help="log size, naive proofs")
    parser.add_argument("--naive-proofs", type=int, default=100, help="of each kind")
    parser.add_argument("--naive-full", type=int, default=3, help="naive proofs at full size")
    parser.add_argument("--verify-limit", type=float, default=900, help="seconds, at most")
    add_common_options(parser, seed=6962, workdir=True)
    args = parser.parse_args()
    if not (
        1_000 <= args.entries <= 10_000_000
        and all(0 < b <= 10_000 for b in args.batches)
        and 0 < args.appends <= 1_000_000
        and 0 < args.build_batch <= 100_000
        and 0 < args.proofs <= 100_000
        and 0 < args.naive_proofs <= 10_000
        and args.naive_size >= 2
        and 0 <= args.naive_full <= 100
    ):
        parser.error("sizes out of range (entries 1,000..10,000,000; see --help)")
    return args


def main() -> None:
    args = parse_args()
    setting = Setting(
        entries=args.entries,
        batches=args.batches,
        appends=args.appends,
        build_batch=args.build_batch,
        proofs=args.proofs,
        seed=args.seed,
    )
    base = room_for(args.workdir, args.entries * BYTES_PER_ENTRY)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="clearline-ledger-bench-", dir=base) as workdir:
        db = Path(workdir) / "line.db"
        engine = database.create_engine(database.database_url(str(db)))
        try:
            database.migrate(engine)
            now = datetime.now(UTC).replace(microsecond=0)
            with engine.begin() as connection:
                demo.create_demo(connection, now)
            line = Line(engine, Ed25519PrivateKey.generate(), Events(now))
            console.print(f"store {db} · appends on the empty log …", highlight=False)
            empty = [measure_appends(line, b, args.appends) for b in args.batches]
            console.print(f"building {args.entries:,} entries …", highlight=False)
            built = build(line, args.entries, args.build_batch, args.build_limit, db)
            console.print("proofs …")
            proofs = measure_proofs(engine, args)
            console.print("export and audit …")
            audited = measure_audit(engine, line.key, Path(workdir) / "il.jsonl", args.verify_limit)
            console.print("appends on the full log …")
            full = [measure_appends(line, b, args.appends) for b in args.batches]
            console.print("canonical JSON …")
            with engine.connect() as connection:
                canonical_json = measure_canonical(line, connection)
        finally:
            engine.dispose()
    results = Results(
        setting, empty, built, full, proofs, audited, canonical_json, time.perf_counter() - began
    )
    report(results)
    if args.json is not None:
        write_figures(args.json, figures(results))


if __name__ == "__main__":
    main()
