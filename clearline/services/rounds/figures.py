"""The figures a round of talks reviews, over a window [start, end), for one viewer.

Every item (a message, a recipient's copy, a notice, a conflict...) carries the parties that
may see it on the line (``seen_by``) and the parties whose item it is (``of``). A figure is a
``Cell`` over its items; the viewer is shown it unless it rests on one or two items hidden
from it (``Cell.shown_to``). A mediator sees no party's items, so it sees no figure resting on
one or two of anybody's. A party also gets its own detail: the same figures over its own
items (messages it sent, copies it received, its notices, conflicts and encounters it is in,
suspensions of its lines).

Only messages that reached the line count, from their first release, as in
``services.line.figures``. Line checks have figures of their own and a deadline of their own,
so the per-precedence timings leave them out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import numpy as np
import sqlalchemy as sa
from sqlalchemy import Connection

from clearline.model.agreement import Agreement
from clearline.model.conflict import ConflictSource, ConflictState
from clearline.model.event import EventType
from clearline.model.message import IncidentKind, IncidentState, MessageType, Precedence
from clearline.model.notice import ActivityKind, Sharing
from clearline.model.protocol import Protocol
from clearline.model.report import (
    Cell,
    LineChecks,
    ProtocolInForce,
    RoundFigures,
    Section,
    Shown,
    Suspensions,
    Timing,
)
from clearline.model.user import User
from clearline.model.zone import Severity
from clearline.services.protocol.versions import member_of
from clearline.store import agreements as agreement_store
from clearline.store import incidents as incident_store
from clearline.store.schema import (
    conflict_parties,
    conflicts,
    encounters,
    events,
    messages,
    notice_versions,
    notices,
    protocols,
    recipients,
)

RESOLVED = (ConflictState.RESOLVED, ConflictState.CLOSED)
ALERT_LEVELS = ("1", "2", "3")


@dataclass(frozen=True)
class _Item:
    seen_by: frozenset[str]
    """The agreement's parties that may see the item on the line."""
    of: frozenset[str]
    """The parties whose item it is: whose own detail it goes into."""


ItemT = TypeVar("ItemT", bound=_Item)


@dataclass(frozen=True)
class _Message(_Item):
    type: str
    precedence: str
    at: datetime


@dataclass(frozen=True)
class _Copy(_Item):
    precedence: str
    line_check: bool
    released_at: datetime
    acknowledged_at: datetime | None
    answered_at: datetime | None
    deadline_s: int
    level: int
    overdue: bool


@dataclass(frozen=True)
class _Notice(_Item):
    kind: str
    late: bool


@dataclass(frozen=True)
class _Conflict(_Item):
    source: str
    severity: str
    state: str
    at: datetime
    resolved_s: float | None


@dataclass(frozen=True)
class _Encounter(_Item):
    level: int


@dataclass(frozen=True)
class _Incident(_Item):
    kind: str
    state: str


@dataclass(frozen=True)
class _Suspension(_Item):
    duration_s: float


@dataclass(frozen=True)
class _Records:
    """Everything in the window, before anybody's view of it."""

    start: datetime
    end: datetime
    messages: list[_Message]
    copies: list[_Copy]
    notices: list[_Notice]
    conflicts: list[_Conflict]
    encounters: list[_Encounter]
    suspensions: list[_Suspension]
    incidents: list[_Incident]
    deadlines: dict[str, list[int]] = field(default_factory=dict)
    """Deadlines in force over the window, by precedence and ``line_check``: not secret."""

    def of(self, party: str) -> _Records:
        """The party's own items only."""

        def own(items: Sequence[ItemT]) -> list[ItemT]:
            return [i for i in items if party in i.of]

        return _Records(
            self.start,
            self.end,
            own(self.messages),
            own(self.copies),
            own(self.notices),
            own(self.conflicts),
            own(self.encounters),
            own(self.suspensions),
            own(self.incidents),
            self.deadlines,
        )


