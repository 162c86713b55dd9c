"""Line checks: the line tests itself, because hotlines that are never tested fail when needed.

The line sends a FLASH line check to both parties of every carrying line at the protocol's
interval. A duty officer's acknowledgement is the answer; its delay is on the record. A check
nobody acknowledges within the protocol's deadline raises a FLASH alert to both sides, and so
does one still open when the next is sent: the new check supersedes it, so that a line nobody
watches holds one pending check, not one an hour.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection

from clearline.model.line import Line
from clearline.model.message import Message, MessageType, Precedence, Recipient
from clearline.services.line import messages
from clearline.store import agreements as agreement_store
from clearline.store import messages as message_store


def send_due(connection: Connection, now: datetime) -> list[Message]:
    sent = []
    for line in agreement_store.lines_due_for_check(connection, now):
        protocol = agreement_store.protocol_in_force(connection, line.agreement_id, now)
        _supersede(connection, line, now)
        sent.append(
            messages.send_system(
                connection,
                line,
                MessageType.LINE_CHECK,
                Precedence.FLASH,
                {},
                protocol,
                now,
                deadline_s=protocol.line_check_deadline_s,
            )
        )
        agreement_store.update_line(
            connection,
            line.id,
            next_line_check_at=now + timedelta(seconds=protocol.line_check_interval_s),
        )
    return sent


def _supersede(connection: Connection, line: Line, now: datetime) -> None:
    """Close the checks of ``line`` still waiting for their deadline as missed."""
    open_checks: dict[int, tuple[Message, list[Recipient]]] = {}
    for party in (line.party_a, line.party_b):
        for message in message_store.unanswered(connection, party):
            copy = message.recipient(party)
            if is_line_check(message) and message.line_id == line.id and copy and copy.due_at:
                open_checks.setdefault(message.id, (message, []))[1].append(copy)
    for check, silent in open_checks.values():
        missed(connection, check, silent, now)


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
    protocol = agreement_store.protocol_in_force(connection, line.agreement_id, now)
    return messages.send_system(
        connection,
        line,
        MessageType.LINE_CHECK_MISSED,
        Precedence.FLASH,
        {"line_check_id": check.id, "parties": sorted(r.party for r in silent)},
        protocol,
        now,
    )
