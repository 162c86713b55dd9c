"""Users and API tokens. Tokens are random and long, so a SHA-256 of them is what we keep."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import Connection

from clearline.model.errors import conflict, invalid, not_found
from clearline.model.user import Language, Role, User
from clearline.store import agreements as agreement_store
from clearline.store import users as user_store

TOKEN_PREFIX = "cl_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(
    connection: Connection, name: str, party: str, role: Role, language: Language, now: datetime
) -> User:
    if not agreement_store.party_exists(connection, party):
        raise not_found("party", f"no party with code {party!r}")
    if user_store.user_by_name(connection, name) is not None:
        raise conflict("name", f"a user named {name!r} exists already")
    if not name.strip():
        raise invalid("name", "must not be empty")
    return user_store.insert_user(connection, name, party, role, language, now)


def create_token(connection: Connection, user_name: str, label: str, now: datetime) -> str:
    """A new bearer token for the user; the only time it is ever shown in clear."""
    user = user_store.user_by_name(connection, user_name)
    if user is None:
        raise not_found("user", f"no user named {user_name!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    user_store.insert_token(connection, hash_token(token), user.id, label, now)
    return token


def authenticate(connection: Connection, token: str) -> User | None:
    return user_store.user_by_token_hash(connection, hash_token(token))
