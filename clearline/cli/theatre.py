"""``clearline notice|zone|position|conflicts``: the theatre from a terminal.

Notices, positions and conflicts go through a running line (``--url``, ``--token``), because
the line screens each change at once and alerts the other parties. Zones agreed at talks are
set up on the store directly, as agreements are. ``conflicts check`` needs no line: a planner
tries a plan offline, or against what is filed in a database, and nothing is told to anyone.
"""

from __future__ import annotations

import json
import math
import uuid
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Connection

from clearline.cli.client import DEFAULT_URL, fail, request
from clearline.cli.options import CLOCK, Db, KeyFile, Token, Url, admin
from clearline.cli.printable import row
from clearline.model.conflict import ConflictState
from clearline.model.errors import ClearlineError, invalid
from clearline.model.notice import ActivityKind, NoticeState, Sharing
from clearline.model.protocol import Separation
from clearline.model.times import both, dtg
from clearline.model.zone import PositionKind, Zone
from clearline.services.deconfliction import engine, planning, zones
from clearline.store import agreements as agreement_store
from clearline.store import zones as zone_store

notice_app = typer.Typer(help="File and change your party's notices.", no_args_is_help=True)
zone_app = typer.Typer(help="Zones: agreed areas and red lines.", no_args_is_help=True)
position_app = typer.Typer(help="Declared positions of your forces.", no_args_is_help=True)
conflicts_app = typer.Typer(
    help="Conflicts the line found, and what-if checks of a plan.", no_args_is_help=True
)

AgreementId = Annotated[str, typer.Option("--agreement", help="The agreement, e.g. il-tr-syria.")]
InAgreement = Annotated[
    str | None,
    typer.Option("--agreement", help="Needed only where your party is in several agreements."),
]

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
LIMIT = 1_000
"""The most the API lists at once."""


# --- notices -------------------------------------------------------------------------------------


@notice_app.command("file")
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
        Sharing, typer.Option(help="blind: only the line sees it, others only its conflicts.")
    ] = Sharing.SHARED,
    free_text: FreeText = None,
    agreement: InAgreement = None,
    key: Annotated[
        str | None, typer.Option(help="Idempotency key; a fresh one by default.")
    ] = None,
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
    headers = {"Idempotency-Key": key or str(uuid.uuid4())}
    notice = request("POST", url, token, "/v1/notices", json=payload, headers=headers)
    _report(notice, url, token)


@notice_app.command("amend")
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


@notice_app.command("cancel")
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


@notice_app.command("list")
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
        starts = [_parsed(v["start"]) for v in current["volumes"]]
        ends = [_parsed(v["end"]) for v in current["volumes"]]
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
    _show(table)


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
        shapes = [_shape(f, radius_m, width_m) for f in _features(_read_json(geojson, "--geojson"))]
    else:
        shapes = [{"mgrs": mgrs, "radius_m": radius_m}]
    defaults = {
        "start": start,
        "end": end,
        "alt_lower_ft": _feet(lower),
        "alt_upper_ft": _feet(upper),
    }
    volumes = [_without_none({**defaults, **shape}) for shape in shapes]
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


# --- zones ---------------------------------------------------------------------------------------


