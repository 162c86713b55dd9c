"""The pending queue: what a party's duty officer must still acknowledge, most urgent first.

A line is worst exactly when it floods, so the queue folds rather than stacks. A line check
supersedes the older unanswered checks of its line: those stay on the record as missed (see
``line_checks.send_due``) and are no longer pending. The "line check missed" alerts of one
line are one item, with a count and the time of the last, acknowledged together; everything
else (a warning, a query, a conflict alert) is an item of its own, acknowledged on its own.
Items are ordered by precedence, then by deadline, a deadline already passed first: the
console's banner, the CLI's ``inbox --pending`` and the API's pending view show this order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection

from clearline.model.errors import conflict
from clearline.model.message import Message, MessageType, Precedence
from clearline.model.pending import PendingItem, PendingKind
from clearline.model.user import User
from clearline.services.line import messages, visibility
from clearline.services.line.line_checks import is_line_check
from clearline.store import messages as message_store

URGENCY = {p: rank for rank, p in enumerate(Precedence)}
"""FLASH first: the enum lists precedences from the most urgent down."""


def queue(connection: Connection, party: str) -> list[PendingItem]:
    """``party``'s pending items, most urgent first."""
    waiting = [visibility.view(m, party) for m in message_store.unanswered(connection, party)]
    items = [_item(kind, group, party) for kind, group in _groups(waiting)]
    return sorted(items, key=_urgency)


def acknowledge_item(
    connection: Connection, user: User, message_id: int, now: datetime
) -> list[Message]:
    """Acknowledge the pending item ``message_id`` is in: every message it folds (the missed
    checks of one line), or that message alone, as a warning, a query or an alert always is."""
    visibility.visible(connection, user.party, message_id)  # a 404 for what the party may not see
    for item in queue(connection, user.party):
        if message_id in item.message_ids:
            return [messages.acknowledge(connection, user, m, now) for m in item.message_ids]
    raise conflict("message_id", f"message {message_id} is not pending for {user.party}")


def _groups(waiting: list[Message]) -> Iterable[tuple[PendingKind, list[Message]]]:
    """The messages of each item: newest line check of a line alone (older ones are
    superseded), the missed-check alerts of a line together, anything else alone."""
    checks: dict[int, Message] = {}
    missed: dict[int, list[Message]] = defaultdict(list)
    for message in waiting:
        if is_line_check(message):
            newest = checks.get(message.line_id)
            if newest is None or message.id > newest.id:
                checks[message.line_id] = message
        elif message.type is MessageType.LINE_CHECK_MISSED and message.sender_party is None:
            missed[message.line_id].append(message)
        else:
            yield PendingKind.MESSAGE, [message]
    for check in checks.values():
        yield PendingKind.LINE_CHECK, [check]
    for alerts in missed.values():
        yield PendingKind.LINE_CHECK_MISSED, sorted(alerts, key=lambda m: m.id)


def _item(kind: PendingKind, group: list[Message], party: str) -> PendingItem:
    copies = [copy for m in group if (copy := m.recipient(party)) is not None]
    deadlines = [c.due_at for c in copies if c.due_at is not None]
    newest = group[-1]
    return PendingItem(
        key=f"{kind}:{newest.id}",
        kind=kind,
        message=newest,
        message_ids=[m.id for m in group],
        count=len(group),
        first_at=group[0].created_at,
        last_at=newest.created_at,
        due_at=min(deadlines, default=None),
        overdue=any(c.overdue for c in copies),
    )


def _urgency(item: PendingItem) -> tuple[int, int, datetime, int]:
    """Precedence; then a deadline already passed before one still to come; then the
    deadline (or, where the ladder is spent, when it came); then the oldest first."""
    when = item.due_at or item.first_at
    return URGENCY[item.message.precedence], 0 if item.overdue else 1, when, item.message.id
