"""``clearline conflicts check``: the planner's what-if, on this machine. It needs no line: a
plan is tried alone, or with ``--db`` against what is filed in the node's database, and nothing
is filed or told to anyone (``conflicts list``, ``ack`` and ``accept`` ask a running line)."""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import Connection

from clearline.cli.client import fail
from clearline.cli.options import CLOCK, Db, admin, known, read_json
from clearline.model.errors import ClearlineError
from clearline.model.protocol import Separation
from clearline.services.deconfliction import engine, planning
from clearline.store import agreements as agreement_store


def conflicts_check(
    plan: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="GeoJSON FeatureCollection of volumes; properties id, party, kind, "
            "alt_lower_ft, alt_upper_ft, start, end (and radius_m or width_m).",
        ),
    ],
    minima: Annotated[
        str | None,
        typer.Option(help="H_M,V_FT,T_S: metres, feet, seconds; default: the protocol's."),
    ] = None,
    db: Db = None,
    agreement: Annotated[
        str | None, typer.Option(help="Check against what is filed in this agreement too.")
    ] = None,
) -> None:
    """What-if: a plan's volumes against each other (and with --agreement, against what is
    filed there), filing nothing. Prints the conflicts as GeoJSON; their count goes to stderr.

    Example: clearline conflicts check plan.geojson --minima 5000,1000,300
    """
    separation = _separation(minima)
    collection = read_json(plan, "plan")
    now = CLOCK.now()
    if agreement is not None:
        found = admin(db, lambda c: _check_filed(c, agreement, collection, separation, now))
    elif db is not None:
        fail("--agreement: needed with --db, to say whose filed notices to check against")
    else:
        try:
            found = planning.check(collection, separation, now).collection()
        except ClearlineError as exc:
            fail(f"{exc.field}: {exc.reason}")
    typer.echo(json.dumps(found))
    count = len(found["features"])
    typer.echo(f"{count} conflict{'' if count == 1 else 's'}", err=True)


def _separation(minima: str | None) -> Separation | None:
    """``--minima H_M,V_FT,T_S`` as minima; None keeps the protocol's."""
    if minima is None:
        return None
    try:
        numbers = [float(part) for part in minima.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) != 3 or not all(math.isfinite(n) and n >= 0 for n in numbers):
        fail(f"--minima: {minima!r} is not three non-negative numbers H_M,V_FT,T_S")
    horizontal_m, vertical_ft, time_s = numbers
    return Separation(horizontal_m=horizontal_m, vertical_ft=vertical_ft, time_s=time_s)


def _check_filed(
    connection: Connection,
    agreement_id: str,
    collection: dict[str, Any],
    separation: Separation | None,
    now: datetime,
) -> dict[str, Any]:
    """The plan against the agreement's live notices, zones and positions, under the protocol
    in force there; a theatre built for this check alone, as the CLI holds none."""
    known(connection, agreement_id)
    protocol = agreement_store.protocol_in_force(connection, agreement_id, now)
    theatre = engine.build(connection, agreement_id)
    return planning.check(collection, separation, now, protocol, filed=theatre).collection()
