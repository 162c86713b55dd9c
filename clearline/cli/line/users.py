"""``clearline user list|enrol|change|reset``: your party's people, by its liaison officer, over
the line. (``user add`` and ``user password`` work on the node's database, at set-up.)"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from clearline.cli.client import DEFAULT_URL, fail, request, without_none
from clearline.cli.options import Token, Url, new_password
from clearline.cli.printable import printable, row, show
from clearline.model.user import Language, Role

USERS = "/v1/users"
Name = Annotated[str, typer.Argument(help="The user's name, e.g. il-duty-2.")]


def user_list(token: Token, url: Url = DEFAULT_URL) -> None:
    """Your party's users (liaison officers).

    Example: clearline user list
    """
    table = Table("name", "role", "language", "active")
    for user in request("GET", url, token, USERS)["users"]:
        table.add_row(
            *row(user["name"], user["role"], user["language"], "yes" if user["active"] else "no")
        )
    show(table)


def user_enrol(
    name: Name,
    role: Annotated[Role, typer.Option("--role", help="What the user does on the line.")],
    token: Token,
    language: Annotated[
        Language, typer.Option("--language", help="The language the line speaks to them.")
    ] = Language.EN,
    password: Annotated[
        bool, typer.Option("--password", help="Ask for a password to sign in to the console.")
    ] = False,
    url: Url = DEFAULT_URL,
) -> None:
    """Add a user to your party (liaison officers); with --password, one who signs in to the
    console. A system account takes tokens instead (``token issue --user``).

    Example: clearline user enrol il-duty-2 --role duty_officer --language he --password
    """
    body = {"name": name, "role": role, "language": language}
    if password:
        body["password"] = new_password()
    user = request("POST", url, token, USERS, json=body)
    typer.echo(f"user {printable(user['name'])} added: {user['role']} of {user['party']}")


def user_change(
    name: Name,
    token: Token,
    role: Annotated[Role | None, typer.Option("--role", help="Its new role.")] = None,
    language: Annotated[
        Language | None, typer.Option("--language", help="Its new language.")
    ] = None,
    active: Annotated[
        bool | None,
        typer.Option(
            "--active/--deactivate",
            help="--deactivate stops its sign-ins, tokens and streams at once.",
        ),
    ] = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Change a user of your party (liaison officers).

    Example: clearline user change il-duty-2 --deactivate
    """
    body = without_none({"role": role, "language": language, "active": active})
    if not body:
        fail("request: name what changes: --role, --language, --active or --deactivate")
    user = request("PATCH", url, token, f"{USERS}/{name}", json=body)
    state = "active" if user["active"] else "deactivated"
    typer.echo(f"user {printable(user['name'])}: {user['role']}, {user['language']}, {state}")


def user_reset(name: Name, token: Token, url: Url = DEFAULT_URL) -> None:
    """Set a new console password for a user of your party (asked twice, or
    CLEARLINE_PASSWORD).

    Example: clearline user reset il-duty-2
    """
    request("PUT", url, token, f"{USERS}/{name}/password", json={"password": new_password()})
    typer.echo(f"password of {printable(name)} set")
