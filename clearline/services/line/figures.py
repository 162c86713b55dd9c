"""Figures per line: what a mediator may see, and what a round of talks reviews.

Only messages that reached the line count: one held by a suspension is nobody's business but
its sender's until the line is restored.

Counts and timings only, never content: the mediator learns that a FLASH warning took 95 s to
acknowledge, not what it warned of.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from statistics import median

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlalchemy import Connection

from clearline.model.line import Line
from clearline.model.message import MessageType
from clearline.store import webhooks
from clearline.store.schema import messages, recipients


class LineCheckResult(BaseModel):
    message_id: int
    party: str
    sent_at: str
    answer_s: float | None
    missed: bool


class LineFigures(BaseModel):
    messages_by_type: dict[str, int]
    messages_by_precedence: dict[str, int]
    acknowledged: int
    unacknowledged: int
    escalated: int
    overdue: int
    escalations_unreached: int = Field(
        description="Escalations no console of the role they named showed, no page reached."
    )
    median_answer_s: dict[str, float]
    line_checks: list[LineCheckResult]


def for_line(connection: Connection, line: Line, recent_checks: int = 20) -> LineFigures:
    rows = connection.execute(
        sa.select(
            messages.c.id,
            messages.c.type,
            messages.c.precedence,
            messages.c.sender_party,
            recipients.c.party,
            recipients.c.released_at,
            recipients.c.acknowledged_at,
            recipients.c.escalation_level,
            recipients.c.overdue,
        )
        .join(recipients, recipients.c.message_id == messages.c.id)
        .where(messages.c.line_id == line.id, recipients.c.released_at.is_not(None))
        .order_by(messages.c.id)
    ).all()
    answers: dict[str, list[float]] = {}
    for row in rows:
        if (seconds := _answer_s(row.released_at, row.acknowledged_at)) is not None:
            answers.setdefault(row.precedence, []).append(seconds)
    checks = [
        LineCheckResult(
            message_id=row.id,
            party=row.party,
            sent_at=row.released_at.isoformat(),
            answer_s=_answer_s(row.released_at, row.acknowledged_at),
            missed=row.overdue,
        )
        for row in rows
        if row.type == MessageType.LINE_CHECK and row.sender_party is None
    ]
    unique = {row.id: row for row in rows}.values()
    return LineFigures(
        messages_by_type=dict(Counter(row.type for row in unique)),
        messages_by_precedence=dict(Counter(row.precedence for row in unique)),
        acknowledged=sum(row.acknowledged_at is not None for row in rows),
        unacknowledged=sum(row.acknowledged_at is None for row in rows),
        escalated=sum(row.escalation_level > 0 for row in rows),
        overdue=sum(bool(row.overdue) for row in rows),
        escalations_unreached=webhooks.unreached_on_line(connection, line.id),
        median_answer_s={p: median(v) for p, v in answers.items()},
        line_checks=checks[-recent_checks:],
    )


def _answer_s(released_at: datetime, acknowledged_at: datetime | None) -> float | None:
    """Seconds from reaching the party to a human acknowledging it, if one has."""
    if acknowledged_at is None:
        return None
    return (acknowledged_at - released_at).total_seconds()
