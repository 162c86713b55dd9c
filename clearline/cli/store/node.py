"""``clearline init`` and ``clearline serve``: a node's database and key, and the node itself."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from clearline import demo
from clearline.cli.client import fail
from clearline.cli.options import CLOCK, Db, KeyFile, admin, beside_database, key_path, store
from clearline.cli.store.tak import TakDir, tak_files, tak_names
from clearline.interop.tak.gateway import Settings
from clearline.model.errors import ClearlineError
from clearline.runtime import logs
from clearline.runtime.logs import LogFormat, LogLevel
from clearline.services.record import signing
from clearline.store.claim import ClaimRefused
from clearline.store.database import database_url


def init(
    db: Db = None,
    key: KeyFile = None,
    with_demo: Annotated[
        bool, typer.Option("--demo", help="Add the Israel–Turkey demo line.")
    ] = False,
) -> None:
    """Create (or upgrade) the database and the line's signing key; with --demo, add the demo
    agreement and its users.

    Example: clearline init --db var/demo.db --demo
    """
    url = database_url(db)
    store(db)
    key_file = key_path(db, key)
    if not key_file.exists():
        signing.create_key(key_file)
        typer.echo(f"line key created in {key_file} (keep it apart from the database)")
    if not with_demo:
        typer.echo(f"database ready: {url}")
        return
    tokens = admin(db, lambda c: demo.create_demo(c, CLOCK.now()))
    out = beside_database(db) / "demo-tokens.json"
    out.write_text(json.dumps(tokens, indent=2) + "\n")
    out.chmod(0o600)
    typer.echo(f"demo line {demo.AGREEMENT_ID} created in {url}")
    typer.echo(f"tokens for every demo user written to {out}")


def serve(
    db: Db = None,
    key: KeyFile = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    tak_port: Annotated[
        int | None,
        typer.Option(help="Also serve TAK (CoT over TLS, client certificates) on this port."),
    ] = None,
    tak_dir: TakDir = None,
    log_format: Annotated[
        LogFormat, typer.Option(help="text for a terminal, json for a log pipeline.")
    ] = LogFormat.TEXT,
    log_level: Annotated[
        LogLevel, typer.Option(help="The least a record must be to be logged.")
    ] = LogLevel.INFO,
) -> None:
    """Serve the line: API at /v1, OpenAPI docs at /docs; with --tak-port, the TAK gateway
    too (its authority and server certificate made in --tak-dir on first start; issue each
    user's with ``clearline tak certificate``).

    Logs one line a request (its id from X-Request-ID, or a fresh one, on every record
    logged while it is served) and what the node's loops and gateway report.

    Example: clearline serve --db var/demo.db --port 8000 --tak-port 8089 --log-format json
    """
    import uvicorn

    from clearline.api.app import create_app

    try:
        line_key = signing.load_key(key_path(db, key))
    except ClearlineError as exc:
        fail(f"{exc.field}: {exc.reason}")
    tak = None
    if tak_port is not None:
        tak = Settings(tak_port, tak_files(db, tak_dir), host=host, names=tak_names(host))
    app_ = create_app(database_url(db), key=line_key, tak=tak)
    try:  # here, not in the app's start-up, which uvicorn would report with a traceback
        app_.state.runtime.claim.take()
    except ClaimRefused as exc:
        fail(str(exc))
    logs.configure(log_format, log_level)
    uvicorn.run(app_, host=host, port=port, log_level=log_level, log_config=None, access_log=False)
