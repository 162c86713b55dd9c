"""``clearline notice file|amend|cancel|list``: what your forces are about to do, filed
before they act. The line screens each notice at once and alerts the other parties."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from clearline.cli.client import (
    DEFAULT_URL,
    LIMIT,
    fail,
    once,
    request,
    request_text,
    without_none,
)
from clearline.cli.options import IdempotencyKey, InAgreement, Token, Url, read_json
from clearline.cli.printable import row, show
from clearline.interop.notam import DEFAULT_FIR
from clearline.model.conflict import ConflictState
from clearline.model.notice import ActivityKind, NoticeState, Sharing
from clearline.model.times import both

GeoJson = Annotated[
    Path | None,
    typer.Option(
        "--geojson",
        exists=True,
        dir_okay=False,
        help="A GeoJSON geometry, Feature or FeatureCollection: one volume per feature. A "
        "feature's radius_m, width_m, alt_lower_ft, alt_upper_ft, start and end properties win "
        "over the options.",
    ),
]
Mgrs = Annotated[str | None, typer.Option("--mgrs", help="An MGRS reference (with --radius-m).")]
RadiusM = Annotated[
    float | None, typer.Option("--radius-m", help="Radius around --mgrs or a Point, metres.")
]
WidthM = Annotated[float | None, typer.Option("--width-m", help="Width of a LineString, metres.")]
Start = Annotated[
    str | None, typer.Option("--start", help="ISO 8601 with a zone, e.g. 2026-11-22T16:00Z.")
]
End = Annotated[str | None, typer.Option("--end", help="ISO 8601 with a zone.")]
Lower = Annotated[str | None, typer.Option("--lower", help="Feet above MSL, or FL150.")]
Upper = Annotated[str | None, typer.Option("--upper", help="Feet above MSL, or FL150.")]
FreeText = Annotated[str | None, typer.Option(help="Text shown as written, untranslated.")]

VOLUME_PROPERTIES = ("radius_m", "width_m", "alt_lower_ft", "alt_upper_ft", "start", "end")
"""Feature properties that say something of the volume itself and win over the options."""
NEEDED = {"start": "--start", "end": "--end", "alt_lower_ft": "--lower", "alt_upper_ft": "--upper"}
"""Every volume needs these: from a feature's properties or else from these options."""


def notice_file(
    kind: Annotated[ActivityKind, typer.Option(help="What your forces are about to do.")],
    token: Token,
    geojson: GeoJson = None,
    mgrs: Mgrs = None,
    radius_m: RadiusM = None,
    width_m: WidthM = None,
    start: Start = None,
    end: End = None,
    lower: Lower = None,
    upper: Upper = None,
    sharing: Annotated[
        Sharing | None,
        typer.Option(
            help="blind: only the line sees it, others only its conflicts. Default: the "
            "protocol's (shared in version 1)."
        ),
    ] = None,
    free_text: FreeText = None,
    agreement: InAgreement = None,
    key: IdempotencyKey = None,
    url: Url = DEFAULT_URL,
) -> None:
    """File a notice before your party acts; the line screens it at once. Prints its id and
    state (and lateness), then how many conflicts your party has open now.

    Example: clearline notice file --kind uav_flight --mgrs 37SDU3323 --radius-m 10000
    --start 2026-11-22T16:00Z --end 2026-11-22T18:00Z --lower 0 --upper FL150
    """
    payload = {
        "kind": kind,
        "volumes": _volumes(geojson, mgrs, radius_m, width_m, start, end, lower, upper),
        "sharing": sharing,
        "free_text": free_text,
        "agreement": agreement,
    }
    notice = request("POST", url, token, "/v1/notices", json=payload, headers=once(key))
    _report(notice, url, token)


def notice_amend(
    notice_id: Annotated[int, typer.Argument(help="Id of your notice.")],
    token: Token,
    geojson: GeoJson = None,
    mgrs: Mgrs = None,
    radius_m: RadiusM = None,
    width_m: WidthM = None,
    start: Start = None,
    end: End = None,
    lower: Lower = None,
    upper: Upper = None,
    sharing: Annotated[Sharing | None, typer.Option(help="Default: as it was.")] = None,
    free_text: FreeText = None,
    url: Url = DEFAULT_URL,
) -> None:
    """File a new version of your notice, its volumes as they now are; conflicts it no longer
    causes are resolved at once.

    Example: clearline notice amend 12 --mgrs 37SDU3323 --radius-m 5000
    --start 2026-11-22T16:00Z --end 2026-11-22T17:00Z --lower 0 --upper FL100
    """
    payload = {
        "volumes": _volumes(geojson, mgrs, radius_m, width_m, start, end, lower, upper),
        "sharing": sharing,
        "free_text": free_text,
    }
    _report(request("POST", url, token, f"/v1/notices/{notice_id}/amend", json=payload), url, token)


def notice_cancel(
    notice_id: Annotated[int, typer.Argument(help="Id of your notice.")],
    token: Token,
    url: Url = DEFAULT_URL,
) -> None:
    """Cancel your notice: the activity is off, and its conflicts are resolved.

    Example: clearline notice cancel 12
    """
    notice = request("POST", url, token, f"/v1/notices/{notice_id}/cancel")
    typer.echo(f"notice {notice['id']}: {notice['state']}")


