"""A second factor for signing in to the console: a TOTP code (RFC 6238) from the person's own
authenticator, as well as their password.

The shared secret must be kept whole for the line to work out a code, so unlike a password it
is stored as it is; it leaves the line once, when it is made, to be put in the authenticator.
A code is taken once: each sign-in must use a later time step than the last, so a code seen
over a shoulder or in a log is worth nothing. Whether liaison officers must have one is the
protocol's to say (``second_factor_for_liaison``), in any agreement of their party.
"""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp
from pydantic import BaseModel, Field
from sqlalchemy import Connection

from clearline.model.errors import conflict, forbidden, invalid, unauthenticated
from clearline.model.event import EventType
from clearline.model.user import Role, User
from clearline.services.access import accounts
from clearline.store import agreements as agreement_store
from clearline.store import users as user_store

ISSUER = "Clearline"
DRIFT_STEPS = 1
"""Codes of one 30 s step either side are taken, for a phone's clock a little off."""


class Enrolment(BaseModel):
    """The secret, shown once, for the person to put in their authenticator."""

    secret: str = Field(description="Base32, as authenticators take it typed in.")
    uri: str = Field(description="The otpauth:// URI a QR code of which they scan.")


def begin(connection: Connection, user: User) -> Enrolment:
    """A new secret, pending until a code from it confirms it; a second factor in force stays
    until then."""
    if user.role is Role.SYSTEM:
        raise invalid("role", "a system account signs in with tokens only, never a password")
    if user_store.second_factor_of(connection, user.id).secret is not None:
        raise conflict(
            "second_factor",
            "you have one already; if its phone is lost, your liaison officer removes it first",
        )
    secret = pyotp.random_base32()
    user_store.keep_pending(connection, user.id, secret)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.name, issuer_name=ISSUER)
    return Enrolment(secret=secret, uri=uri)


def confirm(connection: Connection, user: User, code: str, now: datetime) -> User:
    """The pending secret in force, once a code from it shows the authenticator has it."""
    held = user_store.second_factor_of(connection, user.id)
    if held.pending is None:
        raise conflict("code", "no second factor is waiting: begin an enrolment first")
    step = _step(held.pending, code, now, None)
    if step is None:
        raise invalid("code", "not the code the new secret gives now")
    user_store.set_second_factor(connection, user.id, held.pending, step)
    changed = user.model_copy(update={"second_factor": True})
    accounts.tell_party(
        connection, EventType.SECOND_FACTOR_ADDED, user.party, _about(changed, user), now
    )
    return changed


def remove(connection: Connection, actor: User, name: str, now: datetime) -> User:
    """A lost phone: the party's liaison officer takes a user's second factor away. Not the
    user itself: whoever holds its token could otherwise strip it and put their own in."""
    user = accounts.theirs(connection, actor, name)
    if not user.second_factor:
        raise conflict("name", f"{name} has no second factor")
    user_store.set_second_factor(connection, user.id, None, None)
    changed = user.model_copy(update={"second_factor": False})
    accounts.tell_party(
        connection, EventType.SECOND_FACTOR_REMOVED, user.party, _about(changed, actor), now
    )
    return changed


def check(connection: Connection, user: User, code: str | None, now: datetime) -> None:
    """At sign-in, after the password: the code, where the user has a second factor; a
    refusal, where the protocol wants one and the user has none yet."""
    held = user_store.second_factor_of(connection, user.id)
    if held.secret is None:
        if required(connection, user, now):
            raise forbidden(
                "code",
                "your agreement's protocol wants a liaison officer's sign-in to have a second "
                "factor: enrol one first (`clearline second-factor enrol`, with your token)",
            )
        return
    if not code:
        raise unauthenticated("code", "a code from your authenticator is needed as well")
    step = _step(held.secret, code, now, held.step)
    if step is None:
        raise unauthenticated("code", "not a code your authenticator gives now, or used already")
    user_store.use_step(connection, user.id, step)


def required(connection: Connection, user: User, now: datetime) -> bool:
    if user.role is not Role.LIAISON_OFFICER:
        return False
    return any(
        agreement_store.protocol_in_force(connection, a.id, now).second_factor_for_liaison
        for a in agreement_store.agreements_of(connection, user.party)
    )


def _step(secret: str, code: str, now: datetime, after: int | None) -> int | None:
    """The time step whose code this is, within the drift, and later than ``after``."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _about(user: User, actor: User) -> dict[str, object]:
    return {"user": user.model_dump(mode="json"), "by": actor.name}
