"""A version's parties and lines, applied when it takes effect.

The version in force says who is party to the agreement (``parties``, or those it was set up
with) and which pairs of them have a line (``line_pairs``, or every pair). Taking effect makes
the store say the same: a party that joins becomes a member, one that leaves is one no more,
a pair newly named gets its line, and a line no longer named is closed, never deleted, so its
messages and history stay readable by those who could read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection

from clearline.model.agreement import Agreement
from clearline.model.line import LineState
from clearline.model.protocol import Protocol
from clearline.services.agreements import line_pairs
from clearline.store import agreements as agreement_store

Pair = tuple[str, str]


@dataclass(frozen=True)
class Changed:
    """What taking effect changed of the agreement's parties and lines."""

    joined: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    opened: list[Pair] = field(default_factory=list)
    closed: list[Pair] = field(default_factory=list)


def apply(
    connection: Connection, agreement: Agreement, protocol: Protocol, now: datetime
) -> Changed:
    before = agreement.parties()
    after = list(protocol.parties) if protocol.parties is not None else before
    if set(after) != set(before):
        agreement_store.set_parties(connection, agreement.id, after, now)
    wanted = [(min(a, b), max(a, b)) for a, b in line_pairs(protocol, after)]
    opened, closed = _lines(connection, agreement.id, protocol, wanted, now)
    return Changed(
        joined=[p for p in after if p not in before],
        left=[p for p in before if p not in after],
        opened=opened,
        closed=closed,
    )


def _lines(
    connection: Connection, agreement_id: str, protocol: Protocol, wanted: list[Pair], now: datetime
) -> tuple[list[Pair], list[Pair]]:
    """Lines opened (new, or reopened) and closed to match the pairs wanted."""
    opened: list[Pair] = []
    closed: list[Pair] = []
    first_check = now + timedelta(seconds=protocol.line_check_interval_s)
    reason = f"protocol version {protocol.version}"
    existing = {
        (line.party_a, line.party_b): line
        for line in agreement_store.lines_of_agreements(connection, [agreement_id])
    }
    for pair, line in existing.items():
        closing = pair not in wanted and line.state is not LineState.CLOSED
        reopening = pair in wanted and line.state is LineState.CLOSED
        if closing or reopening:
            state = LineState.CLOSED if closing else LineState.ACTIVE
            agreement_store.update_line(
                connection,
                line.id,
                state=state,
                changed_at=now,
                changed_by=None,
                reason=reason,
                next_line_check_at=first_check,
            )
            (closed if closing else opened).append(pair)
    for a, b in (pair for pair in wanted if pair not in existing):
        agreement_store.insert_line(connection, agreement_id, a, b, now, first_check)
        opened.append((a, b))
    return opened, closed
