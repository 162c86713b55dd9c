"""``clearline conflicts list|ack|accept``: the conflicts the line found that your party is in,
and what its officers do about them (``conflicts check`` tries a plan without a line)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from clearline.cli.client import DEFAULT_URL, LIMIT, request
from clearline.cli.options import CLOCK, Token, Url
from clearline.cli.printable import row, show
from clearline.model.conflict import ConflictState
from clearline.model.times import dtg


def conflicts_list(
    token: Token,
    state: Annotated[
        ConflictState | None, typer.Option(help="Only conflicts in this state.")
    ] = None,
    url: Url = DEFAULT_URL,
) -> None:
    """List the conflicts your party is involved in, newest first, and how soon each starts.

    Example: clearline conflicts list --state open
    """
    params = {"limit": LIMIT, **({"state": state} if state else {})}
    found = request("GET", url, token, "/v1/conflicts", params=params)["conflicts"]
    now = CLOCK.now()
    table = Table("id", "severity", "source", "parties", "state", "window start", "starts in")
    for conflict in found:
        start = datetime.fromisoformat(conflict["window_start"])
        end = datetime.fromisoformat(conflict["window_end"])
        table.add_row(
            *row(
                str(conflict["id"]),
                conflict["severity"],
                conflict["source"],
                "–".join(conflict["parties"]),
                conflict["state"],
                dtg(start),
                _starts_in(start, end, now),
            )
        )
    show(table)


def conflicts_ack(
    conflict_id: Annotated[int, typer.Argument(help="Id of the conflict you have seen.")],
    token: Token,
    url: Url = DEFAULT_URL,
) -> None:
    """Acknowledge a conflict: a human of your party has seen it (and so its alerts).

    Example: clearline conflicts ack 7
    """
    conflict = request("POST", url, token, f"/v1/conflicts/{conflict_id}/ack")
    seen = ", ".join(sorted(conflict["acknowledged"]))
    typer.echo(f"conflict {conflict['id']}: {conflict['state']} (acknowledged by {seen})")


def conflicts_accept(
    conflict_id: Annotated[int, typer.Argument(help="Id of the conflict.")],
    reason: Annotated[str, typer.Option(help="Why the risk is accepted; it goes on record.")],
    token: Token,
    url: Url = DEFAULT_URL,
) -> None:
    """Accept a conflict's risk (liaison officers); the reason goes on the record.

    Example: clearline conflicts accept 7 --reason "agreed by phone with TR liaison"
    """
    path = f"/v1/conflicts/{conflict_id}/accept"
    conflict = request("POST", url, token, path, json={"reason": reason})
    typer.echo(f"conflict {conflict['id']}: {conflict['state']}")


def _starts_in(start: datetime, end: datetime, now: datetime) -> str:
    """How long the watch has: what an officer looks at first."""
    if end <= now:
        return "over"
    if start <= now:
        return "now"
    hours, seconds = divmod(int((start - now).total_seconds()), 3_600)
    return f"{hours} h {seconds // 60:02d} min" if hours else f"{seconds // 60} min"
