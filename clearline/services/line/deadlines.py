"""Deadlines: what happens when nobody acknowledges in time.

At each deadline an unacknowledged message climbs one step up the receiving party's escalation
ladder (duty officer, watch commander, liaison officer), the next deadline running from there,
and the sender is told. After the last step it stays flagged overdue. Run it as often as you
like: it only acts on what is due, so a server that was down catches up step by step.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import Connection

from clearline.model.event import EventType
from clearline.model.message import Message, Recipient
from clearline.services.line import line_checks, visibility
from clearline.store import agreements as agreement_store
from clearline.store import events
from clearline.store import messages as message_store


def run(connection: Connection, now: datetime) -> int:
    """Take every due step; return how many were taken."""
    steps = 0
    while due := message_store.due(connection, now):
        checks: dict[int, Message] = {}
        silent: dict[int, list[Recipient]] = defaultdict(list)
        for message, recipient in due:
            if line_checks.is_line_check(message):
                checks[message.id] = message
                silent[message.id].append(recipient)
            else:
                _escalate(connection, message, recipient, now)
            steps += 1
        for message_id, check in checks.items():
            line_checks.missed(connection, check, silent[message_id], now)
    return steps


def _escalate(
    connection: Connection, message: Message, recipient: Recipient, now: datetime
) -> None:
    assert recipient.due_at is not None and recipient.released_at is not None
    protocol = agreement_store.protocol_version(
        connection, message.agreement_id, message.protocol_version
    )
    assert protocol is not None, "a message names a version its agreement has"
    ladder = protocol.escalation_ladder
    level = recipient.escalation_level + 1
    after_s = (recipient.due_at - recipient.released_at).total_seconds()
    if level < len(ladder):
        role = ladder[level]
        message_store.update_recipient(
            connection,
            message.id,
            recipient.party,
            escalation_level=level,
            escalated_to=role,
            overdue=True,
            due_at=recipient.due_at + timedelta(seconds=protocol.deadline_s(message.precedence)),
        )
        kind, summary = (
            EventType.MESSAGE_ESCALATED,
            (f"not acknowledged after {_duration(after_s)}, escalated to {role.replace('_', ' ')}"),
        )
    else:
        role = ladder[-1]
        message_store.update_recipient(
            connection, message.id, recipient.party, overdue=True, due_at=None
        )
        kind, summary = (
            EventType.MESSAGE_OVERDUE,
            (f"not acknowledged after {_duration(after_s)}; the escalation ladder is exhausted"),
        )
    events.append(
        connection,
        kind,
        now,
        message.agreement_id,
        {recipient.party} | visibility.senders(message),
        {
            "message_id": message.id,
            "party": recipient.party,
            "role": role,
            "level": level,
            "after_s": after_s,
            "summary": summary,
        },
    )


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7_200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3_600:.0f} h"
