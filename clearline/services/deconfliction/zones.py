"""Zones and declared positions: what the engine screens notices against besides other notices.

Both are known to every party of the agreement: a red line works only if the other side knows
where it is, and a declared position exists so that the other side knows where not to strike.
Declared positions are snapped to the protocol's grid square, never kept finer than agreed.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection

from clearline.geo import grid
from clearline.geo.index import Minima
from clearline.model import times
from clearline.model.errors import conflict, forbidden, from_validation, invalid
from clearline.model.event import EventType
from clearline.model.user import SENDING_ROLES, Role, User
from clearline.model.zone import Position, PositionIn, Zone, ZoneIn
from clearline.services.deconfliction import bounds, notices
from clearline.services.deconfliction.engine import ConflictEngine
from clearline.services.deconfliction.index import band_probe, zone_area
from clearline.store import agreements as agreement_store
from clearline.store import events
from clearline.store import zones as zone_store


def add_zone(
    connection: Connection,
    agreement_id: str,
    zone: ZoneIn,
    by: User | None,
    now: datetime,
    conflict_engine: ConflictEngine,
    field: str = "zone",
) -> Zone:
    """Add a zone; ``by`` None is the line's administrator (agreed zones, set up at talks)."""
    agreement = agreement_store.get_agreement(connection, agreement_id)
    if agreement is None:
        raise invalid("agreement", f"no agreement {agreement_id!r}")
    if by is not None and (by.role is not Role.LIAISON_OFFICER or zone.owner != by.party):
        raise forbidden("owner", "a liaison officer adds zones of their own party only")
    if zone.owner is not None and zone.owner not in agreement.parties():
        raise invalid(f"{field}.owner", f"{zone.owner} is not a party to {agreement_id}")
    if zone_store.zone_named(connection, agreement_id, zone.name) is not None:
        raise conflict(f"{field}.name", f"a zone named {zone.name!r} exists already")
    index = conflict_engine.index(connection, agreement_id)
    area = zone_area(zone, index.projection, field)
    protocol = agreement_store.protocol_in_force(connection, agreement_id, now)
    bounds.drawn_in_theatre(zone.geometry.coordinates, protocol, f"{field}.geometry")
    stored = zone_store.insert_zone(connection, agreement_id, zone, by.id if by else None, now)
    index.index_zone(stored, area)
    _announce(connection, EventType.ZONE_ADDED, agreement_id, True, {"zone": _dump(stored)}, now)
    reach = band_probe(area, zone.alt_lower_ft, zone.alt_upper_ft, -math.inf, math.inf)
    notices.rescreen_near(connection, index, reach, Minima(), now)
    return stored


def import_features(
    connection: Connection,
    agreement_id: str,
    collection: dict[str, Any],
    now: datetime,
    conflict_engine: ConflictEngine,
) -> list[Zone]:
    """Zones from a GeoJSON FeatureCollection: each feature's properties are a zone's fields."""
    if collection.get("type") != "FeatureCollection" or not isinstance(
        collection.get("features"), list
    ):
        raise invalid("type", "expected a GeoJSON FeatureCollection with a features list")
    added = []
    for index, feature in enumerate(collection["features"]):
        field = f"features.{index}"
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            raise invalid(field, "must be a GeoJSON Feature with properties")
        try:
            zone = ZoneIn.model_validate(
                {**feature["properties"], "geometry": feature.get("geometry")}
            )
        except ValidationError as exc:
            raise from_validation(exc, field) from exc
        added.append(add_zone(connection, agreement_id, zone, None, now, conflict_engine, field))
    return added


def features(zones: list[Zone]) -> dict[str, Any]:
    """Zones as a GeoJSON FeatureCollection that ``import_features`` reads back."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": zone.id,
                "geometry": zone.geometry.model_dump(mode="json"),
                "properties": zone.model_dump(
                    mode="json",
                    exclude={"geometry", "id", "agreement_id", "created_at", "created_by"},
                ),
            }
            for zone in zones
        ],
    }


def zones_for(connection: Connection, party: str) -> list[Zone]:
    """The zones of every agreement ``party`` is in, mediators included."""
    ids = [a.id for a in agreement_store.agreements_of(connection, party)]
    return zone_store.zones_of(connection, ids)


def declare(
    connection: Connection,
    user: User,
    request: PositionIn,
    now: datetime,
    conflict_engine: ConflictEngine,
) -> Position:
    """Declare a position of the user's own party, snapped to the protocol's grid square."""
    if user.role not in SENDING_ROLES:
        raise forbidden("role", f"the {user.role} role may read positions but not declare them")
    agreement_id = notices.agreement_for(connection, user.party, request.agreement)
    protocol = agreement_store.protocol_in_force(connection, agreement_id, now)
    if request.mgrs is not None:
        lat, lon = grid.centre(request.mgrs)
    else:
        lat, lon = float(request.lat or 0), float(request.lon or 0)
    bounds.point_in_theatre(lat, lon, protocol, "mgrs" if request.mgrs is not None else "lat")
    reference = grid.snap(lat, lon, protocol.position_precision_m)
    valid_from = request.valid_from or now
    position_id = zone_store.insert_position(
        connection,
        agreement_id=agreement_id,
        party=user.party,
        name=request.name,
        kind=request.kind,
        mgrs=reference,
        valid_from=valid_from,
        valid_until=request.valid_until,
        declared_at=now,
        declared_by=user.id,
    )
    index = conflict_engine.index(connection, agreement_id)
    square = index.projection.to_metres(grid.square(reference))
    start = times.epoch(valid_from)
    end = times.epoch(request.valid_until) if request.valid_until else math.inf
    index.index_position(position_id, user.party, square, start, end)
    position = position_of(zone_store.get_position(connection, position_id))
    _announce(
        connection,
        EventType.POSITION_DECLARED,
        agreement_id,
        False,
        {"position": position.model_dump(mode="json")},
        now,
    )
    reach = band_probe(square, -math.inf, math.inf, start, end)
    notices.rescreen_near(connection, index, reach, Minima(protocol.standoff_m, math.inf), now)
    return position


def positions_for(connection: Connection, party: str) -> list[Position]:
    """Declared positions of every agreement ``party`` is a party to."""
    ids = agreement_store.party_to(connection, party)
    return [position_of(row) for row in zone_store.positions_of(connection, ids)]


def position_of(row: Any) -> Position:
    """A position from its row, with the centre and square of its grid reference."""
    lat, lon = grid.centre(row.mgrs)
    square = dict(grid.square(row.mgrs).__geo_interface__)
    return Position.model_validate({**row._mapping, "lat": lat, "lon": lon, "square": square})


def _dump(zone: Zone) -> dict[str, Any]:
    return zone.model_dump(mode="json")


def _announce(
    connection: Connection,
    type: EventType,
    agreement_id: str,
    with_mediators: bool,
    payload: dict[str, Any],
    now: datetime,
) -> None:
    agreement = agreement_store.get_agreement(connection, agreement_id)
    assert agreement is not None
    audience = agreement.parties() + (agreement.mediators() if with_mediators else [])
    events.append(connection, type, now, agreement_id, audience, payload)
