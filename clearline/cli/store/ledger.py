"""``clearline ledger key`` and ``clearline ledger export``: what a node gives its parties and
auditors to check its record with (``clearline verify`` does the checking)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from clearline.cli.client import fail
from clearline.cli.options import Db, KeyFile, key_path, store
from clearline.model.errors import ClearlineError
from clearline.services.record import ledger, signing
from clearline.store import agreements as agreement_store
from clearline.store import ledger as ledger_store


def ledger_key(db: Db = None, key: KeyFile = None) -> None:
    """Print the line's public key (base64 of 32 bytes): give it to every party and auditor.

    Example: clearline ledger key --db var/demo.db
    """
    typer.echo(_public(db, key))


def ledger_export(
    party: Annotated[str, typer.Option(help="Whose view: only its payloads are written.")],
    out: Annotated[Path, typer.Option(help="File to write (JSON Lines).")],
    db: Db = None,
    key: KeyFile = None,
) -> None:
    """Write a party's view of the ledger: its own entries whole, every other as its leaf hash.

    Example: clearline ledger export --party IL --out il-ledger.jsonl
    """
    public = _public(db, key)
    engine = store(db)
    with engine.connect() as connection:
        if not agreement_store.party_exists(ledger_store.read_one_moment(connection), party):
            fail(f"party: no party with code {party!r}")
        with out.open("w") as file:
            for record in ledger.export(connection, party, public):
                file.write(json.dumps(record, separators=(",", ":")) + "\n")
    typer.echo(f"ledger of {party} written to {out}")


def _public(db: str | None, key: str | None) -> str:
    """The public half of the line's key file, or one line saying why it cannot be read."""
    try:
        return signing.public_text(signing.load_key(key_path(db, key)))
    except ClearlineError as exc:
        fail(f"{exc.field}: {exc.reason}")
