"""Rounds of talks and the files of their minutes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from clearline.model.attachment import Attachment
from clearline.model.round import Round
from clearline.store import schema
from clearline.store.schema import round_attachments, rounds

r, a = rounds.c, round_attachments.c


def next_number(connection: Connection, agreement_id: str) -> int:
    return schema.next_number(connection, rounds, agreement_id)


def insert(connection: Connection, round: Round) -> None:
    connection.execute(rounds.insert().values(**_row(round)))


def update(connection: Connection, round: Round) -> None:
    """Write the round back whole: its lists are small, and one writer changes them."""
    connection.execute(
        rounds.update()
        .where(r.agreement_id == round.agreement_id, r.number == round.number)
        .values(**_row(round))
    )


def get(connection: Connection, agreement_id: str, number: int) -> Round | None:
    found = of_agreement(connection, agreement_id, r.number == number)
    return found[0] if found else None


def of_agreement(
    connection: Connection, agreement_id: str, where: sa.ColumnElement[bool] | None = None
) -> list[Round]:
    """The agreement's rounds, newest first."""
    query = sa.select(rounds).where(r.agreement_id == agreement_id)
    if where is not None:
        query = query.where(where)
    rows = connection.execute(query.order_by(r.number.desc())).all()
    files = _attachments(connection, agreement_id)
    return [
        Round.model_validate({**row._asdict(), "attachments": files.get(row.number, ())})
        for row in rows
    ]


def insert_attachment(
    connection: Connection, agreement_id: str, number: int, attachment: Attachment
) -> None:
    connection.execute(
        round_attachments.insert().values(
            agreement_id=agreement_id, round=number, **attachment.model_dump()
        )
    )


def _attachments(connection: Connection, agreement_id: str) -> dict[int, tuple[Attachment, ...]]:
    query = (
        sa.select(round_attachments)
        .where(a.agreement_id == agreement_id)
        .order_by(a.added_at, a.name)
    )
    found: dict[int, list[Attachment]] = {}
    for row in connection.execute(query):
        found.setdefault(row.round, []).append(Attachment.model_validate(row._asdict()))
    return {number: tuple(files) for number, files in found.items()}


def _row(round: Round) -> dict[str, Any]:
    row = round.model_dump(mode="json", exclude={"attachments"})
    return {
        **row,
        "starts_on": round.starts_on,
        "ends_on": round.ends_on,
        "created_at": round.created_at,
        "closed_at": round.closed_at,
    }
