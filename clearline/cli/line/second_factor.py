"""``clearline second-factor enrol|confirm|remove``: a TOTP second factor for your console
sign-in, over the line with your token; a liaison officer removes a lost phone's."""

from __future__ import annotations

from typing import Annotated

import typer

from clearline.cli.client import DEFAULT_URL, request
from clearline.cli.options import Token, Url
from clearline.cli.printable import printable

MINE = "/v1/me/second-factor"


def second_factor_enrol(token: Token, url: Url = DEFAULT_URL) -> None:
    """Begin a second factor: prints the secret and its otpauth:// URI, this once, for your
    authenticator; then confirm it with a code.

    Example: clearline second-factor enrol
    """
    found = request("POST", url, token, MINE)
    typer.echo(f"secret {found['secret']}")
    typer.echo(f"uri {found['uri']}")
    typer.echo("put it in your authenticator, then: clearline second-factor confirm CODE")


def second_factor_confirm(
    code: Annotated[str, typer.Argument(help="The 6 digits your authenticator shows now.")],
    token: Token,
    url: Url = DEFAULT_URL,
) -> None:
    """Confirm the secret with a code: from your next sign-in the console asks for one.

    Example: clearline second-factor confirm 492039
    """
    user = request("PUT", url, token, MINE, json={"code": code})["user"]
    typer.echo(f"second factor of {printable(user['name'])} in force")


def second_factor_remove(
    name: Annotated[str, typer.Argument(help="The user, e.g. il-duty-2.")],
    token: Token,
    url: Url = DEFAULT_URL,
) -> None:
    """Take a user's second factor away (liaison officers, for a lost phone).

    Example: clearline second-factor remove il-duty-2
    """
    request("DELETE", url, token, f"/v1/users/{name}/second-factor")
    typer.echo(f"second factor of {printable(name)} removed: it signs in with its password")