def report_figures(
    connection: Connection, agreement_id: str, viewer: User, start: datetime, end: datetime
) -> RoundFigures:
    """The round's figures as ``viewer`` may see them: the whole for every member of the
    agreement, and a party's own detail for a party's user."""
    agreement = member_of(connection, viewer, agreement_id)
    mediator = viewer.party in agreement.mediators()
    in_force = _protocols(connection, agreement_id, start, end)
    records = _records(connection, agreement, start, end, in_force)
    party = None if mediator else viewer.party
    return RoundFigures(
        agreement_id=agreement_id,
        start=start,
        end=end,
        viewer_party=viewer.party,
        mediator=mediator,
        protocols=[ProtocolInForce(version=p.version, effective_at=at) for p, at in in_force],
        aggregate=_section(records, party),
        own=None if party is None else _section(records.of(party), party),
    )


# What the viewer is shown: every figure below passes through ``Cell.shown_to``.


def _cell(items: Sequence[_Item], value: Any) -> Cell:
    seen = Counter(p for item in items for p in item.seen_by)
    return Cell(value=value, items=len(items), seen_by=dict(seen))


def _count(items: Sequence[_Item], party: str | None) -> Shown:
    return _scalar(_cell(items, len(items)), party)


def _scalar(cell: Cell, party: str | None) -> Shown:
    shown = cell.shown_to(party)
    assert not isinstance(shown, list), "a scalar cell holds no series"
    return shown


def _by(
    items: Iterable[ItemT], key: Callable[[ItemT], str], keys: Iterable[str], party: str | None
) -> dict[str, Shown]:
    """Counts by ``key``: every one of ``keys`` (0 where none), and any other that occurs."""
    groups: dict[str, list[ItemT]] = {k: [] for k in keys}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return {k: _count(v, party) for k, v in groups.items()}


def _timing(
    timed: list[tuple[_Item, float, int | None]], deadlines: list[int], party: str | None
) -> Timing:
    """Statistics of durations, each against its own deadline (None: no deadline)."""
    items = [item for item, _, _ in timed]
    seconds = np.array([s for _, s, _ in timed], dtype=float)
    due = [s <= d for _, s, d in timed if d is not None]

    def stat(value: float | None) -> Shown:
        return _scalar(_cell(items, value), party)

    samples = _cell(items, [float(s) for s in seconds]).shown_to(party)
    assert not isinstance(samples, int | float) and samples is not None
    return Timing(
        count=_count(items, party),
        median_s=stat(float(np.median(seconds)) if len(seconds) else None),
        p90_s=stat(float(np.percentile(seconds, 90)) if len(seconds) else None),
        max_s=stat(float(seconds.max()) if len(seconds) else None),
        within_deadline=stat(float(np.mean(due)) if due else None),
        deadlines_s=deadlines,
        samples_s=samples,  # type: ignore[arg-type]
    )


def _section(records: _Records, party: str | None) -> Section:
    copies = [c for c in records.copies if not c.line_check]
    weeks = _weeks(records.start, records.end)
    return Section(
        messages=_count(records.messages, party),
        messages_by_type=_by(records.messages, lambda m: m.type, MessageType, party),
        messages_by_precedence=_by(records.messages, lambda m: m.precedence, Precedence, party),
        acknowledgement=_per_precedence(copies, lambda c: c.acknowledged_at, records, party),
        answer=_per_precedence(copies, lambda c: c.answered_at, records, party),
        escalations_by_level=_escalations(copies, party),
        line_checks=_line_checks([c for c in records.copies if c.line_check], records, party),
        notices=_count(records.notices, party),
        notices_by_kind=_by(records.notices, lambda n: n.kind, ActivityKind, party),
        late_notices=_count([n for n in records.notices if n.late], party),
        late_notices_by_kind=_by(
            [n for n in records.notices if n.late], lambda n: n.kind, ActivityKind, party
        ),
        conflicts=_count(records.conflicts, party),
        conflicts_by_source=_by(records.conflicts, lambda c: c.source, ConflictSource, party),
        conflicts_by_severity=_by(records.conflicts, lambda c: c.severity, Severity, party),
        conflicts_by_state=_by(records.conflicts, lambda c: c.state, ConflictState, party),
        resolution=_timing(
            [(c, c.resolved_s, None) for c in records.conflicts if c.resolved_s is not None],
            [],
            party,
        ),
        encounters_by_level=_by(records.encounters, lambda e: str(e.level), ALERT_LEVELS, party),
        suspensions=_suspensions(records.suspensions, party),
        incidents_by_kind=_by(records.incidents, lambda i: i.kind, IncidentKind, party),
        incidents_by_state=_by(records.incidents, lambda i: i.state, IncidentState, party),
        weekly_messages=_by(records.messages, lambda m: _week(m.at), weeks, party),
        weekly_conflicts=_by(records.conflicts, lambda c: _week(c.at), weeks, party),
    )


