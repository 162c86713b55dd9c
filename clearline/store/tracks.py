"""Tracks, their reports, encounters and identification queries about unknown objects."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import sqlalchemy as sa
from numpy.typing import NDArray
from sqlalchemy import Connection

from clearline.model.message import Point
from clearline.model.track import Encounter, EncounterState
from clearline.store.schema import (
    encounter_alerts,
    encounters,
    insert_returning_id,
    track_queries,
    track_reports,
    tracks,
)

REPORT_COLUMNS = tuple(column.name for column in track_reports.columns)
STATE_COLUMNS = (
    "lat",
    "lon",
    "alt_ft",
    "east_kt",
    "north_kt",
    "vertical_rate_fpm",
    "time_s",
    "accuracy_m",
)
"""A report's numbers in the order the live picture holds them, one row per track (accuracy
NaN where none): ``add_reports`` takes them so."""


def insert_tracks(connection: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """New tracks in one statement; their ids in the order given."""
    statement = tracks.insert().returning(tracks.c.id, sort_by_parameter_order=True)
    return [int(row[0]) for row in connection.execute(statement, rows)]


def update_track(connection: Connection, track_id: int, **values: Any) -> None:
    connection.execute(tracks.update().where(tracks.c.id == track_id).values(**values))


def tracks_of(connection: Connection, agreement_id: str) -> list[sa.Row[Any]]:
    query = sa.select(tracks).where(tracks.c.agreement_id == agreement_id).order_by(tracks.c.id)
    return list(connection.execute(query))


def add_reports(
    connection: Connection, track_ids: NDArray[np.int64], state: NDArray[np.float64]
) -> None:
    """Every report as received: ``state`` rows hold the picture's ``COLUMNS`` (accuracy NaN
    where none). One executemany through the driver: SQLAlchemy's per-row parameter handling
    cost more than the insert itself at 10,000 rows."""
    order = [STATE_COLUMNS.index(column) for column in REPORT_COLUMNS[1:]]
    rows = [
        (track_id, *(None if math.isnan(value) else value for value in values))
        for track_id, values in zip(track_ids.tolist(), state[:, order].tolist(), strict=True)
    ]
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    columns = ", ".join(REPORT_COLUMNS)
    marks = ", ".join([mark] * len(REPORT_COLUMNS))
    connection.exec_driver_sql(f"INSERT INTO track_reports ({columns}) VALUES ({marks})", rows)


def latest_reports(connection: Connection, agreement_id: str, since_s: float) -> list[sa.Row[Any]]:
    """Each track's newest report since ``since_s``: what a restart puts back on the picture."""
    newest = (
        sa.select(track_reports.c.track_id, sa.func.max(track_reports.c.time_s).label("time_s"))
        .join(tracks, tracks.c.id == track_reports.c.track_id)
        .where(tracks.c.agreement_id == agreement_id, track_reports.c.time_s >= since_s)
        .group_by(track_reports.c.track_id)
        .subquery()
    )
    query = sa.select(track_reports).join(
        newest,
        (newest.c.track_id == track_reports.c.track_id)
        & (newest.c.time_s == track_reports.c.time_s),
    )
    return list(connection.execute(query))


def reports_between(
    connection: Connection, track_ids: Iterable[int], start_s: float, end_s: float
) -> list[sa.Row[Any]]:
    query = (
        sa.select(track_reports)
        .where(
            track_reports.c.track_id.in_(list(track_ids)),
            track_reports.c.time_s.between(start_s, end_s),
        )
        .order_by(track_reports.c.time_s, track_reports.c.track_id)
    )
    return list(connection.execute(query))


def insert_encounter(connection: Connection, **values: Any) -> int:
    return insert_returning_id(connection, encounters.insert(), values)


def update_encounter(connection: Connection, encounter_id: int, **values: Any) -> None:
    connection.execute(encounters.update().where(encounters.c.id == encounter_id).values(**values))


def add_alert(connection: Connection, encounter_id: int, message_id: int) -> None:
    connection.execute(
        encounter_alerts.insert(), {"encounter_id": encounter_id, "message_id": message_id}
    )


def encounter(connection: Connection, encounter_id: int) -> Encounter | None:
    row = connection.execute(sa.select(encounters).where(encounters.c.id == encounter_id)).first()
    return None if row is None else _encounters(connection, [row])[0]


def open_encounters(connection: Connection, agreement_id: str) -> list[Encounter]:
    query = sa.select(encounters).where(
        encounters.c.agreement_id == agreement_id, encounters.c.state == EncounterState.OPEN
    )
    return _encounters(connection, list(connection.execute(query)))


def encounters_for(
    connection: Connection, party: str, state: EncounterState | None, limit: int
) -> list[Encounter]:
    query = sa.select(encounters).where(
        (encounters.c.party_a == party) | (encounters.c.party_b == party)
    )
    if state is not None:
        query = query.where(encounters.c.state == state)
    query = query.order_by(encounters.c.id.desc()).limit(limit)
    return _encounters(connection, list(connection.execute(query)))


def insert_query(connection: Connection, **values: Any) -> None:
    connection.execute(track_queries.insert(), values)


def query_of_message(connection: Connection, message_id: int) -> sa.Row[Any] | None:
    return connection.execute(
        sa.select(track_queries).where(track_queries.c.message_id == message_id)
    ).first()


def queries_of(connection: Connection, track_id: int) -> list[sa.Row[Any]]:
    query = sa.select(track_queries).where(track_queries.c.track_id == track_id)
    return list(connection.execute(query))


def queried(connection: Connection, agreement_id: str) -> set[tuple[int, str]]:
    """Every (track, asking party) already queried in an agreement."""
    query = (
        sa.select(track_queries.c.track_id, track_queries.c.asking)
        .join(tracks, tracks.c.id == track_queries.c.track_id)
        .where(tracks.c.agreement_id == agreement_id)
    )
    return {(int(row[0]), str(row[1])) for row in connection.execute(query)}


def answer_query(connection: Connection, message_id: int, answer: str) -> None:
    connection.execute(
        track_queries.update().where(track_queries.c.message_id == message_id).values(answer=answer)
    )


def _encounters(connection: Connection, rows: list[sa.Row[Any]]) -> list[Encounter]:
    alerts: dict[int, list[int]] = {}
    if rows:
        query = (
            sa.select(encounter_alerts)
            .where(encounter_alerts.c.encounter_id.in_([row.id for row in rows]))
            .order_by(encounter_alerts.c.message_id)
        )
        for alert in connection.execute(query):
            alerts.setdefault(alert.encounter_id, []).append(alert.message_id)
    return [_encounter(row, alerts.get(row.id, [])) for row in rows]


def _encounter(row: sa.Row[Any], alert_ids: list[int]) -> Encounter:
    """An encounter from its row: the columns named as its fields, and those that the record
    holds together (its parties, its counterpart, its points)."""
    return Encounter.model_validate(
        {
            **row._mapping,
            "parties": (row.party_a, row.party_b),
            "track": row.track_id,
            "counterpart": {"kind": row.object_kind, "id": row.object_id},
            "counterpart_blind": row.object_blind,
            "point": Point(lat=row.lat, lon=row.lon),
            "ends": _ends(row),
            "alert_ids": tuple(alert_ids),
        }
    )


def _ends(row: sa.Row[Any]) -> dict[str, Point]:
    """Each party's own predicted point, where stored (not on encounters from before 0006)."""
    ends = {row.party_a: (row.a_lat, row.a_lon), row.party_b: (row.b_lat, row.b_lon)}
    return {p: Point(lat=lat, lon=lon) for p, (lat, lon) in ends.items() if lat is not None}
