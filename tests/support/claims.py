"""Taking a node's claim away from outside, as a failover or an operator would.

On PostgreSQL the session holding the advisory lock is terminated, which is what a lost
connection does to it; on SQLite a copy of the database is put in place of the claimed file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clearline.store.claim import advisory_key
from clearline.store.database import sqlite_path


def take_away(engine: Engine) -> None:
    """End whatever holds the claim on ``engine``'s database, from outside the claim."""
    path = sqlite_path(str(engine.url))
    if path is not None:
        _restore_over(path)
        return
    with engine.connect() as connection:
        database, schema = connection.execute(
            sa.text("SELECT current_database(), current_schema()")
        ).one()
        key = advisory_key(database, schema)
        holder = connection.execute(
            sa.text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND classid = CAST(:high AS oid) AND objid = CAST(:low AS oid)"
                " AND objsubid = 1"
            ),
            {"high": (key >> 32) & 0xFFFFFFFF, "low": key & 0xFFFFFFFF},
        ).scalar_one()
        assert connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": holder})


def _restore_over(path: Path) -> None:
    """Put a copy of the SQLite database in its place, as a restore from backup would: the
    node's open connections keep the moved original, its new ones find the copy."""
    copy = path.with_name("restored.db")
    with (
        contextlib.closing(sqlite3.connect(path)) as source,
        contextlib.closing(sqlite3.connect(copy)) as target,
    ):
        source.backup(target)
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{path}{suffix}").exists():
            os.rename(f"{path}{suffix}", f"{path}.moved{suffix}")
    os.rename(copy, path)
