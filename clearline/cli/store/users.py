"""``clearline user add`` and ``clearline user password``: who acts for a party, and how they
sign in to the console."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import Connection

from clearline.cli.client import fail
from clearline.cli.options import CLOCK, Db, admin, new_password
from clearline.model.agreement import INSTALLATION
from clearline.model.user import Language, Role, User
from clearline.services.access import accounts


def user_add(
    name: str,
    role: Annotated[Role, typer.Option(help="What the user does on the line.")],
    party: Annotated[
        str | None, typer.Option(help="Party code, e.g. IL; none for an operator.")
    ] = None,
    language: Annotated[
        Language, typer.Option(help="Language the line speaks to them.")
    ] = Language.EN,
    password: Annotated[
        bool, typer.Option("--password", help="Ask for a password to sign in to the console.")
    ] = False,
    db: Db = None,
) -> None:
    """Add a user of a party, or an operator of the installation (--role operator, no
    --party), who sets agreements up; with --password, one who signs in to the console.

    Example: clearline user add il-duty-2 --party IL --role duty_officer --language he --password
    """
    if party is None and role is not Role.OPERATOR:
        fail("party: name the user's party (only an operator has none)")
    secret = new_password() if password else None

    def add(connection: Connection) -> User:
        code = party or INSTALLATION
        user = accounts.add_user(connection, name, code, role, language, CLOCK.now())
        if secret is not None:
            accounts.set_password(connection, name, secret)
        return user

    user = admin(db, add)
    typer.echo(f"user {user.name} (id {user.id}) added: {user.role} of {user.party}")


def user_password(
    name: Annotated[str, typer.Argument(help="User name.")],
    db: Db = None,
) -> None:
    """Set the password a user signs in to the console with (hashed with argon2).

    Example: clearline user password il-duty-officer
    """
    secret = new_password()
    admin(db, lambda c: accounts.set_password(c, name, secret))
    typer.echo(f"password of {name} set")
