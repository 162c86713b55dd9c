"""``clearline position declare|list``: where your forces are, so the other side knows where
not to strike; the line keeps only the protocol's grid square."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from clearline.cli.client import DEFAULT_URL, fail, request, without_none
from clearline.cli.options import InAgreement, Token, Url
from clearline.cli.printable import row, show
from clearline.model.times import dtg
from clearline.model.zone import PositionKind


def position_declare(
    name: Annotated[str, typer.Option(help="What the other side will see it as.")],
    kind: Annotated[PositionKind, typer.Option(help="What is there.")],
    token: Token,
    lat: Annotated[float | None, typer.Option(help="Latitude, degrees.")] = None,
    lon: Annotated[float | None, typer.Option(help="Longitude, degrees.")] = None,
    mgrs: Annotated[str | None, typer.Option(help="MGRS reference, instead of lat/lon.")] = None,
    valid_until: Annotated[
        str | None, typer.Option(help="ISO 8601 with a zone; default: until withdrawn.")
    ] = None,
    agreement: InAgreement = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Declare a position of your forces, so the other side knows where not to strike; the
    line keeps only the protocol's grid square. Prints its id and that square.

    Example: clearline position declare --name "Tiyas base" --kind base --lat 34.52 --lon 37.63
    """
    if (lat is None) != (lon is None) or (lat is None) == (mgrs is None):
        fail("--mgrs: give --lat and --lon, or --mgrs")
    payload = without_none(
        {
            "name": name,
            "kind": kind,
            "lat": lat,
            "lon": lon,
            "mgrs": mgrs,
            "valid_until": valid_until,
            "agreement": agreement,
        }
    )
    position = request("POST", url, token, "/v1/positions", json=payload)
    typer.echo(f"position {position['id']} declared in square {position['mgrs']}")


def position_list(token: Token, url: Url = DEFAULT_URL) -> None:
    """List the declared positions of every party of your agreements.

    Example: clearline position list
    """
    found = request("GET", url, token, "/v1/positions")["positions"]
    table = Table("id", "party", "name", "kind", "square", "from", "until")
    for position in found:
        until = position["valid_until"]
        table.add_row(
            *row(
                str(position["id"]),
                position["party"],
                position["name"],
                position["kind"],
                position["mgrs"],
                dtg(datetime.fromisoformat(position["valid_from"])),
                dtg(datetime.fromisoformat(until)) if until else "withdrawn",
            )
        )
    show(table)