@zone_app.command("import")
def zone_import(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help="GeoJSON FeatureCollection; properties: zone fields."
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
    collection = _read_json(file, "file")
    if not isinstance(collection, dict):  # import_features reads it as an object
        fail("type: expected a GeoJSON FeatureCollection with a features list")
    added = admin(
        db, lambda c: _import_zones(c, agreement, collection, CLOCK.now()), key, sealed=True
    )
    typer.echo(f"{len(added)} zone{'' if len(added) == 1 else 's'} imported")


@zone_app.command("export")
def zone_export(
    agreement: AgreementId,
    db: Db = None,
    out: Annotated[Path | None, typer.Option(help="File to write; default: stdout.")] = None,
) -> None:
    """Write an agreement's zones as a GeoJSON FeatureCollection that `zone import` reads back:
    to hand to the parties' mapping tools, or to set up another line.

    Example: clearline zone export --agreement il-tr-syria --db var/demo.db --out zones.geojson
    """
    found = admin(db, lambda c: _zones_of(c, agreement))
    text = json.dumps(zones.features(found), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    typer.echo(f"{len(found)} zone{'' if len(found) == 1 else 's'} written to {out}")


@zone_app.command("list")
def zone_list(token: Token, url: Url = DEFAULT_URL) -> None:
    """List the zones of your agreements and whose activities they alert on.

    Example: clearline zone list
    """
    found = request("GET", url, token, "/v1/zones")["features"]
    table = Table("id", "name", "kind", "owner", "band (ft)", "rule kinds", "severity")
    for feature in found:
        zone = feature["properties"]
        kinds = zone["rule"]["kinds"]
        table.add_row(
            *row(
                str(feature["id"]),
                zone["name"],
                zone["kind"],
                zone["owner"] or "agreed",
                f"{zone['alt_lower_ft']:,.0f} to {zone['alt_upper_ft']:,.0f}",
                "all" if not kinds or set(kinds) == set(ActivityKind) else ", ".join(kinds),
                zone["rule"]["severity"],
            )
        )
    _show(table)


def _import_zones(
    connection: Connection, agreement_id: str, collection: dict[str, Any], now: datetime
) -> list[Zone]:
    """A fresh engine: the CLI holds no theatre; it is built from the store to screen with."""
    _known(connection, agreement_id)
    return zones.import_features(connection, agreement_id, collection, now, engine.ConflictEngine())


def _zones_of(connection: Connection, agreement_id: str) -> list[Zone]:
    _known(connection, agreement_id)
    return zone_store.zones_of(connection, [agreement_id])


def _known(connection: Connection, agreement_id: str) -> None:
    """A mistyped agreement is refused, not taken for one without zones or notices."""
    if not agreement_store.agreement_exists(connection, agreement_id):
        raise invalid("agreement", f"no agreement {agreement_id!r}")


# --- positions -----------------------------------------------------------------------------------


@position_app.command("declare")
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
    payload = _without_none(
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


@position_app.command("list")
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
                dtg(_parsed(position["valid_from"])),
                dtg(_parsed(until)) if until else "withdrawn",
            )
        )
    _show(table)


# --- conflicts -----------------------------------------------------------------------------------


@conflicts_app.command("check")
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
    collection = _read_json(plan, "plan")
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


@conflicts_app.command("list")
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
        start, end = _parsed(conflict["window_start"]), _parsed(conflict["window_end"])
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
    _show(table)


@conflicts_app.command("ack")
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


@conflicts_app.command("accept")
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
    _known(connection, agreement_id)
    protocol = agreement_store.protocol_in_force(connection, agreement_id)
    theatre = engine.build(connection, agreement_id)
    return planning.check(collection, separation, now, protocol, filed=theatre).collection()


def _starts_in(start: datetime, end: datetime, now: datetime) -> str:
    """How long the watch has: what an officer looks at first."""
    if end <= now:
        return "over"
    if start <= now:
        return "now"
    hours, seconds = divmod(int((start - now).total_seconds()), 3_600)
    return f"{hours} h {seconds // 60:02d} min" if hours else f"{seconds // 60} min"


# --- shared --------------------------------------------------------------------------------------


def _read_json(path: Path, field: str) -> Any:
    """A JSON file, or one line naming it; typer has already checked that it exists."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{field}: cannot read {path} ({exc})")
    except json.JSONDecodeError as exc:
        fail(f"{field}: {path} is not JSON ({exc.msg} at line {exc.lineno})")


def _show(table: Table) -> None:
    """A console made when the command runs, so that its width (COLUMNS) is the one now."""
    Console().print(table)


def _parsed(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    """Absent, not null: the API's defaults (and its errors) are about what was left out."""
    return {k: v for k, v in values.items() if v is not None}
