"""`clearline ledger key`, `clearline ledger export` and `clearline verify`, on SQLite.

One recording, made once for the module: the demo line on a database file, served in this
process on a fixed clock and signing with a key file, carries traffic of every event type
(escalations and line checks included, by stepping the clock) and a second agreement, IL–RU.
Every test that changes the database works on a fresh copy of that file, as someone with write
access to the database, but not to the key, would: each change must make `verify` fail in one
line that names the first entry found wrong.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import rfc8785
import sqlalchemy as sa
from click.testing import Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from clearline import demo
from clearline.api.app import create_app
from clearline.cli import verifying
from clearline.clock import FixedClock
from clearline.model.event import EventType
from clearline.model.ledger import TreeHead, b64, unb64
from clearline.services.record import ledger, merkle, signing
from clearline.store import events
from clearline.store import ledger as ledger_store
from clearline.store.database import create_engine, database_url, migrate
from clearline.store.schema import ledger_entries, ledger_heads, ledger_subtrees
from clearline.store.writer import run_now
from tests.conftest import START, Line, add_il_ru
from tests.support.cli import clearline, refused, said
from tests.support.server import Api, demo_line, serve, warning
from tests.support.traffic import every_event_type, il_ru_traffic

Records = list[dict[str, Any]]
FORGED_SALT = bytes(16)
"""The salt a forger without access to the line writes: any salt works for a forged entry."""

VERIFIED = re.compile(
    r"ledger verified: (\d+) entries, (\d+) signed heads, "
    r"(\d+) payloads checked against their hashes, (\d+) kept records, "
    r"(\d+) adopted protocol versions with every party's signature"
)


@dataclass(frozen=True)
class Recorded:
    """The recorded line: its database (never changed: tests change copies), its key file, its
    public key, and the answers holding receipts that the parties kept, by name."""

    db: Path
    key: Path
    public: str
    kept: dict[str, dict[str, Any]]

    def index(self, name: str) -> int:
        """The ledger index of the entry a kept answer's receipt is for."""
        return int(self.kept[name]["receipt"]["index"])

    def options(self, db: Path | None = None) -> tuple[str, ...]:
        """``--db`` (this database or ``db``, a copy of it) and ``--key``, the line's key file."""
        return ("--db", str(db or self.db), "--key", str(self.key))


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    folder = tmp_path_factory.mktemp("recorded")
    db, key = folder / "line.db", folder / "line.key"
    url = database_url(str(db))
    engine = create_engine(url)
    migrate(engine)
    clock = FixedClock(START)
    tokens = run_now(engine, lambda c: demo.create_demo(c, clock.now()))
    signing.create_key(key)
    app = create_app(url, clock=clock, watch_interval_s=None, key=signing.load_key(key))
    with TestClient(app) as client:
        line = Line(client, tokens)
        kept = every_event_type(line, clock)
        add_il_ru(engine, tokens, clock)
        kept |= il_ru_traffic(line)
        kept["head"] = line.get("IL", "/v1/ledger/head").json()  # a head, as an auditor keeps it
    engine.dispose()
    return Recorded(db, key, signing.public_text(signing.load_key(key)), kept)


