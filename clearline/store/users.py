"""Users and their API tokens (stored as hashes only)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from clearline.model.user import Language, Role, User
from clearline.store.schema import insert_returning_id, tokens, users


def insert_user(
    connection: Connection, name: str, party: str, role: Role, language: Language, now: datetime
) -> User:
    user_id = insert_returning_id(
        connection,
        users.insert().values(name=name, party=party, role=role, language=language, created_at=now),
    )
    return User(id=user_id, name=name, party=party, role=role, language=language)


def get_user(connection: Connection, user_id: int) -> User | None:
    return _one(connection, users.c.id == user_id)


def user_by_name(connection: Connection, name: str) -> User | None:
    return _one(connection, users.c.name == name)


def user_by_token_hash(connection: Connection, token_hash: str) -> User | None:
    row = connection.execute(
        sa.select(users)
        .join(tokens, tokens.c.user_id == users.c.id)
        .where(tokens.c.hash == token_hash)
    ).first()
    return None if row is None else _user(row)


def set_password_hash(connection: Connection, user_id: int, password_hash: str) -> None:
    connection.execute(
        users.update().where(users.c.id == user_id).values(password_hash=password_hash)
    )


def password_hash_of(connection: Connection, name: str) -> tuple[User, str | None] | None:
    row = connection.execute(sa.select(users).where(users.c.name == name)).first()
    return None if row is None else (_user(row), row.password_hash)


def set_language(connection: Connection, user_id: int, language: Language) -> None:
    connection.execute(users.update().where(users.c.id == user_id).values(language=language))


def insert_token(
    connection: Connection, token_hash: str, user_id: int, label: str, now: datetime
) -> None:
    connection.execute(
        tokens.insert().values(hash=token_hash, user_id=user_id, label=label, created_at=now)
    )


def delete_token(connection: Connection, token_hash: str) -> None:
    connection.execute(tokens.delete().where(tokens.c.hash == token_hash))


def _one(connection: Connection, where: sa.ColumnElement[bool]) -> User | None:
    row = connection.execute(sa.select(users).where(where)).first()
    return None if row is None else _user(row)


def _user(row: sa.Row[object]) -> User:
    return User(
        id=row.id,  # type: ignore[attr-defined]
        name=row.name,  # type: ignore[attr-defined]
        party=row.party,  # type: ignore[attr-defined]
        role=Role(row.role),  # type: ignore[attr-defined]
        language=Language(row.language),  # type: ignore[attr-defined]
    )
