"""Webhooks, the pages posted to them, and the cursor of escalations already paged."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from clearline.model.webhook import REACHED, Page, PageState, Webhook, WebhookIn
from clearline.store.schema import events, insert_returning_id, messages, page_cursor, pages
from clearline.store.schema import webhooks as webhooks_table

w = webhooks_table.c
CURSOR_ID = 1


def _is(agreement_id: str, party: str) -> sa.ColumnElement[bool]:
    return (w.agreement_id == agreement_id) & (w.party == party)


def get(connection: Connection, agreement_id: str, party: str) -> Webhook | None:
    row = connection.execute(sa.select(webhooks_table).where(_is(agreement_id, party))).first()
    return None if row is None else _webhook(row)


def secret_of(connection: Connection, agreement_id: str, party: str) -> str | None:
    """The shared secret, for signing alone: no reader of the API is ever handed it."""
    query = sa.select(w.secret).where(_is(agreement_id, party))
    return connection.execute(query).scalar()


def put(
    connection: Connection,
    agreement_id: str,
    party: str,
    webhook: WebhookIn,
    by: int | None,
    now: datetime,
) -> tuple[Webhook, bool]:
    """Register or replace the party's webhook; True if it had none."""
    values = {
        "url": webhook.url,
        "secret": webhook.secret.get_secret_value(),
        "include_content": webhook.include_content,
        "updated_at": now,
        "updated_by": by,
    }
    done = connection.execute(webhooks_table.update().where(_is(agreement_id, party)), values)
    created = done.rowcount == 0
    if created:
        values |= {"agreement_id": agreement_id, "party": party, "created_at": now}
        connection.execute(webhooks_table.insert(), values)
    found = get(connection, agreement_id, party)
    assert found is not None, "just written"
    return found, created


def delete(connection: Connection, agreement_id: str, party: str) -> None:
    connection.execute(webhooks_table.delete().where(_is(agreement_id, party)))


def _webhook(row: sa.Row[Any]) -> Webhook:
    """The row less its secret, which the model does not carry."""
    return Webhook.model_validate(row._mapping)


def cursor(connection: Connection) -> int:
    """The last event already looked at for escalations (its row is made by the migration)."""
    query = sa.select(page_cursor.c.seq).where(page_cursor.c.id == CURSOR_ID)
    return int(connection.execute(query).scalar_one())


def move_cursor(connection: Connection) -> None:
    """Past every event committed so far: they have all been looked at."""
    newest = sa.select(sa.func.coalesce(sa.func.max(events.c.seq), 0)).scalar_subquery()
    connection.execute(page_cursor.update().where(page_cursor.c.id == CURSOR_ID).values(seq=newest))


def insert_page(connection: Connection, **values: Any) -> int:
    return insert_returning_id(connection, pages.insert(), values)


def due(connection: Connection, now: datetime, limit: int) -> list[Page]:
    """Pending pages whose next attempt is due, oldest first."""
    rows = connection.execute(
        sa.select(pages)
        .where(pages.c.state == PageState.PENDING, pages.c.next_attempt_at <= now)
        .order_by(pages.c.next_attempt_at, pages.c.id)
        .limit(limit)
    ).all()
    return [_page(row) for row in rows]


def get_page(connection: Connection, page_id: int) -> Page | None:
    row = connection.execute(sa.select(pages).where(pages.c.id == page_id)).first()
    return None if row is None else _page(row)


def update_page(connection: Connection, page_id: int, **values: Any) -> Page:
    connection.execute(pages.update().where(pages.c.id == page_id).values(**values))
    found = get_page(connection, page_id)
    assert found is not None, "just updated"
    return found


def pages_of(connection: Connection, message_id: int) -> list[Page]:
    query = sa.select(pages).where(pages.c.message_id == message_id).order_by(pages.c.id)
    return [_page(row) for row in connection.execute(query)]


def unreached_on_line(connection: Connection, line_id: int) -> int:
    """Escalations on a line that no console showed and no page reached."""
    query = (
        sa.select(sa.func.count())
        .select_from(pages.join(messages, messages.c.id == pages.c.message_id))
        .where(
            messages.c.line_id == line_id,
            pages.c.console.is_(False),
            pages.c.state.not_in([state.value for state in REACHED]),
        )
    )
    return int(connection.execute(query).scalar_one())


def _page(row: sa.Row[Any]) -> Page:
    return Page.model_validate(row._mapping)
