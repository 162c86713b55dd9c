"""A message is built from its rows in one place: every column of it and of each recipient's
copy reaches the record, and what ``insert`` returns is what a later read gives."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.model.message import Message, Recipient
from clearline.model.user import User
from clearline.store.schema import messages, recipients
from clearline.store.writer import run_now
from tests.support.helpers import reload, send
from tests.support.records import columns, differences

NOT_CARRIED = {"idempotency_key", "request_hash"}
"""Columns of a message its record leaves out: they only recognise a replayed request."""


def test_a_message_has_a_field_for_every_column_but_the_replay_keys() -> None:
    assert set(Message.model_fields) == (columns(messages) - NOT_CARRIED) | {"recipients"}
    assert set(Recipient.model_fields) == (columns(recipients) - {"message_id"}) | {"state"}


def test_a_message_reads_back_as_insert_returned_it_with_every_column(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    sent = send(engine, users["tr-duty-officer"], clock)

    def rows(connection: sa.Connection) -> tuple[sa.Row[Any], list[sa.Row[Any]]]:
        row = connection.execute(sa.select(messages).where(messages.c.id == sent.id)).one()
        copies = sa.select(recipients).where(recipients.c.message_id == sent.id)
        return row, list(connection.execute(copies.order_by(recipients.c.party)))

    row, copies = run_now(engine, rows)
    read = reload(engine, sent)
    assert read == sent
    assert differences(read, row) == {}
    assert len(read.recipients) == len(copies) == 1
    assert differences(read.recipients[0], copies[0]) == {}
