"""Line checks: the line tests itself, because hotlines that are never tested fail when needed.

The line sends a FLASH line check to both parties of every carrying line at the protocol's
interval. A duty officer's acknowledgement is the answer; its delay is on the record. A check
nobody acknowledges within the protocol's deadline raises a FLASH alert to both sides.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection

from clearline.model.message import Message, MessageType, Precedence, Recipient
from clearline.services.line import hotline
from clearline.store import agreements as agreement_store
from clearline.store import messages as message_store


def send_due(connection: Connection, now: datetime) -> list[Message]:
    sent = []
    for line in agreement_store.lines_due_for_check(connection, now):
        protocol = agreement_store.protocol_in_force(connection, line.agreement_id)
        sent.append(
            hotline.send_system(
                connection,
                line,
                MessageType.LINE_CHECK,
                Precedence.FLASH,
                {},
                protocol.line_check_deadline_s,
                now,
            )
        )
        agreement_store.update_line(
            connection,
            line.id,
            next_line_check_at=now + timedelta(seconds=protocol.line_check_interval_s),
        )
    return sent


def is_line_check(message: Message) -> bool:
    return message.type is MessageType.LINE_CHECK and message.sender_party is None


def missed(
    connection: Connection, check: Message, silent: list[Recipient], now: datetime
) -> Message:
    """Close the unanswered copies of ``check`` and raise the FLASH alert to both sides."""
    for recipient in silent:
        message_store.update_recipient(
            connection, check.id, recipient.party, overdue=True, due_at=None
        )
    line = agreement_store.get_line(connection, check.line_id)
    protocol = agreement_store.protocol_in_force(connection, line.agreement_id)
    return hotline.send_system(
        connection,
        line,
        MessageType.LINE_CHECK_MISSED,
        Precedence.FLASH,
        {"line_check_id": check.id, "parties": sorted(r.party for r in silent)},
        protocol.deadline_s(Precedence.FLASH),
        now,
    )
