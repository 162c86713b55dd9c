"""The dossier: a case as one reader may see it, in one file an auditor checks offline with the
line's public key alone (``services.incidents.audit``).

A zip of: ``case.json`` (the case, its evidence, timeline and facts, as the reader sees
them), ``ledger.json`` (a signed tree head, and for every evidence item and every step of the
case the reader was told of: its ledger entry, payload, salt and inclusion proof under that
head), ``attachments/<sha256>`` (each file attached that the reader may see, as kept), and
``manifest.json`` (what made it, for whom, and each file's SHA-256).

The zip is written to a file the caller gives (the API's is spooled to disk), each attached
file copied into it piece by piece: a dossier of many files is never held whole in memory.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import datetime
from typing import IO, Any

from sqlalchemy import Connection

from clearline.model.errors import conflict
from clearline.model.ledger import b64
from clearline.model.user import User
from clearline.services.incidents import attachments, incidents
from clearline.services.record import ledger
from clearline.store import blobs
from clearline.store import incidents as incident_store
from clearline.store import ledger as ledger_store

FORMAT = "clearline-dossier/1"
CASE, LEDGER, MANIFEST = "case.json", "ledger.json", "manifest.json"
ATTACHMENTS = "attachments/"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every member dated the same, so that the same case gives the same bytes."""


def dossier(
    connection: Connection,
    user: User,
    incident_id: int,
    public_key: str,
    now: datetime,
    out: IO[bytes],
) -> None:
    """The dossier of a case, for the user's party, written to ``out``."""
    ledger_store.read_one_moment(connection)
    view = incidents.case(connection, user, incident_id)
    steps = incident_store.case_events(connection, view.incident, user.party)
    payloads = {item.seq: item.payload for item in view.evidence} | steps
    head = ledger.head(connection)
    leaves = ledger_store.of_events(connection, sorted(payloads))
    missing = sorted(set(payloads) - set(leaves))
    if missing:
        raise conflict("id", f"event {missing[0]} is not sealed on the ledger yet: ask again")
    entries = [
        {
            "seq": seq,
            "index": leaf.index,
            "envelope": leaf.envelope,
            "leaf_hash": b64(leaf.leaf_hash),
            "salt": b64(leaf.salt),
            "payload": payloads[seq],
            "proof": ledger.inclusion(connection, leaf.index, head.size),
        }
        for seq, leaf in sorted(leaves.items())
    ]
    documents = {
        CASE: _json(view.model_dump(mode="json")),
        LEDGER: _json({"head": head.model_dump(mode="json"), "entries": entries}),
    }
    kept = attachments.of_case(view.evidence)
    files = {ATTACHMENTS + item.payload["attachment"]["sha256"] for item in kept}
    hashes = {name: hashlib.sha256(data).hexdigest() for name, data in documents.items()}
    manifest = {
        "format": FORMAT,
        "incident": incident_id,
        "party": user.party,
        "public_key": public_key,
        "made_at": now.isoformat(),
        "files": hashes | {name: name.removeprefix(ATTACHMENTS) for name in sorted(files)},
    }
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in {MANIFEST: _json(manifest), **documents}.items():
            archive.writestr(zipfile.ZipInfo(name, _ZIP_TIME), data, zipfile.ZIP_DEFLATED)
        for name in sorted(files):
            _copy(connection, archive, name)


def _copy(connection: Connection, archive: zipfile.ZipFile, name: str) -> None:
    """A kept file into the archive piece by piece, stored as it is: photos and PDFs are
    compressed already, and a file is never held whole."""
    sha256 = name.removeprefix(ATTACHMENTS)
    with archive.open(zipfile.ZipInfo(name, _ZIP_TIME), "w") as member:
        for n in range(blobs.pieces(connection, sha256)):
            member.write(blobs.piece(connection, sha256, n))


def _json(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True).encode()
