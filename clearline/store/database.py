"""Opening the store: one engine per process, SQLite or PostgreSQL by URL, migrated by Alembic."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

DEFAULT_DB = "clearline.db"
MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(db: str | None = None) -> str:
    """The SQLAlchemy URL for ``--db``, else ``CLEARLINE_DB``, else ``clearline.db`` here.

    A plain path means SQLite; ``postgresql://`` URLs are given the psycopg 3 driver.
    """
    value = db or os.environ.get("CLEARLINE_DB") or DEFAULT_DB
    if value.startswith("postgresql://"):
        return "postgresql+psycopg://" + value.removeprefix("postgresql://")
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for any other back-end."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


def create_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the durability settings the line promises: nothing is acknowledged to a
    client before it is on disk (SQLite: WAL with synchronous=FULL).

    JSON columns are read with orjson, six times faster than the standard library on the
    footprints of notices, which a restart reads by the hundred thousand to rebuild the
    conflict index; they are written as standard JSON, refusing NaN, so orjson reads them all.
    """
    kwargs = {"json_deserializer": orjson.loads, "json_serializer": _json, **kwargs}
    if sa.make_url(url).get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True, **kwargs)
    engine = sa.create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
    )
    sa.event.listen(engine, "connect", _configure_sqlite)
    sa.event.listen(engine, "begin", _begin_sqlite)
    return engine


def _json(value: Any) -> str:
    return json.dumps(value, allow_nan=False)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # The stdlib driver opens transactions lazily and breaks SAVEPOINT; SQLAlchemy's documented
    # remedy is to switch its transaction handling off and emit BEGIN ourselves (_begin_sqlite).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    # Checkpoints run in the background (see ``checkpoint``), not inside a client's commit.
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _begin_sqlite(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def checkpoint(engine: Engine) -> None:
    """Copy the SQLite write-ahead log into the database, beside the writer, never blocking it.

    Left to SQLite, a checkpoint runs inside whichever commit fills the log, and that client
    waits for 4 MB to be copied and the database file to be synced. Run often from here, the
    log is also reused from its start instead of growing, which keeps each commit's sync cheap.
    A no-op on PostgreSQL.
    """
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration; a no-op on an up-to-date database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
