"""Shared fixtures: a store on each back-end, the demo line, a fixed clock and API clients.

The store and hotline tests run on SQLite and on PostgreSQL. ``make test`` provides a
throw-away PostgreSQL (pg_virtualenv) in ``CLEARLINE_TEST_POSTGRES``; each test gets a schema
of its own there. Without it (a bare ``pytest``) the PostgreSQL cases are skipped, unless
``CLEARLINE_REQUIRE_POSTGRES`` is set, as ``make test`` does, where they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from clearline import demo
from clearline.api.app import create_app
from clearline.clock import FixedClock
from clearline.model.agreement import INSTALLATION, Party
from clearline.model.user import Language, Role, User
from clearline.runtime.loops import watch
from clearline.services.access import accounts
from clearline.services.access import tokens as token_service
from clearline.services.agreements import create_agreement
from clearline.store import users as user_store
from clearline.store.database import create_engine, database_url, migrate
from clearline.store.writer import run_now
from tests.support.receiver import Receiver, receiving
from tests.support.theatre import Files
from tests.support.tracks import Reports

START = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


def _postgres_url() -> str:
    url = os.environ.get("CLEARLINE_TEST_POSTGRES")
    if url:
        return database_url(url)
    if os.environ.get("CLEARLINE_REQUIRE_POSTGRES"):
        pytest.fail("CLEARLINE_TEST_POSTGRES is not set: run the suite with `make test`")
    pytest.skip("PostgreSQL cases need CLEARLINE_TEST_POSTGRES (make test sets it)")


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated-on-demand database on each back-end."""
    if request.param == "sqlite":
        yield database_url(str(tmp_path / "line.db"))
        return
    base = _postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    yield f"{base}?options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return database_url(str(tmp_path / "line.db"))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def tokens(engine: Engine, clock: FixedClock) -> demo.Tokens:
    """The demo line (IL, TR, AZ mediating) with a token for every role."""
    return run_now(engine, lambda c: demo.create_demo(c, clock.now()))


@pytest.fixture
def users(engine: Engine, tokens: demo.Tokens) -> dict[str, User]:
    """Demo users by name, e.g. ``users["il-duty-officer"]``."""

    def load(connection: sa.Connection) -> dict[str, User]:
        found = {}
        for party, roles in tokens.items():
            for role in roles:
                name = f"{party.lower()}-{Role(role).replace('_', '-')}"
                user = user_store.user_by_name(connection, name)
                assert user is not None
                found[name] = user
        return found

    return run_now(engine, load)


@pytest.fixture
def operator(engine: Engine, clock: FixedClock) -> dict[str, str]:
    """Headers of the installation's operator, ``ops``, with a token of its own."""

    def setup(connection: sa.Connection) -> str:
        accounts.add_user(connection, "ops", INSTALLATION, Role.OPERATOR, Language.EN, clock.now())
        return token_service.create(connection, "ops", "test", clock.now())

    return {"Authorization": f"Bearer {run_now(engine, setup)}"}


class Line(Files, Reports):
    """A test client of the running app that acts as any demo user."""

    def __init__(self, client: TestClient, tokens: demo.Tokens) -> None:
        self.client = client
        self.tokens = tokens

    def watch(self) -> int:
        """One look at deadlines and line checks, at the fixed clock's time."""
        return self.client.portal.call(watch, self.client.app.state.runtime)  # type: ignore[union-attr]


@pytest.fixture
def line(db_url: str, tokens: demo.Tokens, clock: FixedClock) -> Iterator[Line]:
    app = create_app(db_url, clock=clock, watch_interval_s=None)
    with TestClient(app) as client:
        yield Line(client, tokens)


def warning(
    to: str | list[str] = "IL", precedence: str = "FLASH", free_text: str | None = None, **body: Any
) -> dict[str, Any]:
    """A well-formed warning request."""
    return {
        "free_text": free_text,
        "to": to,
        "type": "warning",
        "precedence": precedence,
        "body": {
            "hazard": "air_strike",
            "location": {"lat": 34.55, "lon": 38.28},
            "radius_m": 20_000,
            **body,
        },
    }


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A paging system on 127.0.0.1 that takes what it is sent (see ``Receiver.fail``)."""
    with receiving() as receiver:
        yield receiver


IL_RU = "il-ru-syria"
"""A second agreement, for tests of isolation: IL also has a line with RU."""


def add_il_ru(engine: Engine, tokens: demo.Tokens, clock: FixedClock) -> None:
    """The IL–RU agreement (no mediator) and an RU duty officer who can sign in."""

    def setup(connection: sa.Connection) -> str:
        create_agreement(
            connection,
            IL_RU,
            "Israel–Russia deconfliction line (Syria)",
            [demo.ISRAEL, Party(code="RU", name="Russian Armed Forces")],
            [],
            clock.now(),
        )
        accounts.add_user(
            connection, "ru-duty-officer", "RU", Role.DUTY_OFFICER, Language.EN, clock.now()
        )
        return token_service.create(connection, "ru-duty-officer", "test", clock.now())

    tokens["RU"] = {Role.DUTY_OFFICER: run_now(engine, setup)}
