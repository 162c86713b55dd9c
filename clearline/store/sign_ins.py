"""Console sign-in attempts, kept only as long as the throttle looks back."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from clearline.store.schema import sign_in_attempts


def record(connection: Connection, name: str, address: str, at: datetime) -> None:
    connection.execute(sign_in_attempts.insert().values(name=name, address=address, at=at))


def times(connection: Connection, by: str, value: str, since: datetime) -> list[datetime]:
    """When the name or the address (``by``) was tried since then, oldest first."""
    column = sign_in_attempts.c[by]
    rows = connection.execute(
        sa.select(sign_in_attempts.c.at)
        .where(column == value, sign_in_attempts.c.at > since)
        .order_by(sign_in_attempts.c.at)
    )
    return [row.at for row in rows]


def forget_name(connection: Connection, name: str) -> None:
    connection.execute(sign_in_attempts.delete().where(sign_in_attempts.c.name == name))


def forget_until(connection: Connection, until: datetime) -> None:
    connection.execute(sign_in_attempts.delete().where(sign_in_attempts.c.at <= until))
