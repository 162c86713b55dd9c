"""``clearline verify``: the auditor's side, which trusts nothing but the line's public key. It
checks an export from ``ledger export`` offline, or reads a running line's ledger with a token
as any party would, and checks that the same way: the tree, and that every adopted protocol
version it shows carries every party's signature. Given an incident's dossier (a zip, from
``incident dossier``), it checks that instead: every entry under the signed head, the case's
evidence against them, and its timeline and facts computed again."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from clearline.cli.client import TOKEN_HELP, fail, request
from clearline.model.errors import ClearlineError
from clearline.model.ledger import Receipt, TreeHead
from clearline.services.incidents import audit as dossiers
from clearline.services.protocol.audit import Amendments
from clearline.services.record import audit, signing
from clearline.services.record.ledger import EXPORT_FORMAT

LARGE = 10_000
"""Logs with more entries than this get a progress bar (on stderr)."""
PAGE = 1_000


def verify(
    source: Annotated[
        Path | None,
        typer.Argument(
            help="An export from `ledger export`, or a dossier from `incident dossier`."
        ),
    ] = None,
    key: Annotated[str, typer.Option("--key", help="The line's public key (base64).")] = "",
    receipts: Annotated[
        Path | None, typer.Option(help="Folder of receipts or heads you kept (JSON files).")
    ] = None,
    url: Annotated[str | None, typer.Option(help="Check a live line instead of a file.")] = None,
    token: Annotated[str | None, typer.Option(envvar="CLEARLINE_TOKEN", help=TOKEN_HELP)] = None,
) -> None:
    """Check the ledger offline against the line's public key and what you kept, or an
    incident's dossier against the key alone; names the first entry (or file) that fails and
    exits non-zero.

    Example: clearline verify il-ledger.jsonl --key "$(cat line.pub)" --receipts receipts/
    """
    try:
        public = signing.public_key(key)
    except ClearlineError as exc:
        fail(f"{exc.field}: {exc.reason}")
    if source is not None and source.is_file() and zipfile.is_zipfile(source):
        _dossier(source, public, receipts, url)
        return
    try:
        heads, kept = audit.kept_records(_documents(receipts)) if receipts else ([], [])
    except audit.Tampered as exc:
        fail(f"receipts: {exc}")
    amendments = Amendments()
    report = _checked(_records(source, url, token), public, heads, kept, amendments)
    typer.echo(
        f"ledger verified: {report.entries} entries, {report.heads} signed heads, "
        f"{report.payloads} payloads checked against their hashes, {report.kept} kept records, "
        f"{amendments.adopted} adopted protocol versions with every party's signature"
    )


def _dossier(
    source: Path, public: Ed25519PublicKey, receipts: Path | None, url: str | None
) -> None:
    """An incident's dossier, which carries its own proofs: what it holds is checked against
    the key alone, and the first file or entry that fails is named."""
    if receipts is not None or url is not None:
        fail("source: a dossier is checked on its own, without --receipts or --url")
    try:
        checked = dossiers.verify(source.read_bytes(), public)
    except OSError as exc:
        fail(f"source: cannot read {source} ({exc.strerror or exc})")
    except audit.Tampered as exc:
        fail(f"dossier does not verify: {exc}")
    typer.echo(
        f"dossier verified: incident {checked.incident} for {checked.party}, "
        f"{checked.entries} ledger entries, {checked.evidence} evidence items, "
        f"{checked.facts} facts computed again"
    )


def _checked(
    records: Iterator[dict[str, Any]],
    public: Ed25519PublicKey,
    heads: list[TreeHead],
    kept: list[Receipt],
    amendments: Amendments,
) -> audit.Report:
    """The audit, with a progress bar on stderr for a log long enough to wait for, and the
    amendments' signatures checked as it reads."""
    with Progress(
        TextColumn("verifying"),
        BarColumn(),
        MofNCompleteColumn(),
        transient=True,
        console=Console(stderr=True),
    ) as bar:
        task = bar.add_task("entries", total=None, visible=False)

        def progress(done: int, total: int) -> None:
            if total > LARGE and done % PAGE == 0:
                bar.update(task, completed=done, total=total, visible=True)

        try:
            return audit.verify(records, public, heads, kept, progress, [amendments])
        except audit.Tampered as exc:
            fail(f"ledger does not verify: {exc}")


def _documents(folder: Path) -> Iterator[Any]:
    if not folder.is_dir():
        fail(f"receipts: {folder} is not a folder")
    for path in sorted(folder.glob("*.json")):
        try:
            yield json.loads(path.read_text())
        except ValueError:
            fail(f"receipts: {path.name} is not JSON")


def _records(source: Path | None, url: str | None, token: str | None) -> Iterator[dict[str, Any]]:
    if (source is None) == (url is None):
        fail("source: give an export file or --url, not both")
    if url is not None:
        if not token:
            fail("token: --url needs --token (or CLEARLINE_TOKEN)")
        return _live(url, token)
    assert source is not None
    if not source.is_file():
        fail(f"source: no file {source}")
    return _lines(source)


def _lines(source: Path) -> Iterator[dict[str, Any]]:
    with source.open() as lines:
        for number, line in enumerate(lines, start=1):
            try:
                yield json.loads(line)
            except ValueError:
                fail(f"source: line {number} of {source.name} is not JSON")


def _live(url: str, token: str) -> Iterator[dict[str, Any]]:
    """A live line read as if it were an export: its newest head, then its entries by pages."""
    head = request("GET", url, token, "/v1/ledger/head")
    size = head["tree_head"]["size"]
    yield {"format": EXPORT_FORMAT, "public_key": head["public_key"], "size": size}
    yield {"head": head["tree_head"]}
    for start in range(0, size, PAGE):
        page = request(
            "GET",
            url,
            token,
            "/v1/ledger/entries",
            params={"start": start, "end": min(size, start + PAGE)},
        )
        for entry in page["entries"]:
            yield {"entry": entry}
