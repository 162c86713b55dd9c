"""A declared position is built from its row in one place: every column, and the centre and
square of its grid reference, which are worked out rather than stored."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.demo import AGREEMENT_ID
from clearline.geo import grid
from clearline.model.user import User
from clearline.model.zone import Position, PositionKind
from clearline.services.deconfliction.zones import position_of
from clearline.store import zones as zone_store
from clearline.store.schema import positions
from clearline.store.writer import run_now
from tests.support.records import columns, differences

OF_THE_GRID_REFERENCE = {"lat", "lon", "square"}


def test_a_position_has_a_field_for_every_column_and_its_square() -> None:
    assert set(Position.model_fields) == columns(positions) | OF_THE_GRID_REFERENCE


def test_a_position_carries_every_column_of_its_row(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    reference = grid.snap(34.55, 38.28, 1_000)

    def store(connection: sa.Connection) -> sa.Row[Any]:
        position_id = zone_store.insert_position(
            connection,
            agreement_id=AGREEMENT_ID,
            party="IL",
            name="Forward base",
            kind=PositionKind.BASE,
            mgrs=reference,
            valid_from=clock.now(),
            valid_until=None,
            declared_at=clock.now(),
            declared_by=users["il-duty-officer"].id,
        )
        return zone_store.get_position(connection, position_id)

    row = run_now(engine, store)
    position = position_of(row)
    assert differences(position, row) == {}
    assert (position.lat, position.lon) == grid.centre(reference)
    assert position.square == dict(grid.square(reference).__geo_interface__)
