"""The node's claim on its database: one node per database, on each back-end."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from clearline.store.claim import Claim, ClaimLost, ClaimRefused
from clearline.store.database import create_engine
from clearline.store.writer import Writer
from tests.support.claims import take_away


@contextlib.contextmanager
def claimed(engine: Engine) -> Iterator[Claim]:
    claim = Claim(engine)
    claim.take()
    try:
        yield claim
    finally:
        claim.release()


@contextlib.contextmanager
def second_node(engine: Engine) -> Iterator[Engine]:
    """An engine of another process's making on the same database."""
    other = create_engine(engine.url.render_as_string(hide_password=False))
    try:
        yield other
    finally:
        other.dispose()


@contextlib.contextmanager
def another_database(engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """A database beside ``engine``'s: another schema of the same PostgreSQL database, or
    another SQLite file in the same folder."""
    if engine.dialect.name == "sqlite":
        other = create_engine(f"sqlite:///{tmp_path / 'other.db'}")
        yield other
        other.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    base = engine.url.difference_update_query(["options"])
    url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    other = create_engine(url.render_as_string(hide_password=False))
    try:
        yield other
    finally:
        other.dispose()
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")


def test_a_second_node_is_refused_while_the_first_holds_the_database(engine: Engine) -> None:
    with claimed(engine) as first, second_node(engine) as other:
        first.take()  # taking it again is the same claim, not a second one
        first.verify()
        with pytest.raises(ClaimRefused, match="another clearline node serves"):
            Claim(other).take()


def test_the_database_is_free_again_once_its_node_releases_it(engine: Engine) -> None:
    with claimed(engine):
        pass
    with second_node(engine) as other, claimed(other) as second:
        second.verify()


def test_nodes_on_different_schemas_or_files_do_not_exclude_each_other(
    engine: Engine, tmp_path: Path
) -> None:
    with claimed(engine), another_database(engine, tmp_path) as other, claimed(other) as beside:
        beside.verify()


def test_a_claim_taken_away_is_lost_for_good_and_says_why(engine: Engine) -> None:
    with claimed(engine) as claim:
        take_away(engine)
        with pytest.raises(ClaimLost, match="this node lost its claim on the database: ") as lost:
            claim.verify()
        assert claim.lost == str(lost.value)
        with pytest.raises(ClaimLost, match="lost its claim"):
            claim.verify()  # even if the database looks fine again now
    with second_node(engine) as other, claimed(other) as second:
        second.verify()


def test_a_writer_that_lost_its_claim_refuses_every_operation_without_running_it(
    engine: Engine,
) -> None:
    ran: list[int] = []

    def operation(_connection: Connection) -> None:
        ran.append(1)

    async def write_after_the_loss(claim: Claim) -> list[BaseException | None]:
        writer = Writer(engine, lambda _events: None, claim=claim)
        writer.start()
        try:
            await writer.run(operation)
            take_away(engine)
            tried = writer.run(operation), writer.run(operation)
            return list(await asyncio.gather(*tried, return_exceptions=True))
        finally:
            await writer.stop()

    with claimed(engine) as claim:
        refused = asyncio.run(write_after_the_loss(claim))
    assert ran == [1]
    assert all(isinstance(r, ClaimLost) for r in refused), refused
