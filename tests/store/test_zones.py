"""A zone is built from its row in one place: its definition as drawn and every other column,
the same whether just added or read back."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.demo import AGREEMENT_ID
from clearline.model.user import User
from clearline.model.zone import Zone, ZoneIn, ZoneKind
from clearline.store import zones as zone_store
from clearline.store.schema import zones
from clearline.store.writer import run_now
from tests.support.records import columns, differences


def test_a_zone_has_a_field_for_every_column_but_the_definition_it_unpacks() -> None:
    assert set(Zone.model_fields) == set(ZoneIn.model_fields) | columns(zones) - {"definition"}


def test_a_zone_reads_back_as_added_with_every_column(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    drawn = ZoneIn.model_validate(
        {
            "name": "Golan buffer",
            "kind": ZoneKind.BUFFER_ZONE,
            "geometry": {"type": "Circle", "coordinates": [35.85, 33.1], "radius_m": 5_000},
            "owner": "IL",
        }
    )
    by = users["il-duty-officer"].id

    def store(connection: sa.Connection) -> tuple[Zone, list[Zone], sa.Row[Any]]:
        added = zone_store.insert_zone(connection, AGREEMENT_ID, drawn, by, clock.now())
        row = connection.execute(sa.select(zones).where(zones.c.id == added.id)).one()
        return added, zone_store.zones_of(connection, [AGREEMENT_ID]), row

    added, read, row = run_now(engine, store)
    assert read == [added]
    assert added.model_dump(include=set(ZoneIn.model_fields)) == drawn.model_dump()
    assert differences(added, row) == {}