def notice_list(
    token: Token,
    state: Annotated[NoticeState | None, typer.Option(help="Only notices in this state.")] = None,
    url: Url = DEFAULT_URL,
) -> None:
    """List your party's notices and the other parties' shared ones, newest first.

    Example: clearline notice list --state planned
    """
    params = {"limit": LIMIT, **({"state": state} if state else {})}
    found = request("GET", url, token, "/v1/notices", params=params)["notices"]
    table = Table("id", "party", "kind", "state", "version", "start", "end", "late")
    for notice in found:
        current = notice["versions"][-1]
        starts = [datetime.fromisoformat(v["start"]) for v in current["volumes"]]
        ends = [datetime.fromisoformat(v["end"]) for v in current["volumes"]]
        table.add_row(
            *row(
                str(notice["id"]),
                notice["party"],
                notice["kind"],
                notice["state"],
                str(current["version"]),
                both(min(starts)),
                both(max(ends)),
                _late(current["late_s"]),
            )
        )
    show(table)


def _volumes(
    geojson: Path | None,
    mgrs: str | None,
    radius_m: float | None,
    width_m: float | None,
    start: str | None,
    end: str | None,
    lower: str | None,
    upper: str | None,
) -> list[dict[str, Any]]:
    """The volumes the options describe, for filing and amending alike: one per feature of the
    GeoJSON file, or the circle around an MGRS reference."""
    if (geojson is None) == (mgrs is None):
        fail("--geojson: give either --geojson FILE or --mgrs REF with --radius-m")
    if mgrs is not None and radius_m is None:
        fail("--radius-m: an MGRS reference needs a radius")
    if geojson is not None:
        shapes = [_shape(f, radius_m, width_m) for f in _features(read_json(geojson, "--geojson"))]
    else:
        shapes = [{"mgrs": mgrs, "radius_m": radius_m}]
    defaults = {
        "start": start,
        "end": end,
        "alt_lower_ft": _feet(lower),
        "alt_upper_ft": _feet(upper),
    }
    volumes = [without_none({**defaults, **shape}) for shape in shapes]
    for index, volume in enumerate(volumes):
        for name, option in NEEDED.items():
            if name not in volume:
                fail(f"{option}: needed, as volume {index} has no {name} of its own")
    return volumes


def _features(document: Any) -> list[dict[str, Any]]:
    """A geometry, a Feature or a FeatureCollection, as a list of features."""
    kind = document.get("type") if isinstance(document, dict) else None
    if kind == "FeatureCollection":
        found = document.get("features")
    elif kind == "Feature":
        found = [document]
    elif isinstance(kind, str):
        found = [{"type": "Feature", "geometry": document, "properties": {}}]
    else:
        fail("--geojson: expected a GeoJSON geometry, Feature or FeatureCollection")
    if not isinstance(found, list) or not found or not all(isinstance(f, dict) for f in found):
        fail("--geojson: features must be a list of one or more GeoJSON Features")
    return found


def _shape(
    feature: dict[str, Any], radius_m: float | None, width_m: float | None
) -> dict[str, Any]:
    """A feature's geometry and what it says of its volume; the options' radius and width go
    only where the geometry takes them (a Point; a LineString), as the API refuses them
    anywhere else."""
    geometry = feature.get("geometry")
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        fail("--geojson: a feature's properties must be an object")
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    return {
        "geometry": geometry,
        "radius_m": radius_m if kind == "Point" else None,
        "width_m": width_m if kind == "LineString" else None,
        **{name: properties[name] for name in VOLUME_PROPERTIES if name in properties},
    }


def _feet(text: str | None) -> float | str | None:
    """A number of feet as a number; anything else (FL150) as written, for the API to judge."""
    if text is None:
        return None
    try:
        feet = float(text)
    except ValueError:
        return text
    return feet if math.isfinite(feet) else text


def _report(notice: dict[str, Any], url: str, token: str) -> None:
    """What a filer needs at once: that the line holds it, whether it was late, and how many
    conflicts the party now has open (its alerts may name notices filed long before)."""
    current = notice["versions"][-1]
    late = f", late by {_late(current['late_s'])}" if current["late_s"] > 0 else ""
    typer.echo(f"notice {notice['id']} version {current['version']}: {notice['state']}{late}")
    params = {"state": ConflictState.OPEN, "limit": LIMIT}
    count = len(request("GET", url, token, "/v1/conflicts", params=params)["conflicts"])
    shown = f"{count}+" if count == LIMIT else str(count)
    typer.echo(f"{notice['party']} has {shown} open conflict{'' if count == 1 else 's'}")


def _late(late_s: float) -> str:
    """Lateness in whole minutes, rounded up: 20 s late is late, not "late by 0 min"."""
    return f"{math.ceil(late_s / 60)} min" if late_s > 0 else ""


def notice_notam(
    token: Token,
    notice_id: Annotated[int, typer.Argument(help="The notice.")],
    fir: Annotated[str, typer.Option(help="The FIR's ICAO location indicator.")] = DEFAULT_FIR,
    url: Url = DEFAULT_URL,
) -> None:
    """Print a notice you may see as an ICAO NOTAM draft, for your aviation office to number
    and issue.

    Example: clearline notice notam 12 --fir OSTT
    """
    typer.echo(request_text(url, token, f"/v1/notices/{notice_id}/notam", params={"fir": fir}))
