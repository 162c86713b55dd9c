"""``clearline replay``: an encounter through the line's well-clear alerting, offline, printed as
NASA's DAIDALUS ``DaidalusAlerting`` prints it, so that the two reports can be diffed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from clearline.cli.client import fail
from clearline.model.errors import from_validation
from clearline.model.wellclear import WellClear
from clearline.services.tactical import replay


def replay_command(
    encounter: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="A DAIDALUS .daa file: a header, a unit line, one aircraft per line, the "
            "ownship first at each time.",
        ),
    ],
    conf: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="A DAIDALUS .conf (its DWC_Phase_I)."),
    ] = None,
    protocol: Annotated[
        Path | None,
        typer.Option(
            exists=True, dir_okay=False, help="A protocol JSON file (its well_clear key)."
        ),
    ] = None,
    raw: Annotated[
        bool, typer.Option("--raw", help="Raw levels: no M of N, hysteresis or persistence.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="CSV file to write; default: standard output.")
    ] = None,
) -> None:
    """Replay an encounter and print, per intruder and time, the alert level, the time to
    each level's volume and the closest approach, in DaidalusAlerting's CSV format. The
    thresholds are DO-365 Phase I unless --conf or --protocol says otherwise.

    Example: clearline replay H1.daa --conf DO_365B_no_SUM.conf --out H1.alerting.csv
    """
    if conf is not None and protocol is not None:
        fail("--protocol: give --conf or --protocol, not both")
    try:
        well_clear = _thresholds(conf, protocol)
        steps = replay.read_daa(encounter)
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read input ({exc})")
    except ValueError as exc:
        fail(str(exc))
    rows = replay.replay(steps, well_clear.raw() if raw else well_clear)
    if out is None:
        replay.write_alerting(rows, len(well_clear.levels), sys.stdout)
        return
    with out.open("w") as file:
        replay.write_alerting(rows, len(well_clear.levels), file)
    typer.echo(f"{len(rows)} rows written to {out}", err=True)


def _thresholds(conf: Path | None, protocol: Path | None) -> WellClear:
    if conf is not None:
        return replay.read_conf(conf)
    if protocol is None:
        return WellClear()
    try:
        document = json.loads(protocol.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"protocol: {protocol.name} is not JSON ({exc.msg})") from None
    if not isinstance(document, dict):
        raise ValueError(f"protocol: {protocol.name} is not a JSON object")
    try:
        return WellClear.model_validate(document.get("well_clear", {}))
    except ValidationError as exc:
        raise ValueError(str(from_validation(exc, "well_clear"))) from None
