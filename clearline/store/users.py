"""Users and their API tokens (stored as hashes only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import Connection

from clearline.model.token import TOKEN_ID_LENGTH, Credential, Token, TokenScope
from clearline.model.user import Language, Role, User
from clearline.store.schema import insert_returning_id, tokens, users


def insert_user(
    connection: Connection, name: str, party: str, role: Role, language: Language, now: datetime
) -> User:
    user_id = insert_returning_id(
        connection,
        users.insert().values(
            name=name, party=party, role=role, language=language, created_at=now, active=True
        ),
    )
    return User(id=user_id, name=name, party=party, role=role, language=language)


def get_user(connection: Connection, user_id: int) -> User | None:
    return _one(connection, users.c.id == user_id)


def user_by_name(connection: Connection, name: str) -> User | None:
    return _one(connection, users.c.name == name)


def credential_by_token_hash(connection: Connection, token_hash: str) -> Credential | None:
    """The user and the token, revoked or expired as it may be: the service judges."""
    row = connection.execute(
        sa.select(users, *_TOKEN_COLUMNS)
        .join(tokens, tokens.c.user_id == users.c.id)
        .where(tokens.c.hash == token_hash)
    ).first()
    return None if row is None else Credential(user=_user(row), token=_token(row))


def set_password_hash(connection: Connection, user_id: int, password_hash: str) -> None:
    connection.execute(
        users.update().where(users.c.id == user_id).values(password_hash=password_hash)
    )


def password_hash_of(connection: Connection, name: str) -> tuple[User, str | None] | None:
    row = connection.execute(sa.select(users).where(users.c.name == name)).first()
    return None if row is None else (_user(row), row.password_hash)


def set_language(connection: Connection, user_id: int, language: Language) -> None:
    connection.execute(users.update().where(users.c.id == user_id).values(language=language))


def update_user(connection: Connection, user: User) -> None:
    """Its role, language and whether it is active, as given."""
    connection.execute(
        users.update()
        .where(users.c.id == user.id)
        .values(role=user.role, language=user.language, active=user.active)
    )


def users_of(connection: Connection, party: str) -> list[User]:
    query = sa.select(users).where(users.c.party == party).order_by(users.c.name)
    return [_user(row) for row in connection.execute(query)]


def insert_token(
    connection: Connection,
    token_hash: str,
    user_id: int,
    label: str,
    now: datetime,
    scope: TokenScope = TokenScope.FULL,
    expires_at: datetime | None = None,
) -> None:
    connection.execute(
        tokens.insert().values(
            hash=token_hash,
            user_id=user_id,
            label=label,
            created_at=now,
            scope=scope,
            expires_at=expires_at,
        )
    )


def delete_token(connection: Connection, token_hash: str) -> None:
    connection.execute(tokens.delete().where(tokens.c.hash == token_hash))


def tokens_of(connection: Connection, party: str, user_id: int | None = None) -> list[Token]:
    """The party's tokens (one user's, where named), newest first."""
    query = (
        sa.select(users, *_TOKEN_COLUMNS)
        .join(tokens, tokens.c.user_id == users.c.id)
        .where(users.c.party == party)
        .order_by(tokens.c.created_at.desc(), tokens.c.hash)
    )
    if user_id is not None:
        query = query.where(users.c.id == user_id)
    return [_token(row) for row in connection.execute(query)]


def credential_by_token_id(connection: Connection, token_id: str) -> tuple[str, Credential] | None:
    """The full hash a token's id starts, with its user and token; None where no token, or
    more than one, has that id."""
    rows = connection.execute(
        sa.select(users, *_TOKEN_COLUMNS)
        .join(tokens, tokens.c.user_id == users.c.id)
        .where(tokens.c.hash.startswith(token_id, autoescape=True))
        .limit(2)
    ).all()
    if len(rows) != 1:
        return None
    return rows[0].hash, Credential(user=_user(rows[0]), token=_token(rows[0]))


def mark_revoked(connection: Connection, token_hash: str, by: str, now: datetime) -> None:
    connection.execute(
        tokens.update().where(tokens.c.hash == token_hash).values(revoked_at=now, revoked_by=by)
    )


_TOKEN_COLUMNS = (
    tokens.c.hash,
    tokens.c.label,
    tokens.c.scope,
    tokens.c.created_at.label("token_created_at"),
    tokens.c.expires_at,
    tokens.c.revoked_at,
    tokens.c.revoked_by,
)


def _token(row: Any) -> Token:
    return Token(
        id=row.hash[:TOKEN_ID_LENGTH],
        user=row.name,
        party=row.party,
        label=row.label,
        scope=TokenScope(row.scope),
        created_at=row.token_created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        revoked_by=row.revoked_by,
    )


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
        active=row.active,  # type: ignore[attr-defined]
        second_factor=row.totp_secret is not None,  # type: ignore[attr-defined]
    )


class SecondFactor(NamedTuple):
    """A user's TOTP secret in force, one waiting to be confirmed, and the last step used."""

    secret: str | None
    pending: str | None
    step: int | None


def second_factor_of(connection: Connection, user_id: int) -> SecondFactor:
    row = connection.execute(
        sa.select(users.c.totp_secret, users.c.totp_pending, users.c.totp_step).where(
            users.c.id == user_id
        )
    ).one()
    return SecondFactor(row.totp_secret, row.totp_pending, row.totp_step)


def keep_pending(connection: Connection, user_id: int, pending: str) -> None:
    connection.execute(users.update().where(users.c.id == user_id).values(totp_pending=pending))


def set_second_factor(
    connection: Connection, user_id: int, secret: str | None, step: int | None
) -> None:
    """The secret in force (None: none) and the step last used; nothing left pending."""
    connection.execute(
        users.update()
        .where(users.c.id == user_id)
        .values(totp_secret=secret, totp_step=step, totp_pending=None)
    )


def use_step(connection: Connection, user_id: int, step: int) -> None:
    connection.execute(users.update().where(users.c.id == user_id).values(totp_step=step))