def _per_precedence(
    copies: list[_Copy],
    when: Callable[[_Copy], datetime | None],
    records: _Records,
    party: str | None,
) -> dict[str, Timing]:
    """Release to ``when`` (acknowledged, answered) of the copies that got there."""
    timed: dict[str, list[tuple[_Item, float, int | None]]] = {p: [] for p in Precedence}
    for copy in copies:
        if (at := when(copy)) is not None:
            seconds = (at - copy.released_at).total_seconds()
            timed[copy.precedence].append((copy, seconds, copy.deadline_s))
    return {p: _timing(t, records.deadlines.get(p, []), party) for p, t in timed.items()}


def _escalations(copies: list[_Copy], party: str | None) -> dict[str, Shown]:
    escalated = [c for c in copies if c.level > 0]
    top = max([int(k) for k in ALERT_LEVELS] + [c.level for c in escalated])
    shown = _by(escalated, lambda c: str(c.level), (str(n) for n in range(1, top + 1)), party)
    shown["overdue"] = _count([c for c in escalated if c.overdue], party)
    return shown


def _line_checks(checks: list[_Copy], records: _Records, party: str | None) -> LineChecks:
    """Acknowledging a line check is answering it; one nobody acknowledged in time is missed."""
    timed: list[tuple[_Item, float, int | None]] = [
        (c, (c.acknowledged_at - c.released_at).total_seconds(), c.deadline_s)
        for c in checks
        if c.acknowledged_at is not None
    ]
    answered = [c for c, _, _ in timed]
    over_time = [(c.released_at.isoformat(), s) for c, s, _ in timed if isinstance(c, _Copy)]
    series = _cell(answered, over_time).shown_to(party)
    return LineChecks(
        sent=_count(checks, party),
        answered=_count(answered, party),
        missed=_count([c for c in checks if c.overdue], party),
        answer=_timing(timed, records.deadlines.get("line_check", []), party),
        over_time=series,  # type: ignore[arg-type]
    )


def _suspensions(suspensions: list[_Suspension], party: str | None) -> Suspensions:
    durations = [s.duration_s for s in suspensions]
    return Suspensions(
        count=_count(suspensions, party),
        total_s=_scalar(_cell(suspensions, float(sum(durations))), party),
        longest_s=_scalar(_cell(suspensions, max(durations, default=None)), party),
    )


def _weeks(start: datetime, end: datetime) -> list[str]:
    """Every ISO week the window touches, in order."""
    first, last = start.date(), (end - timedelta(microseconds=1)).date()
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return list(dict.fromkeys(_week(day) for day in days))


def _week(at: datetime | date) -> str:
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


# The store: each kind of item in the window, with who may see it.


def _records(
    connection: Connection,
    agreement: Agreement,
    start: datetime,
    end: datetime,
    in_force: list[tuple[Protocol, datetime]],
) -> _Records:
    parties = frozenset(agreement.parties())
    found, copies = _messages(connection, agreement.id, parties, start, end)
    return _Records(
        start=start,
        end=end,
        messages=found,
        copies=copies,
        notices=_notices(connection, agreement.id, parties, start, end),
        conflicts=_conflicts(connection, agreement.id, parties, start, end),
        encounters=_encounters(connection, agreement.id, start, end),
        suspensions=_suspended(connection, agreement.id, start, end),
        incidents=_incidents(connection, agreement.id, start, end),
        deadlines=_deadlines([p for p, _ in in_force]),
    )


def _deadlines(in_force: list[Protocol]) -> dict[str, list[int]]:
    found = {str(p): sorted({v.deadline_s(p) for v in in_force}) for p in Precedence}
    return {**found, "line_check": sorted({v.line_check_deadline_s for v in in_force})}


