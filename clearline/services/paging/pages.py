"""Pages: every escalation, and what became of telling the person it names.

Each escalation event becomes a page in the writer, noting whether a client of the party was
listening then. A page for a party with a webhook is posted (``delivery``) outside the writer
and its outcome written back: taken, tried again after 5 s, 10 s, 20 s ... up to 5 min, or
given up after ``MAX_ATTEMPTS``. Every outcome is on the record, for the paged party; a page
that was taken is told to the message's sender too, who learns that the escalation reached
someone, and nothing of how. All times are the injected clock's.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import Connection

from clearline.model.event import Event, EventType
from clearline.model.message import Message, Recipient
from clearline.model.webhook import Page, PageState
from clearline.services.line import visibility
from clearline.services.paging.delivery import Outcome, Outgoing, prepare
from clearline.store import events
from clearline.store import messages as message_store
from clearline.store import webhooks as webhook_store

FIRST_BACKOFF_S = 5.0
MAX_BACKOFF_S = 300.0
MAX_ATTEMPTS = 8
"""5 + 10 + 20 + 40 + 80 + 160 + 300 s: about ten minutes of trying, by when a FLASH message
has climbed the ladder anyway and its next step is paged afresh."""
BATCH = 50


def backoff_s(attempts: int) -> float:
    """How long to wait after the ``attempts``-th failure."""
    return min(FIRST_BACKOFF_S * 2 ** (attempts - 1), MAX_BACKOFF_S)


def take(
    connection: Connection, now: datetime, listening: Collection[tuple[str, str | None]]
) -> list[Outgoing]:
    """Open a page for every escalation since the last look (``listening``: the parties and
    roles with a client connected now: a duty officer's screen does not reach the watch
    commander an escalation names), and prepare the posts now due."""
    after = webhook_store.cursor(connection)
    opened = events.of_type_after(connection, EventType.MESSAGE_ESCALATED, after)
    for event in opened:
        _open(connection, event, now, (event.payload["party"], event.payload["role"]) in listening)
    webhook_store.move_cursor(connection)
    due = (_prepare(connection, page, now) for page in webhook_store.due(connection, now, BATCH))
    return [outgoing for outgoing in due if outgoing is not None]


def _open(connection: Connection, event: Event, now: datetime, console: bool) -> None:
    party, level = event.payload["party"], event.payload["level"]
    message = _message(connection, event.payload["message_id"])
    recipient = message.recipient(party)
    assert recipient is not None, "an escalation names a recipient"
    has_webhook = webhook_store.get(connection, event.agreement_id, party) is not None
    state = _first_state(recipient, level, has_webhook)
    webhook_store.insert_page(
        connection,
        agreement_id=event.agreement_id,
        event_seq=event.seq,
        message_id=message.id,
        party=party,
        role=event.payload["role"],
        level=level,
        escalated_at=event.time,
        due_at=recipient.due_at,
        console=console,
        state=state,
        delivery_id=secrets.token_hex(16),
        attempts=0,
        next_attempt_at=now if state is PageState.PENDING else None,
    )


def _first_state(recipient: Recipient, level: int, has_webhook: bool) -> PageState:
    if recipient.acknowledged_at is not None:
        return PageState.ACKNOWLEDGED
    if recipient.escalation_level != level:
        return PageState.SUPERSEDED
    return PageState.PENDING if has_webhook else PageState.NO_WEBHOOK


def _prepare(connection: Connection, page: Page, now: datetime) -> Outgoing | None:
    """This attempt's post, or None where there is nobody left to page."""
    message = _message(connection, page.message_id)
    recipient = message.recipient(page.party)
    if recipient is not None and recipient.acknowledged_at is not None:
        webhook_store.update_page(
            connection, page.id, state=PageState.ACKNOWLEDGED, next_attempt_at=None
        )
        return None
    webhook = webhook_store.get(connection, page.agreement_id, page.party)
    secret = webhook_store.secret_of(connection, page.agreement_id, page.party)
    if webhook is None or secret is None:
        _abandon(connection, page, "the webhook was deleted", now)
        return None
    return prepare(page, message, webhook.url, secret, webhook.include_content, now)


def record(connection: Connection, outcomes: list[Outcome], now: datetime) -> None:
    """Write back what each post met: taken, to be tried again, or given up."""
    for outcome in outcomes:
        page = webhook_store.get_page(connection, outcome.page_id)
        assert page is not None, "a page is never deleted"
        page = webhook_store.update_page(
            connection,
            page.id,
            attempts=page.attempts + 1,
            last_status=outcome.status,
            last_error=outcome.error,
        )
        if outcome.ok:
            _delivered(connection, page, now)
        elif page.attempts >= MAX_ATTEMPTS:
            _abandon(connection, page, outcome.error, now)
        else:
            _retry(connection, page, now)


def _delivered(connection: Connection, page: Page, now: datetime) -> None:
    page = webhook_store.update_page(
        connection, page.id, state=PageState.DELIVERED, delivered_at=now, next_attempt_at=None
    )
    message = _message(connection, page.message_id)
    payload = {
        "message_id": page.message_id,
        "party": page.party,
        "role": page.role,
        "level": page.level,
        "attempts": page.attempts,
    }
    audience = {page.party} | visibility.senders(message)
    events.append(
        connection, EventType.ESCALATION_DELIVERED, now, page.agreement_id, audience, payload
    )


def _retry(connection: Connection, page: Page, now: datetime) -> None:
    later = now + timedelta(seconds=backoff_s(page.attempts))
    page = webhook_store.update_page(connection, page.id, next_attempt_at=later)
    _tell(connection, EventType.PAGE_ATTEMPT_FAILED, page, now)


def _abandon(connection: Connection, page: Page, error: str | None, now: datetime) -> None:
    page = webhook_store.update_page(
        connection, page.id, state=PageState.ABANDONED, last_error=error, next_attempt_at=None
    )
    _tell(connection, EventType.PAGE_ABANDONED, page, now)


def _tell(connection: Connection, type: EventType, page: Page, now: datetime) -> None:
    """An attempt's outcome, to the paged party alone: it names its paging system's answers."""
    payload = {"page": page.model_dump(mode="json")}
    events.append(connection, type, now, page.agreement_id, [page.party], payload)


def _message(connection: Connection, message_id: int) -> Message:
    message = message_store.get(connection, message_id)
    assert message is not None, "a page names a stored message"
    return message
