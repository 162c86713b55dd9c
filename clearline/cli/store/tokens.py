"""``clearline token create``: a user's API token, shown once and stored hashed."""

from __future__ import annotations

from typing import Annotated

import typer

from clearline.cli.options import CLOCK, Db, admin
from clearline.services.access import tokens


def token_create(
    user: Annotated[str, typer.Argument(help="User name.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    db: Db = None,
) -> None:
    """Create an API token for a user and print it (the only time it is shown).

    Example: clearline token create il-duty-officer --label console
    """
    typer.echo(admin(db, lambda c: tokens.create(c, user, label, CLOCK.now())))
