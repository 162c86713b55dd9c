"""The file store: each file once by its SHA-256, in pieces that give it back whole; and the
migration that moved the rounds' files into it moves them back and forth without a byte lost."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from clearline import demo
from clearline.services.record.uploads import CHUNK
from clearline.store import blobs
from clearline.store.database import MIGRATIONS, migrate
from tests.conftest import Line

ROUNDS = f"/v1/agreements/{demo.AGREEMENT_ID}/rounds"
MINUTES = b"%PDF-1.7 " + bytes(range(256)) * (CHUNK // 100)
"""A little over two and a half pieces."""


def test_the_same_bytes_are_kept_once_and_given_back_whole(engine: Engine) -> None:
    sha = hashlib.sha256(MINUTES).hexdigest()
    pieces = [MINUTES[at : at + CHUNK] for at in range(0, len(MINUTES), CHUNK)]
    with engine.begin() as connection:
        blobs.keep(connection, sha, len(MINUTES), pieces)
        blobs.keep(connection, sha, len(MINUTES), pieces)
        assert blobs.pieces(connection, sha) == 3
        assert b"".join(blobs.piece(connection, sha, n) for n in range(3)) == MINUTES
        assert blobs.pieces(connection, "0" * 64) == 0
        count = connection.execute(sa.text("SELECT count(*) FROM blobs")).scalar_one()
    assert count == 1


def test_the_rounds_files_move_out_of_the_store_and_back_unchanged(
    line: Line, engine: Engine
) -> None:
    opened = line.post(
        "AZ",
        ROUNDS,
        "mediator",
        json={"place": "Baku", "starts_on": "2026-11-24", "ends_on": "2026-11-25"},
    )
    assert opened.status_code == 201, opened.text
    attached = line.client.post(
        f"{ROUNDS}/1/attachments",
        params={"name": "minutes.pdf"},
        content=MINUTES,
        headers={**line.headers("IL", "liaison_officer"), "Content-Type": "application/pdf"},
    )
    assert attached.status_code == 201, attached.text

    _migrate(engine, "0010")
    with engine.connect() as connection:
        content = connection.execute(sa.text("SELECT content FROM round_attachments")).scalar()
        tables = set(sa.inspect(connection).get_table_names())
    assert content == MINUTES and "blobs" not in tables

    migrate(engine)
    back = line.get("TR", f"{ROUNDS}/1/attachments/minutes.pdf")
    assert back.status_code == 200 and back.content == MINUTES
    assert back.headers["x-clearline-sha256"] == hashlib.sha256(MINUTES).hexdigest()


def _migrate(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
