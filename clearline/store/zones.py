"""Zones and declared positions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from clearline.model.zone import Zone, ZoneIn
from clearline.store.schema import insert_returning_id, positions, zones


def insert_zone(
    connection: Connection, agreement_id: str, zone: ZoneIn, by: int | None, now: datetime
) -> Zone:
    values = {
        "agreement_id": agreement_id,
        "name": zone.name,
        "owner": zone.owner,
        "definition": zone.model_dump(mode="json"),
        "created_at": now,
        "created_by": by,
    }
    zone_id = insert_returning_id(connection, zones.insert(), values)
    return _zone({**values, "id": zone_id})


def zone_named(connection: Connection, agreement_id: str, name: str) -> int | None:
    query = sa.select(zones.c.id).where(zones.c.agreement_id == agreement_id, zones.c.name == name)
    return connection.execute(query).scalar()


def latest_id(connection: Connection, agreement_id: str) -> int:
    """The newest zone's id in an agreement, 0 if it has none."""
    query = sa.select(sa.func.max(zones.c.id)).where(zones.c.agreement_id == agreement_id)
    return int(connection.execute(query).scalar() or 0)


def zones_of(connection: Connection, agreement_ids: list[str]) -> list[Zone]:
    query = sa.select(zones).where(zones.c.agreement_id.in_(agreement_ids)).order_by(zones.c.id)
    return [_zone(row._mapping) for row in connection.execute(query)]


def _zone(values: Mapping[Any, Any]) -> Zone:
    """A zone from its columns, as read or as just stored: its definition as drawn, and what
    the store adds to it."""
    stored = {name: value for name, value in values.items() if name != "definition"}
    return Zone.model_validate({**values["definition"], **stored})


def insert_position(connection: Connection, **values: Any) -> int:
    return insert_returning_id(connection, positions.insert(), values)


def positions_of(connection: Connection, agreement_ids: list[str]) -> list[Any]:
    """Rows of the declared positions of these agreements, oldest first."""
    query = (
        sa.select(positions)
        .where(positions.c.agreement_id.in_(agreement_ids))
        .order_by(positions.c.id)
    )
    return list(connection.execute(query))


def get_position(connection: Connection, position_id: int) -> Any:
    return connection.execute(sa.select(positions).where(positions.c.id == position_id)).first()
