"""``clearline token issue|list|revoke``: API tokens over the line, for yourself or (a liaison
officer) your party's users and systems. A token is named by the first 16 hex digits of its
SHA-256 (``list`` shows them); its secret is printed once, when issued."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from clearline.cli.client import DEFAULT_URL, request, without_none
from clearline.cli.options import Token, Url
from clearline.cli.printable import printable, row, show
from clearline.model.token import TokenScope

TOKENS = "/v1/tokens"


def token_issue(
    label: Annotated[str, typer.Option("--label", help="What the token is for.")],
    token: Token,
    scope: Annotated[
        TokenScope, typer.Option("--scope", help="full, read (GET only) or tracks (ingest only).")
    ] = TokenScope.FULL,
    expires: Annotated[
        datetime | None,
        typer.Option("--expires", help="When it stops working (UTC); never if left out."),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="A user of your party; yourself if left out.")
    ] = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Issue an API token and print it: the only time it is shown.

    Example: clearline token issue --label "radar feed" --scope tracks --user il-system
    """
    body = without_none(
        {
            "label": label,
            "scope": scope,
            "expires_at": _utc(expires),
            "user": user,
        }
    )
    issued = request("POST", url, token, TOKENS, json=body)
    kept = issued["issued"]
    until = kept["expires_at"] or "never"
    typer.echo(
        f"token {kept['id']} for {kept['user']} ({kept['scope']}), expires {until}; "
        "shown once, keep it now:",
        err=True,
    )
    typer.echo(issued["token"])


def token_list(token: Token, url: Url = DEFAULT_URL) -> None:
    """Your tokens; a liaison officer's, every token of its party's users.

    Example: clearline token list
    """
    found = request("GET", url, token, TOKENS)["tokens"]
    table = Table("id", "user", "label", "scope", "created", "expires", "revoked")
    for kept in found:
        revoked = f"{kept['revoked_at']} by {kept['revoked_by']}" if kept["revoked_at"] else "-"
        table.add_row(
            *row(
                kept["id"],
                kept["user"],
                kept["label"],
                kept["scope"],
                kept["created_at"],
                kept["expires_at"] or "never",
                revoked,
            )
        )
    show(table)


def token_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id, as `list` shows it.")],
    token: Token,
    url: Url = DEFAULT_URL,
) -> None:
    """Revoke a token at once: refused from its next request on, its open stream closed.

    Example: clearline token revoke 3f2a9c0d1e4b5a67
    """
    revoked = request("DELETE", url, token, f"{TOKENS}/{token_id}")
    typer.echo(
        f"token {revoked['id']} of {printable(revoked['user'])} revoked at {revoked['revoked_at']}"
    )


def _utc(moment: datetime | None) -> str | None:
    """Typer's datetimes come naive; the line's times are UTC."""
    if moment is None:
        return None
    return moment.isoformat() + "Z" if moment.tzinfo is None else moment.isoformat()
