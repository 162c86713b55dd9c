"""A notice is built from its rows in one place: every column of the notice and of each
version reaches the record, and a version reads back as it was filed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.demo import AGREEMENT_ID
from clearline.model.notice import ActivityKind, Notice, NoticeVersion, Sharing, Volume
from clearline.model.user import User
from clearline.store import notices as notice_store
from clearline.store.schema import notice_versions, notices
from clearline.store.writer import run_now
from tests.support.records import columns, differences

OF_THE_CURRENT_VERSION = {"version", "sharing", "starts_at", "ends_at", "filed_by"}
"""Columns of a notice copied from its current version, to filter on: the record has them in
its versions."""
REPLAY_KEYS = {"idempotency_key", "request_hash"}


def test_a_notice_has_a_field_for_every_column_but_its_current_version_and_replay_keys() -> None:
    kept = columns(notices) - OF_THE_CURRENT_VERSION - REPLAY_KEYS
    assert set(Notice.model_fields) == kept | {"versions"}
    assert set(NoticeVersion.model_fields) == columns(notice_versions) - {"notice_id"}


def test_a_notice_reads_back_with_every_column_and_its_version_as_filed(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    start = clock.now() + timedelta(hours=1)
    square = [[[38.2, 34.5], [38.3, 34.5], [38.3, 34.6], [38.2, 34.5]]]
    polygon = {"type": "Polygon", "coordinates": square}
    volume = Volume(
        input={"geometry": polygon},
        footprint=polygon,
        alt_lower_ft=0,
        alt_upper_ft=10_000,
        start=start,
        end=start + timedelta(hours=2),
    )
    filed = NoticeVersion(
        version=1,
        volumes=(volume,),
        sharing=Sharing.BLIND,
        free_text="low pass",
        filed_at=clock.now(),
        filed_by=users["il-duty-officer"].id,
        lead_s=3_600,
        late_s=0,
        protocol_version=1,
    )

    def store(connection: sa.Connection) -> tuple[Notice | None, sa.Row[Any], sa.Row[Any]]:
        notice_id = notice_store.insert(
            connection, AGREEMENT_ID, "IL", ActivityKind.UAV_FLIGHT, filed, "key", "hash"
        )
        row = connection.execute(sa.select(notices).where(notices.c.id == notice_id)).one()
        versions = sa.select(notice_versions).where(notice_versions.c.notice_id == notice_id)
        version = connection.execute(versions).one()
        return notice_store.get(connection, notice_id), row, version

    notice, row, version = run_now(engine, store)
    assert notice is not None
    assert notice.versions == (filed,)
    assert differences(notice, row) == {}
    assert differences(notice.current, version).keys() == {"volumes"}  # stored as JSON
