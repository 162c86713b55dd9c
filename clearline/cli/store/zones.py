"""``clearline zone import`` and ``clearline zone export``: the zones agreed at talks, set up on
the store as agreements are, and handed on as GeoJSON (``zone list`` asks a running line)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import Connection

from clearline.cli.client import fail
from clearline.cli.options import CLOCK, Db, KeyFile, admin, known, read_json
from clearline.interop import kml
from clearline.model.errors import ClearlineError
from clearline.model.zone import Zone
from clearline.services.deconfliction import engine, zones
from clearline.store import zones as zone_store

AgreementId = Annotated[str, typer.Option("--agreement", help="The agreement, e.g. il-tr-syria.")]


def zone_import(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="GeoJSON FeatureCollection (properties: zone fields), or a .kml file "
            "(ExtendedData: zone fields).",
        ),
    ],
    agreement: AgreementId,
    db: Db = None,
    key: KeyFile = None,
) -> None:
    """Set up the zones agreed at talks, on the store; notices already filed are screened
    against them. All or nothing: one bad feature and none is imported.

    Example: clearline zone import zones.geojson --agreement il-tr-syria --db var/demo.db
    """
    collection = _read_kml(file) if file.suffix.lower() == ".kml" else read_json(file, "file")
    if not isinstance(collection, dict):  # import_features reads it as an object
        fail("type: expected a GeoJSON FeatureCollection with a features list")
    added = admin(
        db, lambda c: _import_zones(c, agreement, collection, CLOCK.now()), key, sealed=True
    )
    typer.echo(f"{len(added)} zone{'' if len(added) == 1 else 's'} imported")


def zone_export(
    agreement: AgreementId,
    db: Db = None,
    out: Annotated[Path | None, typer.Option(help="File to write; default: stdout.")] = None,
) -> None:
    """Write an agreement's zones as a GeoJSON FeatureCollection (or, to a .kml file, as KML)
    that `zone import` reads back: to hand to the parties' mapping tools, or to set up another
    line.

    Example: clearline zone export --agreement il-tr-syria --db var/demo.db --out zones.kml
    """
    found = admin(db, lambda c: _zones_of(c, agreement))
    if out is not None and out.suffix.lower() == ".kml":
        text = kml.zones_document(f"Zones of {agreement}", found)
    else:
        text = json.dumps(zones.features(found), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    typer.echo(f"{len(found)} zone{'' if len(found) == 1 else 's'} written to {out}")


def _read_kml(file: Path) -> dict[str, Any]:
    try:
        return kml.features_of(file.read_bytes())
    except ClearlineError as exc:
        fail(f"{exc.field}: {exc.reason}")


def _import_zones(
    connection: Connection, agreement_id: str, collection: dict[str, Any], now: datetime
) -> list[Zone]:
    """A fresh engine: the CLI holds no theatre; it is built from the store to screen with."""
    known(connection, agreement_id)
    return zones.import_features(connection, agreement_id, collection, now, engine.ConflictEngine())


def _zones_of(connection: Connection, agreement_id: str) -> list[Zone]:
    known(connection, agreement_id)
    return zone_store.zones_of(connection, [agreement_id])
