"""Users and their passwords (tokens are ``services.tokens``)."""

from __future__ import annotations

from datetime import datetime

import argon2
from sqlalchemy import Connection

from clearline.model.errors import conflict, invalid, not_found, unauthenticated
from clearline.model.user import Language, Role, User
from clearline.store import agreements as agreement_store
from clearline.store import users as user_store

MIN_PASSWORD = 8
_HASHER = argon2.PasswordHasher()


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


def set_password(connection: Connection, user_name: str, password: str) -> None:
    """Keep only the argon2 hash (argon2-cffi's defaults, RFC 9106's second recommendation)."""
    user = user_store.user_by_name(connection, user_name)
    if user is None:
        raise not_found("user", f"no user named {user_name!r}")
    if len(password) < MIN_PASSWORD:
        raise invalid("password", f"at least {MIN_PASSWORD} characters")
    user_store.set_password_hash(connection, user.id, _HASHER.hash(password))


def check_password(connection: Connection, name: str, password: str) -> User:
    """The user, if the password is theirs; the same refusal for an unknown name and a wrong
    password, so that a guesser learns nothing about who exists."""
    found = user_store.password_hash_of(connection, name)
    refused = unauthenticated("password", "wrong name or password")
    user, password_hash = found if found is not None else (None, None)
    if user is None or password_hash is None:
        _HASHER.hash(password)  # as slow as a real check: timing tells nothing either
        raise refused
    try:
        _HASHER.verify(password_hash, password)
    except argon2.exceptions.VerificationError:
        raise refused from None
    return user


def set_language(connection: Connection, user: User, language: Language) -> User:
    user_store.set_language(connection, user.id, language)
    return user.model_copy(update={"language": language})
