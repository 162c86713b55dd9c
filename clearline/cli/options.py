"""What every command shares: the common options, the CLI's clock, the JSON files commands
read, and admin access to the store.

Commands on the node's database work on the store directly (set-up, export); what they record
is sealed into the ledger with the line's key like any write of the server, so the record has
no gap.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from clearline.cli.client import TOKEN_HELP, URL_HELP, fail
from clearline.clock import SystemClock
from clearline.model.errors import ClearlineError, invalid
from clearline.services.record import ledger, signing
from clearline.store import agreements as agreement_store
from clearline.store.database import create_engine, database_url, migrate, sqlite_path
from clearline.store.writer import run_now

Db = Annotated[
    str | None, typer.Option("--db", help="SQLite path or postgresql:// URL (env CLEARLINE_DB).")
]
KeyFile = Annotated[
    str | None,
    typer.Option(
        "--key",
        help="The line's private key file (env CLEARLINE_KEY; default line.key "
        "beside the database).",
    ),
]
Url = Annotated[str, typer.Option("--url", envvar="CLEARLINE_URL", help=URL_HELP)]
Token = Annotated[str, typer.Option("--token", envvar="CLEARLINE_TOKEN", help=TOKEN_HELP)]
InAgreement = Annotated[
    str | None,
    typer.Option("--agreement", help="Needed only where your party is in several agreements."),
]
IdempotencyKey = Annotated[
    str | None, typer.Option("--key", help="Idempotency key; a fresh one by default.")
]
CLOCK = SystemClock()


def store(db: str | None) -> Engine:
    engine = create_engine(database_url(db))
    migrate(engine)
    return engine


def admin(db: str | None, operation: Any, key: str | None = None, sealed: bool = False) -> Any:
    """Run an admin operation on the store; a refusal is one line on stderr and exit 2.

    ``sealed``: the operation records events, which go into the ledger in its transaction,
    signed with the line's key (``key``, or the default beside the database).
    """
    try:
        seal = None
        if sealed:
            line_key = signing.load_key(key_path(db, key))

            def seal(connection: Connection, events: Any) -> Any:
                return ledger.seal(connection, events, line_key, CLOCK.now())

        return run_now(store(db), operation, seal)
    except ClearlineError as exc:
        fail(f"{exc.field}: {exc.reason}")


def beside_database(db: str | None) -> Path:
    """Where files that go with a database live: its folder for SQLite, here otherwise."""
    path = sqlite_path(database_url(db))
    return path.parent if path else Path.cwd()


def key_path(db: str | None, key: str | None) -> Path:
    return Path(key or os.environ.get("CLEARLINE_KEY") or beside_database(db) / "line.key")


def read_json(path: Path, field: str) -> Any:
    """A JSON file, or one line naming it; typer has already checked that it exists."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{field}: cannot read {path} ({exc})")
    except json.JSONDecodeError as exc:
        fail(f"{field}: {path} is not JSON ({exc.msg} at line {exc.lineno})")


def read_document(path: Path) -> dict[str, Any]:
    """A JSON or YAML mapping (YAML reads JSON too), as JSON would carry it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"file: cannot read {path} ({exc.strerror or exc})")
    except UnicodeDecodeError:
        fail(f"file: {path} is not UTF-8 text")
    try:
        found = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        fail(f"file: {path} is not JSON or YAML ({getattr(exc, 'problem', None) or exc}{where})")
    if not isinstance(found, dict):
        fail(f"file: {path} holds no mapping of rules")
    try:
        carried: dict[str, Any] = json.loads(json.dumps(found))
    except (TypeError, ValueError) as exc:
        fail(f"file: {path} holds a value JSON cannot carry ({exc})")
    return carried


def known(connection: Connection, agreement_id: str) -> None:
    """A mistyped agreement is refused, not taken for one without zones or notices."""
    if not agreement_store.agreement_exists(connection, agreement_id):
        raise invalid("agreement", f"no agreement {agreement_id!r}")


def new_password() -> str:
    """Asked twice, never echoed; or CLEARLINE_PASSWORD, for scripts."""
    given = os.environ.get("CLEARLINE_PASSWORD")
    if given is not None:
        return given
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