def _messages(
    connection: Connection,
    agreement_id: str,
    parties: frozenset[str],
    start: datetime,
    end: datetime,
) -> tuple[list[_Message], list[_Copy]]:
    """Messages first released in the window, and the copies released in it."""
    rows = connection.execute(
        sa.select(messages, recipients)
        .join(recipients, recipients.c.message_id == messages.c.id)
        .where(messages.c.agreement_id == agreement_id, recipients.c.released_at < end)
        .order_by(messages.c.id, recipients.c.party)
    ).all()
    by_message: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_message[row.id].append(row)
    found, copies = [], []
    for copy_rows in by_message.values():
        first = copy_rows[0]
        sender = frozenset({first.sender_party} - {None})
        seen = (sender | {r.party for r in copy_rows}) & parties
        at = min(r.released_at for r in copy_rows)
        if start <= at < end:
            found.append(_Message(seen, sender, first.type, first.precedence, at))
        for row in copy_rows:
            if start <= row.released_at < end:
                copies.append(_copy(connection, agreement_id, row, sender, parties))
    return found, copies


def _copy(
    connection: Connection,
    agreement_id: str,
    row: Any,
    sender: frozenset[str],
    parties: frozenset[str],
) -> _Copy:
    """A recipient's copy, seen by it and the sender, due as the protocol said at release
    (``due_at`` itself moves with escalation)."""
    protocol = agreement_store.protocol_version(connection, agreement_id, row.protocol_version)
    assert protocol is not None, f"message {row.id} names a protocol version never adopted"
    line_check = row.type == MessageType.LINE_CHECK and row.sender_party is None
    deadline = (
        protocol.line_check_deadline_s
        if line_check
        else protocol.deadline_s(Precedence(row.precedence))
    )
    return _Copy(
        seen_by=(sender | {row.party}) & parties,
        of=frozenset({row.party}),
        precedence=row.precedence,
        line_check=line_check,
        released_at=row.released_at,
        acknowledged_at=row.acknowledged_at,
        answered_at=row.answered_at,
        deadline_s=deadline,
        level=row.escalation_level,
        overdue=bool(row.overdue),
    )


def _notices(
    connection: Connection,
    agreement_id: str,
    parties: frozenset[str],
    start: datetime,
    end: datetime,
) -> list[_Notice]:
    """Notices first filed in the window; late if their first version came late. Others see
    a notice that was shared when filed and still is; a blind one only its party."""
    first = notice_versions.alias("first")
    rows = connection.execute(
        sa.select(notices.c.party, notices.c.kind, notices.c.sharing, first.c.sharing.label("was"))
        .add_columns(first.c.late_s)
        .join(first, sa.and_(first.c.notice_id == notices.c.id, first.c.version == 1))
        .where(notices.c.agreement_id == agreement_id)
        .where(first.c.filed_at >= start, first.c.filed_at < end)
        .order_by(notices.c.id)
    ).all()
    return [
        _Notice(
            seen_by=parties if _shared(row.sharing, row.was) else frozenset({row.party}),
            of=frozenset({row.party}),
            kind=row.kind,
            late=row.late_s > 0,
        )
        for row in rows
    ]


def _shared(now: str, when_filed: str) -> bool:
    return now == when_filed == Sharing.SHARED


def _conflicts(
    connection: Connection,
    agreement_id: str,
    parties: frozenset[str],
    start: datetime,
    end: datetime,
) -> list[_Conflict]:
    """Conflicts opened in the window, seen by the parties involved."""
    rows = connection.execute(
        sa.select(conflicts)
        .where(conflicts.c.agreement_id == agreement_id)
        .where(conflicts.c.created_at >= start, conflicts.c.created_at < end)
        .order_by(conflicts.c.id)
    ).all()
    involved: dict[int, set[str]] = defaultdict(set)
    ids = [row.id for row in rows]
    for link in connection.execute(
        sa.select(conflict_parties).where(conflict_parties.c.conflict_id.in_(ids))
    ):
        involved[link.conflict_id].add(link.party)
    return [
        _Conflict(
            seen_by=frozenset(involved[row.id]) & parties,
            of=frozenset(involved[row.id]),
            source=row.source,
            severity=row.severity,
            state=row.state,
            at=row.created_at,
            resolved_s=(row.updated_at - row.created_at).total_seconds()
            if row.state in RESOLVED
            else None,
        )
        for row in rows
    ]


