"""Notices and every version of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from clearline.model.notice import (
    ActivityKind,
    Notice,
    NoticeState,
    NoticeVersion,
    Sharing,
)
from clearline.store.schema import insert_returning_id, notice_versions, notices

n = notices.c
_INSERT_VERSION = notice_versions.insert()


def insert(
    connection: Connection,
    agreement_id: str,
    party: str,
    kind: ActivityKind,
    version: NoticeVersion,
    idempotency_key: str,
    request_hash: str,
) -> int:
    notice_id = insert_returning_id(
        connection,
        notices.insert(),
        {
            "agreement_id": agreement_id,
            "party": party,
            "kind": kind,
            "state": NoticeState.PLANNED,
            "version": version.version,
            **_span(version),
            "created_at": version.filed_at,
            "updated_at": version.filed_at,
            "filed_by": version.filed_by,
            "idempotency_key": idempotency_key,
            "request_hash": request_hash,
        },
    )
    add_version(connection, notice_id, version)
    return notice_id


def add_version(connection: Connection, notice_id: int, version: NoticeVersion) -> None:
    row = version.model_dump(mode="json")
    row["filed_at"] = version.filed_at
    connection.execute(_INSERT_VERSION, {"notice_id": notice_id, **row})
    connection.execute(
        notices.update()
        .where(n.id == notice_id)
        .values(version=version.version, updated_at=version.filed_at, **_span(version))
    )


def _span(version: NoticeVersion) -> dict[str, Any]:
    return {
        "sharing": version.sharing,
        "starts_at": min(v.start for v in version.volumes),
        "ends_at": max(v.end for v in version.volumes),
    }


def set_state(connection: Connection, notice_id: int, state: NoticeState, now: datetime) -> None:
    connection.execute(
        notices.update().where(n.id == notice_id).values(state=state, updated_at=now)
    )


def by_idempotency_key(
    connection: Connection, user_id: int, key: str
) -> tuple[int, str | None] | None:
    row = connection.execute(
        sa.select(n.id, n.request_hash).where(n.filed_by == user_id, n.idempotency_key == key)
    ).first()
    return None if row is None else (row.id, row.request_hash)


def get(connection: Connection, notice_id: int) -> Notice | None:
    found = load(connection, n.id == notice_id)
    return found[0] if found else None


def load(
    connection: Connection, where: sa.ColumnElement[bool], limit: int | None = None
) -> list[Notice]:
    """Notices matching ``where``, newest first, each with all its versions."""
    query = sa.select(notices).where(where).order_by(n.id.desc()).limit(limit)
    rows = connection.execute(query).all()
    versions = _versions(connection, [row.id for row in rows])
    return [
        Notice.model_validate({**row._mapping, "versions": tuple(versions[row.id])}) for row in rows
    ]


def live_of(connection: Connection, agreement_id: str, party: str | None) -> list[Notice]:
    """A party's planned and active notices in one agreement (every party's, for None), in
    the order they were filed."""
    states = [NoticeState.PLANNED, NoticeState.ACTIVE]
    where = (n.agreement_id == agreement_id) & n.state.in_(states)
    if party is not None:
        where &= n.party == party
    return sorted(load(connection, where), key=lambda notice: notice.id)


def due(connection: Connection, now: datetime) -> tuple[list[Notice], list[Notice]]:
    """Planned notices that have started, and live ones that have ended, by ``now``."""
    starting = load(connection, (n.state == NoticeState.PLANNED) & (n.starts_at <= now))
    live = n.state.in_([NoticeState.PLANNED, NoticeState.ACTIVE])
    return starting, load(connection, live & (n.ends_at <= now))


def visible_to(
    connection: Connection,
    party: str,
    joined: dict[str, datetime | None],
    state: NoticeState | None,
    limit: int,
) -> list[Notice]:
    """A party's own notices and the shared notices of its agreements' other parties; of an
    agreement it joined later (``joined``: when, by agreement), only those live or changed
    since."""
    live = n.state.in_([NoticeState.PLANNED, NoticeState.ACTIVE])
    shared = sa.or_(
        *(
            (n.agreement_id == agreement_id)
            & (sa.true() if since is None else live | (n.updated_at >= since))
            for agreement_id, since in joined.items()
        ),
        sa.false(),
    )
    where = n.agreement_id.in_(list(joined)) & (
        (n.party == party) | ((n.sharing == Sharing.SHARED) & shared)
    )
    if state is not None:
        where &= n.state == state
    return load(connection, where, limit)


def live_volumes(connection: Connection, agreement_id: str) -> sa.CursorResult[Any]:
    """Id, party, kind, version, volumes, sharing and lateness of every live notice's current
    version, as plain rows: rebuilding the conflict index reads them by the hundred thousand."""
    v = notice_versions.c
    query = (
        sa.select(n.id, n.party, n.kind, n.version, v.volumes, v.sharing, v.late_s)
        .join(notice_versions, (v.notice_id == n.id) & (v.version == n.version))
        .where(
            n.agreement_id == agreement_id,
            n.state.in_([NoticeState.PLANNED, NoticeState.ACTIVE]),
        )
    )
    return connection.execute(query)


def _versions(connection: Connection, ids: list[int]) -> dict[int, list[NoticeVersion]]:
    found: dict[int, list[NoticeVersion]] = {i: [] for i in ids}
    if not ids:
        return found
    query = (
        sa.select(notice_versions)
        .where(notice_versions.c.notice_id.in_(ids))
        .order_by(notice_versions.c.notice_id, notice_versions.c.version)
    )
    for row in connection.execute(query):
        found[row.notice_id].append(NoticeVersion.model_validate(row._mapping))
    return found
