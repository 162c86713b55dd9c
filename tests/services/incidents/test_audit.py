"""A dossier checked offline with nothing but the line's public key: the Il-20 case verifies,
and every way of changing it after the fact is caught and named (a byte in a file; an item,
a fact or the timeline rewritten with the manifest made to match; a payload or a proof
swapped; another key)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from clearline.clock import FixedClock
from clearline.services.incidents.audit import verify
from clearline.services.record import signing
from clearline.services.record.audit import Tampered
from tests.conftest import Line
from tests.support.incidents import INCIDENT, play

Files = dict[str, Any]


@pytest.fixture
def dossier(line: Line, clock: FixedClock) -> bytes:
    il20 = play(line, clock)
    answer = line.post("TR", "/v1/incidents", json={**INCIDENT, "tracks": [il20.aircraft]})
    assert answer.status_code == 201, answer.text
    number = answer.json()["incident"]["id"]
    moved = line.post("IL", f"/v1/incidents/{number}/state", json={"state": "acknowledged"})
    assert moved.status_code == 200, moved.text
    got = line.get("TR", f"/v1/incidents/{number}/dossier")
    assert (got.status_code, got.headers["content-type"]) == (200, "application/zip")
    return bytes(got.content)


@pytest.fixture
def key(line: Line) -> Ed25519PublicKey:
    """The line's, as it publishes it."""
    return signing.public_key(signing.public_text(line.client.app.state.runtime.key))  # type: ignore[attr-defined]


def test_the_il20_dossier_verifies_offline(dossier: bytes, key: Ed25519PublicKey) -> None:
    checked = verify(dossier, key)
    assert (checked.incident, checked.party) == (1, "TR")
    assert checked.facts == 5 and checked.evidence == 4
    assert checked.entries == checked.evidence + 2, "and the two steps TR was told of"


def test_one_flipped_byte_fails_naming_its_file(dossier: bytes, key: Ed25519PublicKey) -> None:
    files = _files(dossier)
    case = bytearray(files["case.json"])
    case[len(case) // 2] ^= 0x01
    with pytest.raises(Tampered, match=re.escape("case.json")):
        verify(_zip({**files, "case.json": bytes(case)}), key)


def _first_fact(document: Files) -> None:
    document["facts"][0]["text"] = document["facts"][0]["text"].replace("840 s late", "on time")


def _lead_time(document: Files) -> None:
    notice = next(i for i in document["evidence"] if i["type"] == "notice.filed")
    notice["payload"]["notice"]["versions"][-1]["late_s"] = 0


def _receipt(document: Files) -> None:
    warning = next(e for e in document["timeline"] if e["type"] == "message.sent")
    warning["receipts"]["TR"]["acknowledged"] = document["incident"]["start"]


def _dropped_step(document: Files) -> None:
    document["incident"]["history"] = document["incident"]["history"][:1]


def _unseen(document: Files) -> None:
    document["evidence"][0]["seq"] = 10**6


REWRITES: dict[str, tuple[Callable[[Files], None], str]] = {
    "a fact": (_first_fact, "facts.0"),
    "an item's payload": (_lead_time, "evidence"),
    "a receipt": (_receipt, "timeline"),
    "the case's history": (_dropped_step, "case"),
    "an item not on the ledger": (_unseen, "evidence 1000000"),
}


@pytest.mark.parametrize("name", REWRITES)
def test_a_case_rewritten_with_its_manifest_fails_naming_what_changed(
    dossier: bytes, key: Ed25519PublicKey, name: str
) -> None:
    rewrite, named = REWRITES[name]
    files = _files(dossier)
    document = json.loads(files["case.json"])
    rewrite(document)
    with pytest.raises(Tampered, match=named):
        verify(_resealed({**files, "case.json": json.dumps(document).encode()}), key)


def test_a_payload_swapped_on_the_ledger_side_fails_naming_its_entry(
    dossier: bytes, key: Ed25519PublicKey
) -> None:
    files = _files(dossier)
    record = json.loads(files["ledger.json"])
    entry = record["entries"][0]
    entry["payload"] = {**entry["payload"], "forged": True}
    with pytest.raises(Tampered, match=f"entry {entry['seq']}: its payload"):
        verify(_resealed({**files, "ledger.json": json.dumps(record).encode()}), key)


def test_a_proof_that_leads_elsewhere_fails_naming_its_entry(
    dossier: bytes, key: Ed25519PublicKey
) -> None:
    files = _files(dossier)
    record = json.loads(files["ledger.json"])
    first, second = record["entries"][0], record["entries"][1]
    first["proof"] = second["proof"]
    with pytest.raises(Tampered, match=f"entry {first['seq']}"):
        verify(_resealed({**files, "ledger.json": json.dumps(record).encode()}), key)


@pytest.fixture
def with_a_file(line: Line, clock: FixedClock) -> tuple[bytes, str]:
    """Turkey's dossier of the case with the radar photo it attached."""
    play(line, clock)
    answer = line.post("TR", "/v1/incidents", json=INCIDENT)
    assert answer.status_code == 201, answer.text
    number = answer.json()["incident"]["id"]
    attached = line.client.post(
        f"/v1/incidents/{number}/attachments",
        params={"name": "scope.png"},
        content=PHOTO,
        headers=line.headers("TR", **{"Content-Type": "image/png"}),
    )
    assert attached.status_code == 201, attached.text
    got = line.get("TR", f"/v1/incidents/{number}/dossier")
    assert got.status_code == 200, got.text
    return bytes(got.content), hashlib.sha256(PHOTO).hexdigest()


PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def test_a_file_attached_travels_in_the_dossier_and_verifies(
    with_a_file: tuple[bytes, str], key: Ed25519PublicKey
) -> None:
    dossier, sha256 = with_a_file
    assert _files(dossier)[f"attachments/{sha256}"] == PHOTO
    assert verify(dossier, key).evidence == 5


def test_a_file_changed_or_dropped_fails_naming_its_item(
    with_a_file: tuple[bytes, str], key: Ed25519PublicKey
) -> None:
    dossier, sha256 = with_a_file
    files = _files(dossier)
    name = f"attachments/{sha256}"
    changed = bytearray(files[name])
    changed[-1] ^= 0x01
    with pytest.raises(Tampered, match=re.escape(f"{name}: its SHA-256")):
        verify(_zip({**files, name: bytes(changed)}), key)
    with pytest.raises(Tampered, match=r"evidence \d+: its file is not the one the ledger"):
        verify(_resealed({**files, name: bytes(changed)}), key)
    del files[name]
    with pytest.raises(Tampered, match=r"evidence \d+: its file attachments/\w+ is missing"):
        verify(_resealed(files), key)


def test_another_key_fails_at_the_head(dossier: bytes) -> None:
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(Tampered, match="not signed by this key"):
        verify(dossier, other)


def test_what_is_not_a_dossier_is_named(key: Ed25519PublicKey) -> None:
    with pytest.raises(Tampered, match="not a readable zip"):
        verify(b"PK\x03\x04 but no more", key)
    with pytest.raises(Tampered, match=re.escape("manifest.json: missing")):
        verify(_zip({"case.json": b"{}"}), key)


def _files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _resealed(files: dict[str, bytes]) -> bytes:
    """The files with a manifest made to match them, as a forger would."""
    manifest = json.loads(files["manifest.json"])
    manifest["files"] = {
        name: hashlib.sha256(files[name]).hexdigest() for name in manifest["files"] if name in files
    }
    return _zip({**files, "manifest.json": json.dumps(manifest).encode()})


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()
