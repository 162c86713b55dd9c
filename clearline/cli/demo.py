"""``clearline demo``: the Israel–Turkey line on a fresh database, with a scenario playing on an
accelerated clock, and who can sign in with what. It is what ``make run`` starts.

The database is made anew on every run, so that the scenario's first minutes (its first
conflict within seconds) are what a visitor sees, not what a previous run left behind. Once the
scenario's script runs out, a simulated shift (``demo.life``) answers the line and keeps daily
traffic coming; ``--until`` plays a span of demo time as fast as the machine allows, without a
server, and leaves the database behind for ``clearline serve`` or ``figures``.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection

from clearline import demo
from clearline.cli.client import fail
from clearline.cli.options import store
from clearline.clock import FixedClock, ScaledClock
from clearline.demo import scenario as scenarios
from clearline.model.errors import ClearlineError
from clearline.model.message import Precedence
from clearline.model.user import Role
from clearline.services.access import accounts
from clearline.services.line import figures
from clearline.services.record import ledger, signing
from clearline.store import agreements as agreement_store
from clearline.store import schema
from clearline.store.database import database_url
from clearline.store.writer import run_now

DEFAULT_DB = Path("var/demo.db")
UNITS_S = {"m": 60, "h": 3_600, "d": 86_400}
DURATION = re.compile(r"(\d+(?:\.\d+)?)([mhd])")
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
    shift: Annotated[
        bool,
        typer.Option(
            help="After the script, simulated duty officers answer the line and daily "
            "notices and track feeds keep coming."
        ),
    ] = True,
    seed: Annotated[int, typer.Option(help="Seed of the simulated shift's draws.")] = 0,
    until: Annotated[
        str | None,
        typer.Option(
            help="Play this much demo time (90m, 72h, 3d) as fast as possible, ending now "
            "unless --start says otherwise; print a summary and exit, leaving the database; "
            "no server."
        ),
    ] = None,
) -> None:
    """Start the demo line: Israel and Turkey over Syria, Azerbaijan mediating, a scenario
    playing at --speed times real time, users of every role; prints where to sign in.

    Example: clearline demo --speed 30 --scenario my-theatre.yaml;
    clearline demo --until 72h (three days of the line, in about a minute)
    """
    played = _scenario(scenario)
    span_s = _duration(until) if until is not None else None
    begin = _start(start, span_s or 0)
    if speed <= 0:
        fail("speed: must be positive")
    key = _fresh(db)
    tokens = run_now(store(str(db)), lambda c: _cast(c, begin), _sealer(key, begin))
    shift_seed = seed if shift else None
    if span_s is not None:
        _fast_forward(db, key, played, begin, span_s, shift_seed)
        return
    tokens_file = db.parent / "demo-tokens.json"
    tokens_file.write_text(json.dumps(tokens, indent=2) + "\n")
    tokens_file.chmod(0o600)
    _tell(host, port, played, speed, begin, tokens, tokens_file)
    _serve(db, key, played, ScaledClock(begin, speed), host, port, shift_seed)


def _scenario(path: Path | None) -> scenarios.Scenario:
    try:
        return scenarios.load(path) if path is not None else scenarios.packaged()
    except ClearlineError as exc:
        fail(f"{exc.field}: {exc.reason}")


def _start(text: str | None, span_s: float) -> datetime:
    """Where the clock starts; by default ``span_s`` ago, so that a fast-forwarded line ends
    now and ``clearline serve`` goes on from there."""
    if text is None:
        return datetime.now(UTC) - timedelta(seconds=span_s)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"start: {text!r} is not an ISO 8601 time")
    if moment.tzinfo is None:
        fail("start: needs a time zone (UTC: append Z)")
    return moment.astimezone(UTC)


def _duration(text: str) -> float:
    """``90m``, ``72h``, ``3d`` in seconds; anything else, or nothing, is one line and exit 2."""
    match = DURATION.fullmatch(text.strip())
    if match is None or float(match[1]) <= 0:
        fail(f"--until: {text!r} is not a span of demo time such as 90m, 72h or 3d")
    return float(match[1]) * UNITS_S[match[2]]


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
        (demo.user_name(party, role), Role(role), party, demo.LANGUAGE[party])
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
    shift_seed: int | None,
) -> None:
    import uvicorn

    from clearline.api.app import create_app

    app = create_app(
        database_url(str(db)), clock=clock, key=key, scenario=played, shift_seed=shift_seed
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _fast_forward(
    db: Path,
    key: Ed25519PrivateKey,
    played: scenarios.Scenario,
    begin: datetime,
    span_s: float,
    shift_seed: int | None,
) -> None:
    """Play ``span_s`` of demo time on a fixed clock stepped as fast as the machine allows,
    through the app's own start and stop, then print what the line did."""
    from clearline.api.app import create_app
    from clearline.runtime.loops import run_for

    clock = FixedClock(begin)
    app = create_app(
        database_url(str(db)),
        clock=clock,
        watch_interval_s=None,
        key=key,
        scenario=played,
        shift_seed=shift_seed,
    )

    async def run() -> Summary:
        async with app.router.lifespan_context(app):
            rt = app.state.runtime
            await run_for(rt, clock, span_s, app.state.player, app.state.life)
            return await rt.read(summary)

    typer.echo(asyncio.run(run()).text(span_s, db))


@dataclass(frozen=True)
class Summary:
    """What the demo line did, as a mediator's figures count it."""

    checks_sent: int
    """Line checks, one to each party."""
    checks_answered: int
    """Of them, acknowledged within the deadline."""
    unacknowledged: int
    median_flash_s: float | None
    notices: int
    conflicts: int

    def text(self, span_s: float, db: Path) -> str:
        answered = 100 * self.checks_answered / self.checks_sent if self.checks_sent else 0.0
        flash = "none" if self.median_flash_s is None else f"{self.median_flash_s:.0f} s"
        return "\n".join(
            (
                f"Played {span_s / 3_600:g} h of demo time.",
                f"  line checks:          {self.checks_sent} sent, {self.checks_answered} "
                f"answered in time ({answered:.1f} %)",
                f"  unacknowledged:       {self.unacknowledged} messages",
                f"  median FLASH answer:  {flash}",
                f"  notices:              {self.notices}",
                f"  conflicts:            {self.conflicts}",
                f"Database: {db} (clearline serve --db {db} serves it)",
            )
        )


def summary(connection: Connection) -> Summary:
    """The demo line's figures over the whole run, every line check counted."""
    (line,) = agreement_store.lines_of_agreements(connection, [demo.AGREEMENT_ID])
    found = figures.for_line(connection, line, recent_checks=sys.maxsize)
    return Summary(
        checks_sent=len(found.line_checks),
        checks_answered=sum(c.answer_s is not None and not c.missed for c in found.line_checks),
        unacknowledged=found.unacknowledged,
        median_flash_s=found.median_answer_s.get(Precedence.FLASH),
        notices=_count(connection, schema.notices),
        conflicts=_count(connection, schema.conflicts),
    )


def _count(connection: Connection, table: sa.Table) -> int:
    return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
