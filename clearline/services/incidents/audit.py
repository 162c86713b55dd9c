"""Checking a dossier offline, trusting nothing but the line's public key.

The head must carry the line's signature; every entry must hash to its leaf, its payload to the
hash its envelope holds, and its proof must lead to the head's root; every evidence item of the
case must be such an entry, as recorded; the case must be the one the last step the reader was
told of recorded; and the timeline and facts must be what that evidence gives, computed again
here; and every file attached must be the one its item's hash names. The first thing that
fails is named: a file, or an entry by its sequence number.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError

from clearline.model.event import EventType
from clearline.model.incident import CaseView
from clearline.model.ledger import Envelope, TreeHead, unb64
from clearline.services.incidents.attachments import of_case
from clearline.services.incidents.dossier import ATTACHMENTS, CASE, FORMAT, LEDGER, MANIFEST
from clearline.services.incidents.facts import facts
from clearline.services.incidents.timeline import timeline
from clearline.services.record import merkle, signing
from clearline.services.record.audit import Tampered
from clearline.services.record.ledger import payload_sha256

STEPS = (EventType.INCIDENT_FILED, EventType.INCIDENT_CHANGED)


@dataclass(frozen=True)
class Checked:
    incident: int
    party: str
    entries: int
    evidence: int
    facts: int


def verify(data: bytes, public: Ed25519PublicKey) -> Checked:
    """The dossier's checks, in order; a document missing a part it must have is named as
    malformed, never a crash."""
    try:
        return _verify(data, public)
    except (KeyError, TypeError, AttributeError) as exc:
        raise Tampered(f"dossier: malformed ({exc.__class__.__name__}: {exc})") from None


def _verify(data: bytes, public: Ed25519PublicKey) -> Checked:
    files = _files(data)
    manifest = _document(files, MANIFEST)
    if manifest.get("format") != FORMAT:
        raise Tampered(f"{MANIFEST}: not a {FORMAT} dossier")
    for name, digest in manifest["files"].items():
        if name not in files or hashlib.sha256(files[name]).hexdigest() != digest:
            raise Tampered(f"{name}: its SHA-256 is not the one the manifest gives")
    record = _document(files, LEDGER)
    head = _head(record, public)
    entries = {entry["seq"]: _entry(entry, head) for entry in record["entries"]}
    payloads = {entry["seq"]: entry["payload"] for entry in record["entries"]}
    try:
        view = CaseView.model_validate(_document(files, CASE))
    except ValidationError as exc:
        raise Tampered(f"{CASE}: {exc.errors()[0]['msg']}") from None
    for item in view.evidence:
        envelope = entries.get(item.seq)
        if envelope is None:
            raise Tampered(f"evidence {item.seq}: no ledger entry in the dossier")
        recorded = (envelope.type, envelope.time, envelope.parties)
        if recorded != (item.type, item.time, item.audience):
            raise Tampered(f"evidence {item.seq}: not the event its ledger entry records")
        if payloads[item.seq] != item.payload:
            raise Tampered(f"evidence {item.seq}: its payload is not the one on the ledger")
    _case(view, payloads, entries)
    _attachments(view, files)
    return Checked(
        incident=view.incident.id,
        party=manifest["party"],
        entries=len(entries),
        evidence=len(view.evidence),
        facts=len(view.facts),
    )


def _case(view: CaseView, payloads: dict[int, Any], entries: dict[int, Envelope]) -> None:
    steps = [seq for seq, e in sorted(entries.items()) if e.type in STEPS]
    if not steps:
        raise Tampered(f"{LEDGER}: no step of the case is in the dossier")
    last = payloads[steps[-1]]
    if last["incident"] != view.incident.model_dump(mode="json"):
        raise Tampered(f"case: not the case its last step (event {steps[-1]}) recorded")
    _as_recorded([item.seq for item in view.evidence], last["evidence"], steps[-1])
    evidence = list(view.evidence)
    if list(view.timeline) != timeline(view.incident, evidence):
        raise Tampered("timeline: not the one the evidence gives")
    computed = facts(view.incident, evidence)
    for n, (given, made) in enumerate(zip(view.facts, computed, strict=False)):
        if given != made:
            raise Tampered(f"facts.{n}: not what the evidence gives ({made.text})")
    if len(view.facts) != len(computed):
        raise Tampered(f"facts: {len(view.facts)} given, the evidence gives {len(computed)}")


def _attachments(view: CaseView, files: dict[str, bytes]) -> None:
    """Each file is the one whose hash its item put on the ledger (checked above)."""
    for item in of_case(view.evidence):
        sha256 = item.payload["attachment"]["sha256"]
        data = files.get(ATTACHMENTS + sha256)
        if data is None:
            raise Tampered(f"evidence {item.seq}: its file {ATTACHMENTS + sha256} is missing")
        if hashlib.sha256(data).hexdigest() != sha256:
            raise Tampered(f"evidence {item.seq}: its file is not the one the ledger records")


def _as_recorded(given: list[int], recorded: list[int], step: int) -> None:
    """The evidence is what the last step said the reader sees: none left out, none added."""
    left_out = sorted(set(recorded) - set(given))
    if left_out:
        raise Tampered(f"evidence {left_out[0]}: left out (event {step} lists it)")
    if sorted(given) != sorted(recorded):
        added = sorted(set(given) - set(recorded)) or given
        raise Tampered(f"evidence {added[0]}: not among what event {step} lists")


def _entry(entry: dict[str, Any], head: TreeHead) -> Envelope:
    seq = entry.get("seq")
    try:
        leaf = entry["envelope"].encode()
        envelope = Envelope.model_validate_json(leaf)
        digest = merkle.leaf_hash(leaf)
        if unb64(entry["leaf_hash"]) != digest:
            raise Tampered(f"entry {seq}: its leaf hash is not its envelope's")
        if envelope.seq != seq:
            raise Tampered(f"entry {seq}: its envelope is of event {envelope.seq}")
        if payload_sha256(unb64(entry["salt"]), entry["payload"]) != envelope.payload_sha256:
            raise Tampered(f"entry {seq}: its payload is not the one its envelope hashes")
        proof = [unb64(p) for p in entry["proof"]]
        merkle.verify_inclusion(entry["index"], head.size, digest, proof, unb64(head.root))
    except merkle.ProofError as exc:
        raise Tampered(f"entry {seq}: {exc}") from None
    except (KeyError, TypeError, ValueError, ValidationError) as exc:
        raise Tampered(f"entry {seq}: malformed ({exc.__class__.__name__})") from None
    return envelope


def _head(record: dict[str, Any], public: Ed25519PublicKey) -> TreeHead:
    try:
        head = TreeHead.model_validate(record["head"])
    except (KeyError, ValidationError):
        raise Tampered(f"{LEDGER}: no tree head") from None
    if not signing.verify(public, head):
        raise Tampered(f"{LEDGER}: the tree head is not signed by this key")
    return head


def _files(data: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as exc:
        raise Tampered(f"dossier: not a readable zip ({exc})") from None


def _document(files: dict[str, bytes], name: str) -> dict[str, Any]:
    if name not in files:
        raise Tampered(f"{name}: missing")
    try:
        document = json.loads(files[name])
    except ValueError:
        raise Tampered(f"{name}: not JSON") from None
    if not isinstance(document, dict):
        raise Tampered(f"{name}: not a JSON object")
    return document
