"""The store every benchmark runs on: a fresh SQLite file with the demo agreement.

Beside the benchmarks (``python bench/NAME.py`` puts this folder first on the path).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from clearline import demo
from clearline.model.user import User
from clearline.store import database
from clearline.store import users as user_store

PARTIES = (demo.ISRAEL.code, demo.TURKEY.code)


@dataclass
class Store:
    engine: sa.Engine
    path: Path
    users: dict[str, User]
    """Each party's demo user of the role the benchmark acts as."""

    def megabytes(self) -> float:
        """The database and its write-ahead log."""
        files = self.path.parent.glob(self.path.name + "*")
        return sum(p.stat().st_size for p in files) / 1e6

    def count(self, table: sa.Table) -> int:
        with self.engine.connect() as connection:
            found = connection.execute(sa.select(sa.func.count()).select_from(table)).one()[0]
            connection.rollback()
        return int(found)


def open_store(db: Path, now: datetime, role: str) -> Store:
    """A fresh, migrated SQLite store (WAL, synchronous=FULL) with the demo agreement, created
    at ``now``; each party's demo user of ``role`` (as in ``duty-officer``)."""
    store_engine = database.create_engine(database.database_url(str(db)))
    database.migrate(store_engine)
    users: dict[str, User] = {}
    with store_engine.begin() as connection:
        demo.create_demo(connection, now)
        for party in PARTIES:
            user = user_store.user_by_name(connection, f"{party.lower()}-{role}")
            assert user is not None, f"the demo has a {role} per party"
            users[party] = user
    return Store(store_engine, db, users)
