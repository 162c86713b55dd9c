"""``clearline line list|suspend|restore``: the state of your party's lines."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from clearline.cli.client import DEFAULT_URL, request
from clearline.cli.options import Token, Url
from clearline.cli.printable import row, show

OtherParty = Annotated[str, typer.Argument(help="The other party of the line.")]


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
    show(table)


def line_suspend(
    party: OtherParty,
    reason: Annotated[str, typer.Option(help="Why; it goes on the record.")],
    token: Token,
    url: Url = DEFAULT_URL,
) -> None:
    """Suspend your line with PARTY (liaison officers).

    Example: clearline line suspend TR --reason "talks broken off"
    """
    line = request("POST", url, token, f"/v1/lines/{party}/suspend", json={"reason": reason})
    typer.echo(f"line {line['party_a']}–{line['party_b']}: {line['state']}")


def line_restore(party: OtherParty, token: Token, url: Url = DEFAULT_URL) -> None:
    """Restore your line with PARTY; held messages are delivered.

    Example: clearline line restore TR
    """
    line = request("POST", url, token, f"/v1/lines/{party}/restore")
    typer.echo(f"line {line['party_a']}–{line['party_b']}: {line['state']}")
