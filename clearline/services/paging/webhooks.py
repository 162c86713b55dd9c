"""A party's paging webhook: registered, read and deleted by its own watch alone.

Its URL says where a party's paging system listens, which is the party's own business: every
event about it goes to that party alone, and none ever carries the secret.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from clearline.model.errors import forbidden, not_found
from clearline.model.event import EventType
from clearline.model.user import HUMAN_WATCH_ROLES, User
from clearline.model.webhook import Webhook, WebhookIn
from clearline.services.deconfliction.notices import agreement_for
from clearline.store import events
from clearline.store import webhooks as webhook_store


def register(
    connection: Connection,
    user: User,
    webhook: WebhookIn,
    now: datetime,
    agreement: str | None = None,
    party: str | None = None,
) -> tuple[Webhook, bool]:
    """Register or replace ``user``'s party's webhook; True if it had none."""
    agreement_id = _own_agreement(connection, user, agreement, party)
    found, created = webhook_store.put(connection, agreement_id, user.party, webhook, user.id, now)
    _announce(connection, EventType.WEBHOOK_REGISTERED, found, now, replaced=not created)
    return found, created


def webhook_for(
    connection: Connection, user: User, agreement: str | None = None, party: str | None = None
) -> Webhook:
    agreement_id = _own_agreement(connection, user, agreement, party)
    found = webhook_store.get(connection, agreement_id, user.party)
    if found is None:
        raise not_found("webhook", f"{user.party} has no webhook on agreement {agreement_id!r}")
    return found


def delete(
    connection: Connection,
    user: User,
    now: datetime,
    agreement: str | None = None,
    party: str | None = None,
) -> Webhook:
    """Delete the party's webhook; pages not yet taken are given up at their next attempt."""
    found = webhook_for(connection, user, agreement, party)
    webhook_store.delete(connection, found.agreement_id, found.party)
    _announce(connection, EventType.WEBHOOK_DELETED, found, now)
    return found


def _own_agreement(
    connection: Connection, user: User, agreement: str | None, party: str | None
) -> str:
    """The agreement of ``user``'s own party's webhook; another party's is never theirs."""
    if user.role not in HUMAN_WATCH_ROLES:
        raise forbidden("role", "only a party's duty officer or above sets its paging webhook")
    if party is not None and party != user.party:
        raise forbidden("party", f"{user.party} may set its own webhook only, not {party}'s")
    return agreement_for(connection, user.party, agreement)


def _announce(
    connection: Connection, type: EventType, webhook: Webhook, now: datetime, **more: object
) -> None:
    payload = {"webhook": webhook.model_dump(mode="json"), **more}
    events.append(connection, type, now, webhook.agreement_id, [webhook.party], payload)
