"""API tokens: issued with a label, a scope and an expiry, listed, and withdrawn at once.

Tokens are random and long, so a SHA-256 of them is what the line keeps, and the first digits
of that hash are how a token is named when listed or revoked. A person manages its own tokens;
a liaison officer those of every user of its party (its system accounts' above all); nobody
another party's. Each issue and revocation is an event on the ledger for the party, without
the secret.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import Connection

from clearline.model.errors import conflict, forbidden, invalid, not_found
from clearline.model.event import EventType
from clearline.model.token import Credential, Issued, Token, TokenRequest, TokenScope
from clearline.model.user import Role, User
from clearline.services.access import accounts
from clearline.store import users as user_store

PREFIX = "cl_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    connection: Connection,
    user_name: str,
    label: str,
    now: datetime,
    scope: TokenScope = TokenScope.FULL,
    expires_at: datetime | None = None,
) -> str:
    """A new bearer token for the user; the only time it is ever shown in clear."""
    user = user_store.user_by_name(connection, user_name)
    if user is None:
        raise not_found("user", f"no user named {user_name!r}")
    return _new(connection, user, label, now, scope, expires_at)


def _new(
    connection: Connection,
    user: User,
    label: str,
    now: datetime,
    scope: TokenScope,
    expires_at: datetime | None,
) -> str:
    token = PREFIX + secrets.token_urlsafe(32)
    user_store.insert_token(connection, hash_token(token), user.id, label, now, scope, expires_at)
    return token


def issue(
    connection: Connection, issuer: Credential, request: TokenRequest, now: datetime
) -> Issued:
    """A token for the actor, or (a liaison officer) for a user of its party; never one that
    outlives the token it is issued with, so that a leaked token that expires cannot mint
    one that does not."""
    actor = issuer.user
    holder = _holder(connection, actor, request.user)
    if request.expires_at is not None and request.expires_at <= now:
        raise invalid("expires_at", f"{request.expires_at.isoformat()} has passed already")
    until = issuer.token.expires_at
    if until is not None and (request.expires_at is None or request.expires_at > until):
        raise invalid(
            "expires_at", f"the token you issue with expires at {until.isoformat()}: no later"
        )
    secret = _new(connection, holder, request.label, now, request.scope, request.expires_at)
    found = user_store.credential_by_token_hash(connection, hash_token(secret))
    assert found is not None
    _tell(connection, EventType.TOKEN_ISSUED, found.token, actor, now)
    return Issued(token=secret, issued=found.token)


def listed(connection: Connection, actor: User) -> list[Token]:
    """The actor's own tokens; a liaison officer's party's, every user's."""
    if actor.role is Role.LIAISON_OFFICER:
        return user_store.tokens_of(connection, actor.party)
    return user_store.tokens_of(connection, actor.party, actor.id)


def revoke(connection: Connection, actor: User, token_id: str, now: datetime) -> Token:
    """Withdraw a token at once; it stays listed, revoked, with who did it and when."""
    token_hash, found = _managed(connection, actor, token_id)
    if found.token.revoked_at is not None:
        raise conflict("token_id", f"token {token_id} was revoked already")
    user_store.mark_revoked(connection, token_hash, actor.name, now)
    revoked = found.token.model_copy(update={"revoked_at": now, "revoked_by": actor.name})
    _tell(connection, EventType.TOKEN_REVOKED, revoked, actor, now)
    return revoked


def end_session(connection: Connection, token: str) -> None:
    """A console sign-out: its token is deleted, not just forgotten by the browser."""
    user_store.delete_token(connection, hash_token(token))


def authenticate(connection: Connection, token: str, now: datetime) -> Credential | None:
    """Who the token speaks for, if it still works: not revoked, not expired, and its user
    not deactivated."""
    found = user_store.credential_by_token_hash(connection, hash_token(token))
    works = found is not None and found.user.active and found.token.works_at(now)
    return found if works else None


def _managed(connection: Connection, actor: User, token_id: str) -> tuple[str, Credential]:
    """A token the actor manages, by its id: 404 for any other, as if there were none."""
    found = user_store.credential_by_token_id(connection, token_id)
    if found is None or not _manages(actor, found[1].user):
        raise not_found("token_id", f"no token {token_id} of yours")
    return found


def _holder(connection: Connection, actor: User, name: str | None) -> User:
    if name is None or name == actor.name:
        return actor
    holder = user_store.user_by_name(connection, name)
    if holder is None or holder.party != actor.party:
        raise not_found("user", f"no user named {name!r} in {actor.party}")
    if not _manages(actor, holder):
        raise forbidden("user", "a liaison officer issues tokens for its party's users")
    return holder


def _manages(actor: User, holder: User) -> bool:
    return holder.id == actor.id or (
        actor.role is Role.LIAISON_OFFICER and holder.party == actor.party
    )


def _tell(
    connection: Connection, type: EventType, token: Token, actor: User, now: datetime
) -> None:
    """Every member of the party sees who holds which token for what, none the secret."""
    payload = {"token": token.model_dump(mode="json"), "by": actor.name}
    accounts.tell_party(connection, type, token.party, payload, now)
