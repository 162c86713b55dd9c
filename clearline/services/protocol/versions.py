"""The versions of an agreement's protocol, as its members may read them.

Only a party or a mediator of the agreement reads its protocol, and a party asked to join it
by an open proposal, which must read the rules it would sign up to. Anyone else is told the
agreement does not exist, in the same words as for an agreement that does not: the rules of a
line are no business of another agreement, nor is whether it exists.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from clearline.model.agreement import Agreement
from clearline.model.errors import not_found
from clearline.model.protocol import Protocol
from clearline.model.user import User
from clearline.services.protocol.document import Change, diff
from clearline.store import agreements as agreement_store
from clearline.store import proposals as proposal_store


def member_of(connection: Connection, user: User, agreement_id: str) -> Agreement:
    """The agreement, if the user's party is a party or mediator of it."""
    agreement = agreement_store.get_agreement(connection, agreement_id)
    if agreement is None or user.party not in (m.party for m in agreement.members):
        raise not_found("agreement_id", f"no agreement {agreement_id!r} of yours")
    return agreement


def _reader(connection: Connection, user: User, agreement_id: str) -> None:
    if not proposal_store.asked_to_join(connection, agreement_id, user.party):
        member_of(connection, user, agreement_id)


def read(
    connection: Connection,
    user: User,
    agreement_id: str,
    now: datetime,
    version: int | None = None,
    field: str = "version",
) -> Protocol:
    """The version asked for, or the version in force now; ``field`` names what asked for an
    unknown version."""
    _reader(connection, user, agreement_id)
    if version is None:
        return agreement_store.protocol_in_force(connection, agreement_id, now)
    return _stored(connection, agreement_id, version, field)


def _stored(connection: Connection, agreement_id: str, version: int, field: str) -> Protocol:
    found = agreement_store.protocol_version(connection, agreement_id, version)
    if found is None:
        raise not_found(field, f"{agreement_id} has no protocol version {version}")
    return found


def compare(
    connection: Connection, user: User, agreement_id: str, before: int, after: int
) -> list[Change]:
    """What changed from one version to another, leaf by leaf."""
    _reader(connection, user, agreement_id)
    old = _stored(connection, agreement_id, before, "from")
    new = _stored(connection, agreement_id, after, "to")
    return diff(old, new)