def _incidents(
    connection: Connection, agreement_id: str, start: datetime, end: datetime
) -> list[_Incident]:
    """Incidents filed in the window, seen by the parties involved (the mediator's figure
    follows the report's rule, not the case's: a count, "fewer than 3" under three)."""
    found = incident_store.of_agreements(connection, [agreement_id])
    return [
        _Incident(seen_by=frozenset(i.parties), of=frozenset(i.parties), kind=i.kind, state=i.state)
        for i in found
        if start <= i.filed_at < end
    ]


def _encounters(
    connection: Connection, agreement_id: str, start: datetime, end: datetime
) -> list[_Encounter]:
    """Encounters opened in the window, by the highest level they reached; both parties
    are told of each."""
    rows = connection.execute(
        sa.select(encounters.c.party_a, encounters.c.party_b, encounters.c.max_level)
        .where(encounters.c.agreement_id == agreement_id)
        .where(encounters.c.opened_at >= start, encounters.c.opened_at < end)
    ).all()
    return [
        _Encounter(
            seen_by=frozenset({r.party_a, r.party_b}),
            of=frozenset({r.party_a, r.party_b}),
            level=r.max_level,
        )
        for r in rows
    ]


def _suspended(
    connection: Connection, agreement_id: str, start: datetime, end: datetime
) -> list[_Suspension]:
    """Suspensions that overlap the window, each for as long as it lasted within it."""
    rows = connection.execute(
        sa.select(events.c.type, events.c.time, events.c.payload)
        .where(events.c.agreement_id == agreement_id, events.c.time < end)
        .where(events.c.type.in_([EventType.LINE_SUSPENDED, EventType.LINE_RESTORED]))
        .order_by(events.c.seq)
    ).all()
    since: dict[int, datetime] = {}
    spans: list[tuple[frozenset[str], datetime, datetime]] = []
    for row in rows:
        line = row.payload["line"]
        pair = frozenset({line["party_a"], line["party_b"]})
        if row.type == EventType.LINE_SUSPENDED:
            since.setdefault(line["id"], row.time)
        elif line["id"] in since:
            spans.append((pair, since.pop(line["id"]), row.time))
    return [
        _Suspension(
            seen_by=pair, of=pair, duration_s=(min(to, end) - max(fro, start)).total_seconds()
        )
        for pair, fro, to in spans + _ongoing(rows, since, end)
        if to > start
    ]


def _ongoing(
    rows: Sequence[Any], since: dict[int, datetime], end: datetime
) -> list[tuple[frozenset[str], datetime, datetime]]:
    """Suspensions not restored by the window's end: they last until it."""
    pairs = {
        r.payload["line"]["id"]: frozenset(
            {r.payload["line"]["party_a"], r.payload["line"]["party_b"]}
        )
        for r in rows
    }
    return [(pairs[line], at, end) for line, at in since.items()]


def _protocols(
    connection: Connection, agreement_id: str, start: datetime, end: datetime
) -> list[tuple[Protocol, datetime]]:
    """The versions in force at some moment of the window, in order, with when each took
    effect: the one in force at its start, and each that took effect within it."""
    rows = connection.execute(
        sa.select(protocols.c.version, protocols.c.effective_at)
        .where(protocols.c.agreement_id == agreement_id, protocols.c.effective_at < end)
        .order_by(protocols.c.version)
    ).all()
    effective = {row.version: row.effective_at for row in rows}
    moments = [start, *sorted(at for at in effective.values() if start < at < end)]
    versions = []
    for moment in moments:
        due = [v for v, at in effective.items() if at <= moment]
        versions.append(max(due, default=1))
    found = []
    for version in dict.fromkeys(versions):
        protocol = agreement_store.protocol_version(connection, agreement_id, version)
        assert protocol is not None
        found.append((protocol, effective.get(version, start)))
    return found
