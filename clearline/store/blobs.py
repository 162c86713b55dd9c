"""The file store: each file once, under its SHA-256, in pieces (``schema.blob_chunks``)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import Connection

from clearline.store.schema import blob_chunks, blobs

b, c = blobs.c, blob_chunks.c


def keep(connection: Connection, sha256: str, size: int, pieces: Iterable[bytes]) -> None:
    """Store a file unless the same bytes are stored already; the caller vouches that
    ``pieces`` hash to ``sha256``."""
    if connection.execute(sa.select(b.size).where(b.sha256 == sha256)).first() is not None:
        return
    connection.execute(blobs.insert().values(sha256=sha256, size=size))
    for n, piece in enumerate(pieces):
        connection.execute(blob_chunks.insert().values(sha256=sha256, n=n, data=piece))


def pieces(connection: Connection, sha256: str) -> int:
    """How many pieces the file is kept in; 0 where it is not kept."""
    query = sa.select(sa.func.count()).select_from(blob_chunks).where(c.sha256 == sha256)
    return int(connection.execute(query).scalar_one())


def piece(connection: Connection, sha256: str, n: int) -> bytes:
    query = sa.select(c.data).where(c.sha256 == sha256, c.n == n)
    return bytes(connection.execute(query).scalar_one())
