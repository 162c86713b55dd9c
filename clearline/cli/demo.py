"""``clearline demo``: the Israel–Turkey line on a fresh database, with a scenario playing on an
accelerated clock, and who can sign in with what. It is what ``make run`` starts.

The database is made anew on every run, so that the scenario's first minutes (its first
conflict within seconds) are what a visitor sees, not what a previous run left behind.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection

from clearline import demo
from clearline.cli.client import fail
from clearline.cli.options import store
from clearline.clock import ScaledClock
from clearline.demo import scenario as scenarios
from clearline.model.errors import ClearlineError
from clearline.model.user import Role
from clearline.services import accounts
from clearline.services.record import ledger, signing
from clearline.store.database import database_url
from clearline.store.writer import run_now

DEFAULT_DB = Path("var/demo.db")
PASSWORD_SUFFIX = "-demo"
"""Every demo user's password is their name and this: a demo, not a secret."""


def demo_command(
    db: Annotated[
        Path,
        typer.Option("--db", help="SQLite file for the demo; deleted and made anew on every run."),
    ] = DEFAULT_DB,
    speed: Annotated[
        float, typer.Option(help="How many times faster than real time the line's clock runs.")
    ] = 10.0,
    scenario: Annotated[
        Path | None,
        typer.Option(help="A scenario file (JSON or YAML); default: the packaged Syria one."),
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    start: Annotated[
        str | None,
        typer.Option(help="Where the clock starts, ISO 8601 with a zone; default: now."),
    ] = None,
) -> None:
    """Start the demo line: Israel and Turkey over Syria, Azerbaijan mediating, a scenario
    playing at --speed times real time, users of every role; prints where to sign in.

    Example: clearline demo --speed 30 --scenario my-theatre.yaml
    """
    played = _scenario(scenario)
    begin = _start(start)
    if speed <= 0:
        fail("speed: must be positive")
    key = _fresh(db)
    tokens = run_now(store(str(db)), lambda c: _cast(c, begin), _sealer(key, begin))
    tokens_file = db.parent / "demo-tokens.json"
    tokens_file.write_text(json.dumps(tokens, indent=2) + "\n")
    tokens_file.chmod(0o600)
    _tell(host, port, played, speed, begin, tokens, tokens_file)
    _serve(db, key, played, ScaledClock(begin, speed), host, port)


def _scenario(path: Path | None) -> scenarios.Scenario:
    try:
        return scenarios.load(path) if path is not None else scenarios.packaged()
    except ClearlineError as exc:
        fail(f"{exc.field}: {exc.reason}")


def _start(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"start: {text!r} is not an ISO 8601 time")
    if moment.tzinfo is None:
        fail("start: needs a time zone (UTC: append Z)")
    return moment.astimezone(UTC)


def _fresh(db: Path) -> Ed25519PrivateKey:
    """Delete the previous demo beside ``db`` (database, its journals, key, tokens) and make
    the line's key anew."""
    db.parent.mkdir(parents=True, exist_ok=True)
    for path in (
        db,
        *(db.with_name(db.name + suffix) for suffix in ("-wal", "-shm", "-journal")),
        db.parent / "line.key",
        db.parent / "demo-tokens.json",
    ):
        path.unlink(missing_ok=True)
    return signing.create_key(db.parent / "line.key")


def _sealer(key: Ed25519PrivateKey, now: datetime) -> Any:
    def seal(connection: Connection, events: Any) -> Any:
        return ledger.seal(connection, events, key, now)

    return seal


def _cast(connection: Connection, now: datetime) -> demo.Tokens:
    """The demo agreement and its users, each with a token and the password ``_password``."""
    tokens = demo.create_demo(connection, now)
    for name, *_ in _users(tokens):
        accounts.set_password(connection, name, _password(name))
    return tokens


def _users(tokens: demo.Tokens) -> list[tuple[str, str, str, str]]:
    """Name, role, party and language of every demo user, as ``create_demo`` names them."""
    return [
        (f"{party.lower()}-{role.replace('_', '-')}", Role(role), party, demo.LANGUAGE[party])
        for party, roles in tokens.items()
        for role in roles
    ]


def _password(name: str) -> str:
    return name + PASSWORD_SUFFIX


def _tell(
    host: str,
    port: int,
    played: scenarios.Scenario,
    speed: float,
    begin: datetime,
    tokens: demo.Tokens,
    tokens_file: Path,
) -> None:
    typer.echo(
        f"Clearline demo: {demo.AGREEMENT_ID}, scenario {played.name!r} at {speed:g}x real time "
        f"from {begin.isoformat(timespec='seconds')}"
    )
    typer.echo(f"Sign in at http://{host}:{port}/ (API docs at /docs) as any of:\n")
    rows: list[tuple[str, ...]] = [("user", "password", "role", "party", "language")]
    rows += [(name, _password(name), *rest) for name, *rest in _users(tokens)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        cells = (value.ljust(width) for value, width in zip(row, widths, strict=True))
        typer.echo(("  " + "  ".join(cells)).rstrip())
    typer.echo(f"\nAPI tokens of every user: {tokens_file}")


def _serve(
    db: Path,
    key: Ed25519PrivateKey,
    played: scenarios.Scenario,
    clock: ScaledClock,
    host: str,
    port: int,
) -> None:
    import uvicorn

    from clearline.api.app import create_app

    app = create_app(database_url(str(db)), clock=clock, key=key, scenario=played)
    uvicorn.run(app, host=host, port=port, log_level="warning")