@pytest.fixture
def db(recorded: Recorded, tmp_path: Path) -> Path:
    """A fresh copy of the recorded database, to change."""
    copy = tmp_path / "copy.db"
    with closing(sqlite3.connect(recorded.db)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    return copy


def export(recorded: Recorded, db: Path, party: str, out: Path) -> Records:
    """``clearline ledger export --party PARTY``: the records it wrote."""
    written = clearline(f"ledger export --party {party} --out", str(out), *recorded.options(db))
    assert said(written) == f"ledger of {party} written to {out}"
    return [json.loads(line) for line in out.read_text().splitlines()]


def verify(source: Path, key: str, *more: str) -> Result:
    return clearline("verify", str(source), "--key", key, *more)


def verified(result: Result) -> tuple[int, int, int, int]:
    """What a passing `verify` printed: entries, heads, payloads, kept records."""
    found = VERIFIED.fullmatch(said(result))
    assert found, result.stdout
    entries, heads, payloads, kept, _adopted = (int(n) for n in found.groups())
    return entries, heads, payloads, kept


def fails_at(result: Result, index: int) -> str:
    """`verify` failed in one line on stderr naming entry ``index`` as the first one wrong."""
    line = refused(result, f"entry {index}:")
    assert line.startswith("error: ledger does not verify: "), line
    return line


def rows(db: Path, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute(query, params).fetchall()


def change(db: Path, statement: str, *params: Any) -> None:
    """One statement on the database file, straight through SQLite, committed."""
    with closing(sqlite3.connect(db)) as connection, connection:
        assert connection.execute(statement, params).rowcount >= 1


def keep(recorded: Recorded, folder: Path, *names: str) -> Path:
    """The answers ``names`` as the party saved them, one JSON file each."""
    folder.mkdir()
    for name in names:
        (folder / f"{name}.json").write_text(json.dumps(recorded.kept[name]))
    return folder


def envelope_of(record: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(record["entry"]["envelope"]))


# --- the key and the export -----------------------------------------------------------------------


def test_ledger_key_prints_the_public_key_that_signed_every_receipt(recorded: Recorded) -> None:
    printed = said(clearline("ledger key --db", str(recorded.db)))  # line.key beside the database
    assert printed == said(clearline("ledger key --key", str(recorded.key)))
    assert printed == recorded.public == recorded.kept["head"]["public_key"]
    public = signing.public_key(printed)
    for answer in recorded.kept.values():
        head = answer["receipt"]["tree_head"] if "receipt" in answer else answer["tree_head"]
        assert signing.verify(public, TreeHead.model_validate(head))


def test_ledger_key_without_a_key_file_says_so_in_one_line(tmp_path: Path) -> None:
    refused(clearline("ledger key --db", str(tmp_path / "line.db")), "key")


def test_an_export_verifies_and_verify_says_what_it_checked(
    recorded: Recorded, tmp_path: Path
) -> None:
    records = export(recorded, recorded.db, "IL", tmp_path / "il.jsonl")
    (size,) = rows(recorded.db, "SELECT count(*) FROM ledger_entries")[0]
    heads = sum("head" in r for r in records)
    (own,) = rows(recorded.db, "SELECT count(*) FROM event_audience WHERE party = 'IL'")[0]
    assert records[0] == {
        "format": "clearline-ledger/2",
        "party": "IL",
        "public_key": recorded.public,
        "size": size,
    }
    result = verify(tmp_path / "il.jsonl", recorded.public)
    assert verified(result) == (size, heads, own, 0)
    assert said(result) == (
        f"ledger verified: {size} entries, {heads} signed heads, "
        f"{own} payloads checked against their hashes, 0 kept records, "
        "1 adopted protocol versions with every party's signature"
    )


def test_verify_prints_its_verdict_as_one_line_and_nothing_else(
    recorded: Recorded, tmp_path: Path
) -> None:
    """Scripts read the verdict from stdout; a progress display belongs on stderr."""
    export(recorded, recorded.db, "IL", tmp_path / "il.jsonl")
    result = verify(tmp_path / "il.jsonl", recorded.public)
    assert VERIFIED.fullmatch(result.stdout.removesuffix("\n")), repr(result.stdout)


def test_an_export_written_and_checked_in_many_pages_holds_every_entry_once(
    recorded: Recorded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages of 7 entries, and a progress display from 10 entries on: every page boundary."""
    monkeypatch.setattr(ledger, "PAGE", 7)
    monkeypatch.setattr(verifying, "LARGE", 10)
    monkeypatch.setattr(verifying, "PAGE", 5)
    records = export(recorded, recorded.db, "TR", tmp_path / "tr.jsonl")
    (size,) = rows(recorded.db, "SELECT count(*) FROM ledger_entries")[0]
    assert [r["entry"]["index"] for r in records if "entry" in r] == list(range(size))
    assert size > 4 * 7
    assert verified(verify(tmp_path / "tr.jsonl", recorded.public))[0] == size


def test_verify_counts_the_receipts_and_heads_the_party_kept(
    recorded: Recorded, tmp_path: Path
) -> None:
    export(recorded, recorded.db, "IL", tmp_path / "il.jsonl")
    kept = keep(recorded, tmp_path / "kept", "warning", "ack", "line_check", "ru_ack")
    (kept / "receipt.json").write_text(json.dumps(recorded.kept["reply"]["receipt"]))
    (kept / "head.json").write_text(json.dumps(recorded.kept["warning"]["receipt"]["tree_head"]))
    assert verified(verify(tmp_path / "il.jsonl", recorded.public, "--receipts", str(kept)))[3] == 6


def test_a_head_kept_as_the_head_endpoint_answered_counts_as_kept(
    recorded: Recorded, tmp_path: Path
) -> None:
    """An auditor keeps what `GET /v1/ledger/head` answered: ``{"tree_head", "public_key"}``."""
    export(recorded, recorded.db, "IL", tmp_path / "il.jsonl")
    kept = keep(recorded, tmp_path / "kept", "head")
    assert verified(verify(tmp_path / "il.jsonl", recorded.public, "--receipts", str(kept)))[3] == 1


def readers(db: Path) -> dict[int, set[str]]:
    """Which parties may read each entry, straight from the database: its event's audience,
    less the mediator, whose reads are figures."""
    found: dict[int, set[str]] = {}
    for index, party in rows(
        db,
        'SELECT "index", party FROM ledger_entries JOIN event_audience USING (seq)'
        " WHERE party != 'AZ'",
    ):
        found.setdefault(index, set()).add(party)
    return found


@pytest.mark.parametrize("party", ["IL", "TR", "AZ", "RU"])
def test_a_partys_export_holds_its_own_entries_whole_and_every_other_as_its_leaf(
    recorded: Recorded, tmp_path: Path, party: str
) -> None:
    out = tmp_path / f"{party}.jsonl"
    records = export(recorded, recorded.db, party, out)
    stored = rows(
        recorded.db, 'SELECT "index", envelope, leaf_hash FROM ledger_entries ORDER BY "index"'
    )
    entries = [r["entry"] for r in records if "entry" in r]
    heads = [r for r in records if "head" in r]
    assert [(e["index"], e["leaf_hash"]) for e in entries] == [(i, b64(h)) for i, _, h in stored]
    may_read = readers(recorded.db)
    own = 0
    for entry, (index, text, _leaf) in zip(entries, stored, strict=True):
        if party in may_read.get(index, set()):
            assert entry["envelope"] == text
            digest = ledger.payload_sha256(unb64(entry["salt"]), entry["payload"])
            assert digest == json.loads(text)["payload_sha256"]
            own += 1
        else:
            assert set(entry) == {"index", "leaf_hash"}, (party, entry)
    assert (own > 0) == (party != "AZ")
    assert verified(verify(out, recorded.public))[:3] == (len(stored), len(heads), own)


def test_no_export_carries_the_words_of_a_line_its_party_is_not_on(
    recorded: Recorded, tmp_path: Path
) -> None:
    """RU's free text to IL, TR's to IL, and the line's suspension reason, word for word."""
    text = {}
    for party in ("IL", "TR", "AZ", "RU"):
        export(recorded, recorded.db, party, tmp_path / party)
        text[party] = (tmp_path / party).read_text()
    il_ru = json.dumps("Только для Израиля")[1:-1]  # as JSON writes it
    assert il_ru in text["IL"] and il_ru in text["RU"]
    assert il_ru not in text["TR"] and il_ru not in text["AZ"]
    assert "Acil!" in text["IL"] and "Acil!" in text["TR"]
    assert "Acil!" not in text["RU"] and "Acil!" not in text["AZ"]
    assert "talks broke down" in text["IL"] and "talks broke down" in text["TR"]
    assert "talks broke down" not in text["AZ"]  # a suspension's reason is the parties' to tell
    assert "talks broke down" not in text["RU"]


def test_an_envelope_rewritten_where_a_party_sees_only_its_leaf_fails_that_partys_verify(
    recorded: Recorded, db: Path, tmp_path: Path
) -> None:
    """TR never sees the envelope of RU's reply to IL, only a leaf hashed from it: a rewrite
    in the database still breaks the root of the next head in TR's export."""
    index = recorded.index("ru_reply")
    change_envelope(db, index)
    records = export(recorded, db, "TR", tmp_path / "tr.jsonl")
    (entry,) = [r["entry"] for r in records if r.get("entry", {}).get("index") == index]
    assert set(entry) == {"index", "leaf_hash"}
    covering = min(r["head"]["size"] for r in records if "head" in r and r["head"]["size"] > index)
    line = fails_at(verify(tmp_path / "tr.jsonl", recorded.public), covering - 1)
    assert "rewritten at or before this entry" in line


def test_export_for_an_unknown_party_refuses_and_writes_nothing(
    recorded: Recorded, tmp_path: Path
) -> None:
    out = tmp_path / "xx.jsonl"
    result = clearline("ledger export --party XX --out", str(out), *recorded.options())
    refused(result, "party")
    assert not out.exists()


def test_export_without_the_key_file_says_so_in_one_line(
    recorded: Recorded, tmp_path: Path
) -> None:
    out, nowhere = tmp_path / "il.jsonl", tmp_path / "nowhere.key"
    result = clearline(
        "ledger export --party IL --out", str(out), "--db", str(recorded.db), "--key", str(nowhere)
    )
    refused(result, "key")


# --- tampering: each change is caught at the entry it touched -------------------------------------


def one_character_changed(text: str, old: str, new: str) -> str:
    assert len(old) == len(new) and sum(a != b for a, b in zip(old, new, strict=True)) == 1
    assert text.count(old) >= 1, (old, text)
    return text.replace(old, new, 1)


def seq_at(db: Path, index: int) -> int:
    return int(rows(db, 'SELECT seq FROM ledger_entries WHERE "index" = ?', index)[0][0])


def change_payload(db: Path, index: int) -> None:
    """The warning said 20000 m; now it says 20001 m: one digit."""
    seq = seq_at(db, index)
    (payload,) = rows(db, "SELECT payload FROM events WHERE seq = ?", seq)[0]
    changed = one_character_changed(payload, '"radius_m": 20000', '"radius_m": 20001')
    change(db, "UPDATE events SET payload = ? WHERE seq = ?", changed, seq)


def change_envelope(db: Path, index: int) -> None:
    """One second later than it happened."""
    (text,) = rows(db, 'SELECT envelope FROM ledger_entries WHERE "index" = ?', index)[0]
    seconds = re.search(r'"time":"[^"]*:(\d)\d(?:\.\d+)?Z"', text)
    assert seconds
    at = seconds.start(1) + 1
    later = text[:at] + str((int(text[at]) + 1) % 10) + text[at + 1 :]
    change(db, 'UPDATE ledger_entries SET envelope = ? WHERE "index" = ?', later, index)


def change_leaf_hash(db: Path, index: int) -> None:
    (digest,) = rows(db, 'SELECT leaf_hash FROM ledger_entries WHERE "index" = ?', index)[0]
    flipped = bytes([digest[0] ^ 0x01]) + digest[1:]
    change(db, 'UPDATE ledger_entries SET leaf_hash = ? WHERE "index" = ?', flipped, index)


def drop_entry(db: Path, index: int) -> None:
    change(db, 'DELETE FROM ledger_entries WHERE "index" = ?', index)


def swap_with_next(db: Path, index: int) -> None:
    change(db, 'UPDATE ledger_entries SET "index" = -1 WHERE "index" = ?', index)
    change(db, 'UPDATE ledger_entries SET "index" = ? WHERE "index" = ?', index, index + 1)
    change(db, 'UPDATE ledger_entries SET "index" = ? WHERE "index" = -1', index + 1)


TAMPERING: dict[str, Callable[[Path, int], None]] = {
    "one-character-of-a-payload": change_payload,
    "one-character-of-an-envelope": change_envelope,
    "one-bit-of-a-leaf-hash": change_leaf_hash,
    "an-entry-dropped": drop_entry,
    "two-entries-swapped": swap_with_next,
}


@pytest.mark.parametrize("tamper", TAMPERING.values(), ids=TAMPERING.keys())
def test_a_changed_database_fails_verify_naming_the_entry(
    recorded: Recorded, db: Path, tmp_path: Path, tamper: Callable[[Path, int], None]
) -> None:
    index = recorded.index("ignored")  # TR's unacknowledged FLASH warning to IL, mid-log
    tamper(db, index)
    export(recorded, db, "IL", tmp_path / "il.jsonl")
    fails_at(verify(tmp_path / "il.jsonl", recorded.public), index)


def test_dropping_the_last_entry_fails_verify_naming_it(
    recorded: Recorded, db: Path, tmp_path: Path
) -> None:
    (size,) = rows(db, "SELECT count(*) FROM ledger_entries")[0]
    drop_entry(db, size - 1)
    export(recorded, db, "IL", tmp_path / "il.jsonl")
    fails_at(verify(tmp_path / "il.jsonl", recorded.public), size - 1)


def test_an_envelope_rewritten_with_its_leaf_hash_fails_at_the_end_of_its_batch(
    recorded: Recorded, db: Path, tmp_path: Path
) -> None:
    """Without the key the signed heads cannot follow: the first head past the entry no longer
    matches, and `verify` names that head's last entry ("at or before this entry")."""
    index = recorded.index("reply")  # the reply's batch: sent, answered, acknowledged
    change_envelope(db, index)
    (text,) = rows(db, 'SELECT envelope FROM ledger_entries WHERE "index" = ?', index)[0]
    leaf = merkle.leaf_hash(text.encode())
    change(db, 'UPDATE ledger_entries SET leaf_hash = ? WHERE "index" = ?', leaf, index)
    (covering,) = rows(db, "SELECT min(size) FROM ledger_heads WHERE size > ?", index)[0]
    assert covering - 1 > index
    export(recorded, db, "IL", tmp_path / "il.jsonl")
    line = fails_at(verify(tmp_path / "il.jsonl", recorded.public), covering - 1)
    assert "rewritten at or before this entry" in line


def test_a_changed_head_fails_verify_naming_its_size(
    recorded: Recorded, db: Path, tmp_path: Path
) -> None:
    (size, root) = rows(db, "SELECT size, root FROM ledger_heads ORDER BY size LIMIT 1 OFFSET 3")[0]
    change(
        db, "UPDATE ledger_heads SET root = ? WHERE size = ?", bytes([root[0] ^ 1]) + root[1:], size
    )
    export(recorded, db, "IL", tmp_path / "il.jsonl")
    line = refused(verify(tmp_path / "il.jsonl", recorded.public), f"of size {size} has")
    assert "no valid signature by the line" in line


def forge_an_entry(db: Path) -> int:
    """Append an event of the forger's making to the log; the heads stay as they were. Returns
    the first entry no signed head covers: the forged one."""
    (size,) = rows(db, "SELECT count(*) FROM ledger_entries")[0]
    (last_seq, time) = rows(db, "SELECT max(seq), max(time) FROM events")[0]
    payload = {"message_id": 1, "party": "IL", "user": 1}
    change(
        db,
        "INSERT INTO events (seq, type, time, agreement_id, payload) VALUES (?, ?, ?, ?, ?)",
        last_seq + 1,
        "message.acknowledged",
        time,
        demo.AGREEMENT_ID,
        json.dumps(payload),
    )
    for party in ("IL", "TR"):
        change(db, "INSERT INTO event_audience (party, seq) VALUES (?, ?)", party, last_seq + 1)
    envelope = {
        "index": size,
        "parties": ["IL", "TR"],
        "payload_sha256": ledger.payload_sha256(FORGED_SALT, payload),
        "seq": last_seq + 1,
        "time": "2026-11-22T17:00:00Z",
        "type": "message.acknowledged",
    }
    text = rfc8785.dumps(envelope).decode()
    change(
        db,
        'INSERT INTO ledger_entries ("index", seq, leaf_hash, envelope, salt)'
        " VALUES (?, ?, ?, ?, ?)",
        size,
        last_seq + 1,
        merkle.leaf_hash(text.encode()),
        text,
        FORGED_SALT,
    )
    return int(size)


def rewrite_with_no_heads(db: Path) -> int:
    """Rewrite the first warning's payload, envelope and leaf hash, and delete every signed
    head: no key needed. Returns the first entry no signed head covers: the first of all."""
    change_payload(db, 0)
    rehash(db, 0)
    change(db, "DELETE FROM ledger_heads")
    return 0


def rehash(db: Path, index: int) -> None:
    """Recompute an entry's envelope and leaf hash from its payload, as the line would."""
    seq = seq_at(db, index)
    (payload,) = rows(db, "SELECT payload FROM events WHERE seq = ?", seq)[0]
    text, salt = rows(db, 'SELECT envelope, salt FROM ledger_entries WHERE "index" = ?', index)[0]
    envelope = json.loads(text) | {
        "payload_sha256": ledger.payload_sha256(bytes(salt), json.loads(payload))
    }
    text = rfc8785.dumps(envelope).decode()
    leaf = merkle.leaf_hash(text.encode())
    change(
        db,
        'UPDATE ledger_entries SET envelope = ?, leaf_hash = ? WHERE "index" = ?',
        text,
        leaf,
        index,
    )


@pytest.mark.parametrize(
    "forge", [forge_an_entry, rewrite_with_no_heads], ids=["an-entry-appended", "heads-deleted"]
)
def test_entries_that_no_signed_head_covers_fail_verify(
    recorded: Recorded, db: Path, tmp_path: Path, forge: Callable[[Path], int]
) -> None:
    """Whoever can write the database, without the key, can append entries after the last
    signed head, or delete heads and rewrite what they covered; an entry no signed head covers
    is not vouched for by the line, and `verify` must say so, naming the first such entry."""
    uncovered = forge(db)
    export(recorded, db, "IL", tmp_path / "il.jsonl")
    fails_at(verify(tmp_path / "il.jsonl", recorded.public), uncovered)


def test_a_version_the_line_adopted_by_itself_fails_verify_naming_the_party(
    recorded: Recorded, db: Path, tmp_path: Path
) -> None:
    """With its own key, the line can append a consistent, signed adoption of a proposal nobody
    signed (the first, superseded); `verify` finds no registered key of IL's that signed it."""
    (document,) = (
        json.loads(payload)["proposal"]
        for (payload,) in rows(db, "SELECT payload FROM events WHERE type = 'protocol.proposed'")
        if json.loads(payload)["proposal"]["number"] == 1
    )
    adoption = {
        "agreement_id": demo.AGREEMENT_ID,
        "proposal": 1,
        "version": document["version"],
        "digest": document["digest"],
        "effective_at": START.isoformat(),
        "parties": ["IL", "TR"],
    }
    key, engine = signing.load_key(recorded.key), create_engine(database_url(str(db)))

    def adopt(connection: Connection) -> None:
        audience = ["AZ", "IL", "TR"]
        events.append(
            connection, EventType.PROTOCOL_ADOPTED, START, demo.AGREEMENT_ID, audience, adoption
        )

    run_now(engine, adopt, lambda c, pending: ledger.seal(c, pending, key, START))
    engine.dispose()
    (size,) = rows(db, "SELECT count(*) FROM ledger_entries")[0]
    export(recorded, db, "IL", tmp_path / "il.jsonl")
    line = fails_at(verify(tmp_path / "il.jsonl", recorded.public), size - 1)
    assert line.endswith(f"version 2 of {demo.AGREEMENT_ID} lacks a valid signature of IL")


# --- a history rewritten and re-signed with the line's own key ------------------------------------


def resign(db: Path, key: Ed25519PrivateKey) -> None:
    """Rebuild every complete subtree from the leaf hashes, and every signed head at its size and
    time, signed with ``key``: what whoever holds the key can do after rewriting entries."""
    engine = create_engine(database_url(str(db)))

    subtrees: dict[tuple[int, int], bytes] = {}

    def get(level: int, idx: int) -> bytes:
        return subtrees[level, idx]

    def rebuild(connection: Connection) -> None:
        leaves = connection.execute(
            sa.select(ledger_entries.c.leaf_hash).order_by(ledger_entries.c.index)
        ).scalars()
        for index, leaf in enumerate(leaves):
            for level, idx, digest in merkle.append(index, bytes(leaf), get):
                subtrees[level, idx] = digest
        connection.execute(ledger_subtrees.delete())
        ledger_store.add_subtrees(connection, ((lv, i, h) for (lv, i), h in subtrees.items()))
        for head in ledger_store.heads(connection):
            root = merkle.root(head.size, get)
            resigned = signing.sign(
                key, head.model_copy(update={"root": b64(root), "signature": ""})
            )
            connection.execute(ledger_heads.delete().where(ledger_heads.c.size == head.size))
            ledger_store.add_head(connection, resigned)

    run_now(engine, rebuild)
    engine.dispose()


@pytest.fixture
def rewritten(recorded: Recorded, db: Path) -> Path:
    """The first warning now says 20001 m, and the whole log after it is re-signed."""
    index = recorded.index("warning")
    change_payload(db, index)
    rehash(db, index)
    resign(db, signing.load_key(recorded.key))
    return db


def test_a_history_rewritten_and_resigned_with_the_lines_key_verifies_on_its_own(
    recorded: Recorded, rewritten: Path, tmp_path: Path
) -> None:
    """A re-signed history is self-consistent: every envelope hashes to its leaf, every head's
    root is the root of the entries before it and is signed by the line's key. The export alone
    cannot tell it from the true one; only what the parties kept before the rewrite can."""
    records = export(recorded, rewritten, "IL", tmp_path / "il.jsonl")
    first = records[1 + len([r for r in records if "head" in r]) + recorded.index("warning")]
    assert first["entry"]["payload"]["message"]["body"]["radius_m"] == 20001
    verified(verify(tmp_path / "il.jsonl", recorded.public))


def test_a_resigned_history_fails_against_the_receipts_the_party_kept(
    recorded: Recorded, rewritten: Path, tmp_path: Path
) -> None:
    export(recorded, rewritten, "IL", tmp_path / "il.jsonl")
    kept = keep(recorded, tmp_path / "kept", "warning", "ack", "reply", "ignored", "held")
    result = verify(tmp_path / "il.jsonl", recorded.public, "--receipts", str(kept))
    assert "differs from the receipt you kept" in fails_at(result, recorded.index("warning"))


def test_a_resigned_history_fails_against_a_later_receipt_alone(
    recorded: Recorded, rewritten: Path, tmp_path: Path
) -> None:
    """TR kept only the receipt of a later message: its head's root no longer comes out."""
    export(recorded, rewritten, "TR", tmp_path / "tr.jsonl")
    kept = keep(recorded, tmp_path / "kept", "held")
    size = recorded.kept["held"]["receipt"]["tree_head"]["size"]
    result = verify(tmp_path / "tr.jsonl", recorded.public, "--receipts", str(kept))
    assert "rewritten at or before this entry" in fails_at(result, size - 1)


# --- refusals -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def il_export(recorded: Recorded, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "il.jsonl"
    export(recorded, recorded.db, "IL", out)
    return out


@pytest.mark.parametrize(
    "key",
    ["", "not-a-key", "PONdO+720eyKFaFfMVSvjTfp5Zll8g4bExe9lRZR33A", b64(b"\x00" * 31)],
    ids=["empty", "not-base64", "unpadded", "31-bytes"],
)
def test_a_key_that_is_no_public_key_is_refused_in_one_line(il_export: Path, key: str) -> None:
    assert refused(verify(il_export, key), "key") == "error: key: not a base64 Ed25519 public key"


def test_another_lines_key_fails_at_the_first_signature(il_export: Path) -> None:
    other = signing.public_text(Ed25519PrivateKey.generate())
    line = refused(verify(il_export, other), "no valid signature by the line")
    assert "size 1 " in line


def test_a_missing_export_is_named_in_one_line(recorded: Recorded, tmp_path: Path) -> None:
    missing = tmp_path / "il.jsonl"
    assert (
        refused(verify(missing, recorded.public), "source") == f"error: source: no file {missing}"
    )


NOT_EXPORTS = {
    "empty": "",
    "text": "hello\n",
    "json-of-something-else": '{"receipt": {"index": 0}}\n',
    "a-json-list": "[1, 2]\n",
    "a-head-record-mangled": '{"format": "clearline-ledger/2", "size": 1}\n{"head": {"size": 1}}\n',
    "a-record-not-an-object": '{"format": "clearline-ledger/2", "size": 1}\n7\n',
    "an-entry-record-mangled": '{"format": "clearline-ledger/2", "size": 1}\n{"entry": 1}\n',
}


@pytest.mark.parametrize("content", NOT_EXPORTS.values(), ids=NOT_EXPORTS.keys())
def test_a_file_that_is_not_an_export_is_refused_in_one_line(
    recorded: Recorded, tmp_path: Path, content: str
) -> None:
    source = tmp_path / "not-an-export.jsonl"
    source.write_text(content)
    result = verify(source, recorded.public)
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), result.exception  # not a crash
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_an_export_cut_short_is_refused_in_one_line(
    recorded: Recorded, il_export: Path, tmp_path: Path
) -> None:
    text = il_export.read_text()
    cut = tmp_path / "cut.jsonl"
    cut.write_text(text[: len(text) // 2])
    refused(verify(cut, recorded.public), "is not JSON")


@pytest.mark.parametrize(
    ("files", "field"),
    [
        ({"receipt.json": "{not json"}, "receipts"),
        ({"receipt.json": '{"receipt": {"index": 1}}'}, "receipt"),
    ],
    ids=["not-json", "a-receipt-mangled"],
)
def test_a_bad_kept_receipt_is_refused_in_one_line(
    recorded: Recorded, il_export: Path, tmp_path: Path, files: dict[str, str], field: str
) -> None:
    kept = tmp_path / "kept"
    kept.mkdir()
    for name, content in files.items():
        (kept / name).write_text(content)
    refused(verify(il_export, recorded.public, "--receipts", str(kept)), field)


def test_receipts_that_are_not_a_folder_are_refused_in_one_line(
    recorded: Recorded, il_export: Path, tmp_path: Path
) -> None:
    refused(verify(il_export, recorded.public, "--receipts", str(tmp_path / "none")), "receipts")


def test_verify_needs_a_file_or_a_url_and_a_url_needs_a_token(
    recorded: Recorded, il_export: Path
) -> None:
    refused(clearline("verify --key", recorded.public), "source")
    refused(
        clearline(
            "verify", str(il_export), "--url", "http://127.0.0.1:9", "--key", recorded.public
        ),
        "source",
    )
    refused(clearline("verify --url http://127.0.0.1:9 --key", recorded.public), "token")


# --- a live line ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_verify_url_checks_a_live_line_as_each_party_sees_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verifying, "PAGE", 3)  # the entries endpoint, read in many pages
    db, tokens = demo_line(tmp_path)
    public = said(clearline("ledger key --db", str(db)))
    with serve(db) as server, Api(server, tokens) as api:
        warned = api.send("TR", warning()).json()
        assert api.get("IL", "/v1/messages", box="inbox").status_code == 200
        assert api.post("IL", f"/v1/messages/{warned['id']}/ack").status_code == 200
        suspend = {"json": {"reason": "talks broke down"}}
        assert (
            api.post("IL", "/v1/lines/TR/suspend", "liaison_officer", **suspend).status_code == 200
        )
        assert api.send("TR", warning()).status_code == 201
        assert api.post("IL", "/v1/lines/TR/restore", "liaison_officer").status_code == 200
        size = api.get("IL", "/v1/ledger/head").json()["tree_head"]["size"]
        for party, role in [("IL", "duty_officer"), ("TR", "auditor"), ("AZ", "mediator")]:
            token = tokens[party][role]
            result = clearline("verify --url", server.url, "--token", token, "--key", public)
            entries, heads, _payloads, _kept = verified(result)
            assert entries >= size and heads == 1
        other = signing.public_text(Ed25519PrivateKey.generate())
        wrong = clearline(
            "verify --url", server.url, "--token", tokens["IL"]["auditor"], "--key", other
        )
        refused(wrong, "no valid signature by the line")
        refused(
            clearline("verify --url", server.url, "--token", "cl_not-a-token", "--key", public),
            "Authorization",
        )

        export = tmp_path / "il.jsonl"  # an export of the database the line is writing to
        written = clearline("ledger export --party IL --out", str(export), "--db", str(db))
        assert said(written) == f"ledger of IL written to {export}"
        kept = tmp_path / "kept"
        kept.mkdir()
        (kept / "warning.json").write_text(json.dumps(warned))
        assert verified(verify(export, public, "--receipts", str(kept)))[3] == 1
