"""``clearline protocol show|diff``: the agreed rules of your line, as the running line holds
them, and what changed from one version to another."""

from __future__ import annotations

import json
from typing import Annotated, Literal

import typer
from rich.table import Table

from clearline.cli.client import DEFAULT_URL, fail, request, request_text
from clearline.cli.options import InAgreement, Token, Url
from clearline.cli.printable import row, show

Format = Literal["json", "yaml"]


def protocol_show(
    token: Token,
    url: Url = DEFAULT_URL,
    version: Annotated[
        int | None, typer.Option("--version", help="A stored version; default: the one in force.")
    ] = None,
    agreement: InAgreement = None,
    format: Annotated[
        Format, typer.Option("--format", help="json: RFC 8785 canonical, as hashed; yaml: to read.")
    ] = "json",
) -> None:
    """Print a version of your agreement's protocol, exactly as the line sends it.

    Example: clearline protocol show --format yaml
    """
    path = f"/v1/agreements/{_agreement(url, token, agreement)}/protocol"
    params: dict[str, str | int] = {"format": format}
    if version is not None:
        params["version"] = version
    typer.echo(request_text(url, token, path, params=params))


def protocol_diff(
    before: Annotated[int, typer.Argument(help="The version to compare from.")],
    after: Annotated[int, typer.Argument(help="The version to compare to.")],
    token: Token,
    url: Url = DEFAULT_URL,
    agreement: InAgreement = None,
) -> None:
    """Show every rule that differs from version BEFORE to version AFTER.

    Example: clearline protocol diff 1 2
    """
    path = f"/v1/agreements/{_agreement(url, token, agreement)}/protocol/diff"
    found = request("GET", url, token, path, params={"from": before, "to": after})
    if not found["changes"]:
        typer.echo(f"no changes from version {before} to version {after}")
        return
    table = Table("rule", f"version {before}", f"version {after}")
    for change in found["changes"]:
        table.add_row(*row(change["path"], json.dumps(change["from"]), json.dumps(change["to"])))
    show(table)


def _agreement(url: str, token: str, named: str | None) -> str:
    """The agreement named, or the one your lines belong to: the API has no list of
    agreements, and a party's lines (a mediator's: the lines it mediates) name theirs."""
    if named is not None:
        return named
    found = sorted(
        {line["line"]["agreement_id"] for line in request("GET", url, token, "/v1/lines")}
    )
    if len(found) != 1:
        which = ", ".join(found) or "none"
        fail(f"agreement: your lines are in {which}: name one with --agreement")
    return found[0]
