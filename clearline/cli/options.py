"""What every command shares: the common options, the CLI's clock, and admin access to the store.

Admin commands work on the store directly (set-up, export); what they record is sealed into the
ledger with the line's key like any write of the server, so the record has no gap.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from clearline.cli.client import TOKEN_HELP, URL_HELP, fail
from clearline.clock import SystemClock
from clearline.model.errors import ClearlineError
from clearline.services.record import ledger, signing
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
