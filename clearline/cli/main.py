"""``clearline``: set up a line, serve it, and stand a watch on it from a terminal."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from collections.abc import Sequence
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Connection
from typer._click.exceptions import ClickException, NoArgsIsHelpError  # typer bundles click
from typer.core import TyperGroup
from typer.exceptions import Abort

from clearline import demo
from clearline.cli.client import DEFAULT_URL, TOKEN_HELP, fail, request
from clearline.cli.demo import demo_command
from clearline.cli.options import (
    CLOCK,
    Db,
    KeyFile,
    Token,
    Url,
    admin,
    beside_database,
    key_path,
    store,
)
from clearline.cli.printable import row
from clearline.cli.replay import replay_command
from clearline.cli.theatre import conflicts_app, notice_app, position_app, zone_app
from clearline.model.agreement import Party
from clearline.model.errors import ClearlineError
from clearline.model.message import SYSTEM_TYPES, MessageType, Precedence
from clearline.model.user import Language, Role, User
from clearline.services import accounts, agreements
from clearline.services.record import ledger, signing
from clearline.store import agreements as agreement_store
from clearline.store import ledger as ledger_store
from clearline.store.claim import ClaimRefused
from clearline.store.database import database_url


class _OneLineErrors(TyperGroup):
    """Usage errors as one line on stderr, like every other refusal of the CLI.

    Click prints a usage block, a hint and a framed message; a script calling ``clearline``
    wants one line it can log. Help asked for (or no arguments) still prints in full.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        run = partial(
            super().main, args, prog_name, complete_var, False, windows_expand_args, **extra
        )
        if not standalone_mode:
            return run()
        try:
            code = run()
        except NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except ClickException as exc:
            typer.echo(f"error: {' '.join(exc.format_message().split())}", err=True)
            sys.exit(exc.exit_code)
        except Abort:
            typer.echo("error: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=_OneLineErrors,
    help="Clearline: a deconfliction line between forces that share a theatre.\n\n"
    "Example: clearline init --demo && clearline serve",
    no_args_is_help=True,
)
user_app = typer.Typer(help="Manage users.", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
agreement_app = typer.Typer(help="Manage agreements.", no_args_is_help=True)
line_app = typer.Typer(help="See and change the state of your lines.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(agreement_app, name="agreement")
app.add_typer(line_app, name="line")
ledger_app = typer.Typer(help="The line's signed, tamper-evident record.", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")
app.add_typer(notice_app, name="notice")
app.add_typer(zone_app, name="zone")
app.add_typer(position_app, name="position")
app.add_typer(conflicts_app, name="conflicts")
app.command("replay")(replay_command)
app.command("demo")(demo_command)

SendableType = StrEnum(  # type: ignore[misc]
    "SendableType", {t.name: t.value for t in MessageType if t not in SYSTEM_TYPES}
)
"""The types a party may send: the line's own alerts are not offered."""

console = Console()


@app.command()
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


@app.command()
def serve(
    db: Db = None,
    key: KeyFile = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the line: API at /v1, OpenAPI docs at /docs.

    Example: clearline serve --db var/demo.db --port 8000
    """
    import uvicorn

    from clearline.api.app import create_app

    try:
        line_key = signing.load_key(key_path(db, key))
    except ClearlineError as exc:
        fail(f"{exc.field}: {exc.reason}")
    app_ = create_app(database_url(db), key=line_key)
    try:  # here, not in the app's start-up, which uvicorn would report with a traceback
        app_.state.runtime.claim.take()
    except ClaimRefused as exc:
        fail(str(exc))
    uvicorn.run(app_, host=host, port=port, log_level="warning")


@agreement_app.command("create")
def agreement_create(
    agreement_id: Annotated[str, typer.Argument(help="Short id, e.g. il-ru-syria.")],
    name: Annotated[str, typer.Option(help="Full name of the agreement.")],
    party: Annotated[list[str], typer.Option(help="CODE=Name, once per party.")],
    mediator: Annotated[list[str] | None, typer.Option(help="CODE=Name of a mediator.")] = None,
    db: Db = None,
) -> None:
    """Create an agreement with its parties, protocol v1 and a line between each pair.

    Example: clearline agreement create il-ru --name "Israel–Russia"
    --party IL=Israel --party RU=Russia
    """
    parties = [_party(p) for p in party]
    mediators = [_party(m) for m in mediator or []]
    admin(
        db,
        lambda c: agreements.create_agreement(
            c, agreement_id, name, parties, mediators, CLOCK.now()
        ),
    )
    typer.echo(f"agreement {agreement_id} created")


@user_app.command("add")
def user_add(
    name: str,
    party: Annotated[str, typer.Option(help="Party code, e.g. IL.")],
    role: Annotated[Role, typer.Option(help="What the user does on the line.")],
    language: Annotated[
        Language, typer.Option(help="Language the line speaks to them.")
    ] = Language.EN,
    password: Annotated[
        bool, typer.Option("--password", help="Ask for a password to sign in to the console.")
    ] = False,
    db: Db = None,
) -> None:
    """Add a user of a party; with --password, one who signs in to the console.

    Example: clearline user add il-duty-2 --party IL --role duty_officer --language he --password
    """
    secret = _new_password() if password else None

    def add(connection: Connection) -> User:
        user = accounts.add_user(connection, name, party, role, language, CLOCK.now())
        if secret is not None:
            accounts.set_password(connection, name, secret)
        return user

    user = admin(db, add)
    typer.echo(f"user {user.name} (id {user.id}) added: {user.role} of {user.party}")


@user_app.command("password")
def user_password(
    name: Annotated[str, typer.Argument(help="User name.")],
    db: Db = None,
) -> None:
    """Set the password a user signs in to the console with (hashed with argon2).

    Example: clearline user password il-duty-officer
    """
    secret = _new_password()
    admin(db, lambda c: accounts.set_password(c, name, secret))
    typer.echo(f"password of {name} set")


def _new_password() -> str:
    """Asked twice, never echoed; or CLEARLINE_PASSWORD, for scripts."""
    given = os.environ.get("CLEARLINE_PASSWORD")
    if given is not None:
        return given
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Argument(help="User name.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    db: Db = None,
) -> None:
    """Create an API token for a user and print it (the only time it is shown).

    Example: clearline token create il-duty-officer --label console
    """
    typer.echo(admin(db, lambda c: accounts.create_token(c, user, label, CLOCK.now())))


@app.command()
def send(
    to: Annotated[str, typer.Option(help="Receiving party code.")],
    type: Annotated[SendableType, typer.Option(help="Message type.")],
    precedence: Annotated[Precedence, typer.Option(help="FLASH, IMMEDIATE, PRIORITY, ROUTINE.")],
    token: Token,
    body: Annotated[str, typer.Option(help="The typed body as JSON.")] = "{}",
    free_text: Annotated[
        str | None, typer.Option(help="Text shown as written, untranslated.")
    ] = None,
    reply_to: Annotated[int | None, typer.Option(help="Id of the message this answers.")] = None,
    key: Annotated[
        str | None, typer.Option(help="Idempotency key; a fresh one by default.")
    ] = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Send a message; prints its id and state once the line has it on disk.

    Example: clearline send --to IL --type warning --precedence FLASH
    --body '{"hazard": "air_strike", "location": {"lat": 34.55, "lon": 38.28}, "radius_m": 20000}'
    """
    try:
        parsed = json.loads(body)
    except json.JSONDecodeError as exc:
        fail(f"body: not JSON ({exc.msg})")
    payload = {
        "to": to,
        "type": type,
        "precedence": precedence,
        "body": parsed,
        "free_text": free_text,
        "in_reply_to": reply_to,
    }
    message = request(
        "POST",
        url,
        token,
        "/v1/messages",
        json=payload,
        headers={"Idempotency-Key": key or str(uuid.uuid4())},
    )
    typer.echo(f"message {message['id']} to {to}: {message['recipients'][0]['state']}")


@app.command()
def inbox(
    token: Token,
    box: Annotated[str, typer.Option(help="inbox, outbox or all.")] = "inbox",
    state: Annotated[str | None, typer.Option(help="e.g. sent, escalated, overdue.")] = None,
    lang: Annotated[Language | None, typer.Option(help="Render in this language.")] = None,
    url: Url = DEFAULT_URL,
) -> None:
    """List your party's messages, newest first.

    Example: clearline inbox --state escalated
    """
    params = {k: v for k, v in {"box": box, "state": state, "lang": lang}.items() if v}
    found = request("GET", url, token, "/v1/messages", params=params)["messages"]
    table = Table("id", "prec", "from", "to", "type", "state", "time (DTG)", "text")
    for m in found:
        text = m["rendered"]["title"] + ": " + m["rendered"]["text"]
        if m["free_text"]:
            text += f" [{m['rendered']['free_text_label']}] {m['free_text']}"
        state_of = m["state"] or ",".join(f"{r['party']}:{r['state']}" for r in m["recipients"])
        table.add_row(
            *row(
                str(m["id"]),
                m["precedence"],
                m["sender_party"] or "line",
                ",".join(m["to"]),
                m["type"],
                state_of,
                m["created_dtg"],
                text,
            )
        )
    console.print(table)


@app.command()
def ack(
    message_id: Annotated[int, typer.Argument(help="Id of the message you have read.")],
    token: Token,
    url: Url = DEFAULT_URL,
) -> None:
    """Acknowledge a message: tell the sender a human has read it.

    Example: clearline ack 42
    """
    message = request("POST", url, token, f"/v1/messages/{message_id}/ack")
    typer.echo(f"message {message['id']}: {message['state']}")


@app.command()
def tail(
    token: Token,
    since: Annotated[int, typer.Option(help="Last sequence number already seen.")] = 0,
    state_file: Annotated[
        Path | None, typer.Option(help="Keep the last sequence number here and resume from it.")
    ] = None,
    count: Annotated[int | None, typer.Option(help="Stop after this many events.")] = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Follow the line's events live, resuming after a drop without gap or duplicate.

    Example: clearline tail --state-file ~/.clearline-tail
    """
    from clearline.cli.follow import follow

    if state_file is not None and state_file.exists():
        since = int(state_file.read_text().strip() or 0)
    asyncio.run(follow(url, token, since, state_file, count))


@line_app.command("list")
def line_list(token: Token, url: Url = DEFAULT_URL) -> None:
    """Show your lines, their state and figures.

    Example: clearline line list
    """
    table = Table("line", "agreement", "state", "since", "reason", "acknowledged", "overdue")
    for entry in request("GET", url, token, "/v1/lines"):
        line, figures = entry["line"], entry["figures"]
        table.add_row(
            *row(
                f"{line['party_a']}–{line['party_b']}",
                line["agreement_id"],
                line["state"],
                line["changed_at"],
                line["reason"] or "",
                str(figures["acknowledged"]),
                str(figures["overdue"]),
            )
        )
    console.print(table)


@line_app.command("suspend")
def line_suspend(
    party: Annotated[str, typer.Argument(help="The other party of the line.")],
    reason: Annotated[str, typer.Option(help="Why; it goes on the record.")],
    token: Token,
    url: Url = DEFAULT_URL,
) -> None:
    """Suspend your line with PARTY (liaison officers).

    Example: clearline line suspend TR --reason "talks broken off"
    """
    line = request("POST", url, token, f"/v1/lines/{party}/suspend", json={"reason": reason})
    typer.echo(f"line {line['party_a']}–{line['party_b']}: {line['state']}")


@line_app.command("restore")
def line_restore(
    party: Annotated[str, typer.Argument(help="The other party of the line.")],
    token: Token,
    url: Url = DEFAULT_URL,
) -> None:
    """Restore your line with PARTY; held messages are delivered.

    Example: clearline line restore TR
    """
    line = request("POST", url, token, f"/v1/lines/{party}/restore")
    typer.echo(f"line {line['party_a']}–{line['party_b']}: {line['state']}")


@ledger_app.command("key")
def ledger_key(db: Db = None, key: KeyFile = None) -> None:
    """Print the line's public key (base64 of 32 bytes): give it to every party and auditor.

    Example: clearline ledger key --db var/demo.db
    """
    try:
        typer.echo(signing.public_text(signing.load_key(key_path(db, key))))
    except ClearlineError as exc:
        fail(f"{exc.field}: {exc.reason}")


@ledger_app.command("export")
def ledger_export(
    party: Annotated[str, typer.Option(help="Whose view: only its payloads are written.")],
    out: Annotated[Path, typer.Option(help="File to write (JSON Lines).")],
    db: Db = None,
    key: KeyFile = None,
) -> None:
    """Write a party's view of the ledger: its own entries whole, every other as its leaf hash.

    Example: clearline ledger export --party IL --out il-ledger.jsonl
    """
    try:
        public = signing.public_text(signing.load_key(key_path(db, key)))
    except ClearlineError as exc:
        fail(f"{exc.field}: {exc.reason}")
    engine = store(db)
    with engine.connect() as connection:
        if not agreement_store.party_exists(ledger_store.read_one_moment(connection), party):
            fail(f"party: no party with code {party!r}")
        with out.open("w") as file:
            for record in ledger.export(connection, party, public):
                file.write(json.dumps(record, separators=(",", ":")) + "\n")
    typer.echo(f"ledger of {party} written to {out}")


@app.command()
def verify(
    source: Annotated[Path | None, typer.Argument(help="An export from `ledger export`.")] = None,
    key: Annotated[str, typer.Option("--key", help="The line's public key (base64).")] = "",
    receipts: Annotated[
        Path | None, typer.Option(help="Folder of receipts or heads you kept (JSON files).")
    ] = None,
    url: Annotated[str | None, typer.Option(help="Check a live line instead of a file.")] = None,
    token: Annotated[str | None, typer.Option(envvar="CLEARLINE_TOKEN", help=TOKEN_HELP)] = None,
) -> None:
    """Check the ledger offline against the line's public key and what you kept; names the first
    entry that fails and exits non-zero.

    Example: clearline verify il-ledger.jsonl --key "$(cat line.pub)" --receipts receipts/
    """
    from clearline.cli.verifying import run_verify

    run_verify(source, key, receipts, url, token)


def _party(spec: str) -> Party:
    code, _, name = spec.partition("=")
    try:
        return Party(code=code.strip(), name=name.strip() or code.strip())
    except ValueError:
        fail(f"party: {spec!r} is not CODE=Name with a 2-3 letter upper-case code")
