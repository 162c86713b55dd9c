"""Users and their passwords (tokens are ``services.access.tokens``).

Each party administers its own people: its liaison officer lists, adds, changes and
deactivates them and resets their passwords; nobody manages another party's users, and a
party always keeps an active liaison officer. Every change is an event on the party's record,
without a password or its hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import argon2
from sqlalchemy import Connection

from clearline.model.agreement import INSTALLATION, Party
from clearline.model.errors import conflict, forbidden, invalid, not_found, unauthenticated
from clearline.model.event import EventType
from clearline.model.user import (
    MEDIATOR_ROLES,
    PARTY_ROLES,
    Language,
    Role,
    User,
    UserChange,
    UserRequest,
)
from clearline.services.agreements import keep_party
from clearline.store import agreements as agreement_store
from clearline.store import events as event_store
from clearline.store import users as user_store

MIN_PASSWORD = 8
_HASHER = argon2.PasswordHasher()


def add_user(
    connection: Connection, name: str, party: str, role: Role, language: Language, now: datetime
) -> User:
    """A user set up on the node's database; an operator belongs to the installation."""
    if (role is Role.OPERATOR) != (party == INSTALLATION):
        raise invalid(
            "role", f"an operator belongs to the installation ({INSTALLATION}), and only one does"
        )
    if role is Role.OPERATOR:
        keep_party(connection, Party(code=INSTALLATION, name="the installation"))
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
    if user is None or password_hash is None or not user.active:
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


def people(connection: Connection, actor: User) -> list[User]:
    """The actor's party's users: a liaison officer's to read."""
    _liaison(actor)
    return user_store.users_of(connection, actor.party)


def enrol(connection: Connection, actor: User, request: UserRequest, now: datetime) -> User:
    """A new user of the actor's party, with a console password where given."""
    _liaison(actor)
    _check_role(connection, actor.party, request.role)
    if request.role is Role.SYSTEM and request.password is not None:
        raise invalid("password", "a system account signs in with tokens only, never a password")
    user = add_user(connection, request.name, actor.party, request.role, request.language, now)
    if request.password is not None:
        set_password(connection, user.name, request.password)
    tell_party(connection, EventType.USER_ADDED, actor.party, _about(user, actor, ["added"]), now)
    return user


def change(
    connection: Connection, actor: User, name: str, request: UserChange, now: datetime
) -> User:
    """A role, a language, or whether the user may act at all; what is left out stays."""
    user = theirs(connection, actor, name)
    changes = request.model_dump(exclude_none=True)
    if not changes:
        raise invalid("request", "name what changes: role, language or active")
    if "role" in changes:
        _check_role(connection, actor.party, request.role or user.role)
    changed = user.model_copy(update=changes)
    _keeps_a_liaison(connection, changed, "active" if "active" in changes else "role")
    user_store.update_user(connection, changed)
    about = _about(changed, actor, sorted(changes))
    tell_party(connection, EventType.USER_CHANGED, actor.party, about, now)
    return changed


def reset_password(
    connection: Connection, actor: User, name: str, password: str, now: datetime
) -> User:
    user = theirs(connection, actor, name)
    set_password(connection, user.name, password)
    about = _about(user, actor, ["password"])
    tell_party(connection, EventType.USER_CHANGED, actor.party, about, now)
    return user


def tell_party(
    connection: Connection, type: EventType, party: str, payload: dict[str, Any], now: datetime
) -> None:
    """An event on the party's record in each agreement it is in, for the party alone: who
    its people are and what they hold is its own business."""
    for agreement in agreement_store.agreements_of(connection, party):
        event_store.append(connection, type, now, agreement.id, [party], payload)


def _about(user: User, actor: User, changes: list[str]) -> dict[str, Any]:
    return {"user": user.model_dump(mode="json"), "changes": changes, "by": actor.name}


def _liaison(actor: User) -> None:
    if actor.role is not Role.LIAISON_OFFICER:
        raise forbidden("role", f"a party's liaison officer manages its users, not a {actor.role}")


def theirs(connection: Connection, actor: User, name: str) -> User:
    """A user of the actor's party; 404 for another party's, as if there were none."""
    _liaison(actor)
    user = user_store.user_by_name(connection, name)
    if user is None or user.party != actor.party:
        raise not_found("name", f"no user named {name!r} in {actor.party}")
    return user


def _check_role(connection: Connection, party: str, role: Role) -> None:
    mediates = any(party in a.mediators() for a in agreement_store.agreements_of(connection, party))
    allowed = MEDIATOR_ROLES if mediates else PARTY_ROLES
    if role not in allowed:
        kind = "mediates" if mediates else "is a party"
        roles = ", ".join(sorted(allowed))
        raise invalid("role", f"{party} {kind}: its people are {roles}, not {role}")


def _keeps_a_liaison(connection: Connection, changed: User, field: str) -> None:
    """A party without an active liaison officer could manage nobody again."""
    others = [u for u in user_store.users_of(connection, changed.party) if u.id != changed.id]
    liaisons = [u for u in (*others, changed) if u.role is Role.LIAISON_OFFICER and u.active]
    if not liaisons:
        raise conflict(field, f"{changed.party} would have no active liaison officer left")
