"""Opening the store: URLs, durability settings, migrations."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from clearline.store.database import (
    MIGRATIONS,
    checkpoint,
    create_engine,
    database_url,
    migrate,
    sqlite_path,
)
from clearline.store.schema import metadata


def test_a_plain_path_is_sqlite(tmp_path: Path) -> None:
    url = database_url(str(tmp_path / "a.db"))
    assert url == f"sqlite:///{tmp_path / 'a.db'}"
    assert sqlite_path(url) == tmp_path / "a.db"


def test_the_environment_names_the_database_when_no_option_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CLEARLINE_DB", "postgresql://line@db/clearline")
    assert database_url() == "postgresql+psycopg://line@db/clearline"
    assert database_url("other.db").endswith("/other.db")
    assert sqlite_path(database_url()) is None


def test_sqlite_is_durable_before_it_answers(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_migrating_twice_changes_nothing(engine: Engine) -> None:
    migrate(engine)
    with engine.connect() as connection:
        version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        tables = set(sa.inspect(connection).get_table_names())
    assert version == ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert {"messages", "recipients", "events", "event_audience", "lines", "tokens"} <= tables
    assert {"ledger_entries", "ledger_subtrees", "ledger_heads"} <= tables
    assert {"notices", "notice_versions", "zones", "positions", "conflicts"} <= tables
    assert {"tracks", "track_reports", "encounters", "encounter_alerts", "track_queries"} <= tables


def test_the_migrations_build_exactly_the_schema_the_code_uses(engine: Engine) -> None:
    migrate(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        drift = compare_metadata(context, metadata)
    assert drift == []


def test_sqlite_checkpoints_only_when_asked_and_then_the_file_holds_every_commit(
    sqlite_url: str, tmp_path: Path
) -> None:
    engine = create_engine(sqlite_url)
    migrate(engine)
    with engine.begin() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        connection.exec_driver_sql("CREATE TABLE filler (x)")
    database = sqlite_path(sqlite_url)
    assert database is not None
    assert "filler" not in _tables_in_file_alone(database, tmp_path / "before.db")
    checkpoint(engine)
    assert "filler" in _tables_in_file_alone(database, tmp_path / "after.db")
    engine.dispose()


def _tables_in_file_alone(database: Path, copy: Path) -> set[str]:
    """The tables in the database file itself, without what is still only in its log."""
    shutil.copyfile(database, copy)
    with contextlib.closing(sqlite3.connect(copy)) as connection:
        return {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
