"""Liaison officers' signing keys: the public halves the line checks approvals against.

A liaison officer makes their key pair on their own side (``clearline protocol keygen``) and
registers only the public half. Registering is on the ledger for every agreement of their
party, so the other side sees which keys may sign for it, and an auditor can check each
adopted version's signatures against them offline.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from clearline.model.errors import conflict, forbidden, invalid
from clearline.model.event import EventType
from clearline.model.ledger import unb64
from clearline.model.proposal import SigningKey
from clearline.model.user import Role, User
from clearline.services.protocol.proposals import key_payload, tell
from clearline.services.protocol.signatures import key_id
from clearline.store import agreements as agreement_store
from clearline.store import proposals as proposal_store

ED25519_PUBLIC_BYTES = 32


def register(connection: Connection, user: User, public_key: str, now: datetime) -> SigningKey:
    """Register the public half of the user's own key; a key is registered once, for one user."""
    if user.role is not Role.LIAISON_OFFICER:
        raise forbidden("role", f"only a liaison officer signs amendments, not a {user.role}")
    text = public_key.strip()
    try:
        raw = unb64(text)
    except ValueError as exc:
        raise invalid("public_key", "not base64") from exc
    if len(raw) != ED25519_PUBLIC_BYTES:
        raise invalid("public_key", f"an Ed25519 public key is 32 bytes, not {len(raw)}")
    if proposal_store.key_by_public(connection, text) is not None:
        raise conflict("public_key", "this key is registered already")
    key = SigningKey(key_id=key_id(text), user_id=user.id, public_key=text, registered_at=now)
    proposal_store.insert_key(connection, key)
    payload = {"key": key_payload(key, user.party)}
    for agreement in agreement_store.agreements_of(connection, user.party):
        tell(connection, agreement, EventType.KEY_REGISTERED, payload, now)
    return key


def keys_of(connection: Connection, user: User) -> list[SigningKey]:
    return proposal_store.keys_of(connection, user.id)
