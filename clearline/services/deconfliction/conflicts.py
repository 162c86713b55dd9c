"""The life of a conflict: opened with an alert to each party, acknowledged, resolved by an
amendment or accepted with a reason, closed once its window has passed.

What the engine finds is reconciled with what is on record by a match key (the two notices,
or the notice and the zone or position), so that an amendment that only moves a clash updates
the conflict rather than opening a second one, and one that removes it resolves it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection

from clearline.geo.volumes import to_geojson
from clearline.model import times
from clearline.model.conflict import Conflict, ConflictState, Involved, Near
from clearline.model.errors import conflict as refused
from clearline.model.errors import forbidden, invalid
from clearline.model.event import EventType
from clearline.model.message import (
    ConflictAlertBody,
    CrossingDecision,
    MessageType,
    Point,
    Precedence,
)
from clearline.model.protocol import Protocol, Urgency
from clearline.model.user import Role, User
from clearline.model.zone import Severity, Zone
from clearline.services.alerts import AlertedRecords
from clearline.services.deconfliction.index import AgreementIndex
from clearline.services.deconfliction.screening import CrossingCheck, Found
from clearline.services.deconfliction.severity import severity
from clearline.services.line import messages
from clearline.store import conflicts as conflict_store
from clearline.store import messages as message_store

APPROVALS = frozenset({CrossingDecision.APPROVED, CrossingDecision.APPROVED_WITH_CONDITIONS})
CONFLICTS = AlertedRecords(
    "conflict", conflict_store.get, conflict_store.add_alert, MessageType.CONFLICT_ALERT
)
"""Conflicts on record: fetched, announced and alerted as encounters are."""


def precedence(severity: Severity, starts_in_s: float, urgency: Urgency) -> Precedence:
    """How urgently the line carries an alert: by severity, one step up if it starts soon
    (within the hour, by default). A critical conflict is always FLASH."""
    soon = starts_in_s <= urgency.soon_s
    if severity is Severity.CRITICAL:
        return Precedence.FLASH
    if severity is Severity.HIGH:
        return Precedence.FLASH if soon else Precedence.IMMEDIATE
    if severity is Severity.MEDIUM:
        return Precedence.IMMEDIATE if soon else Precedence.PRIORITY
    return Precedence.PRIORITY if soon else Precedence.ROUTINE


def record(
    connection: Connection,
    index: AgreementIndex,
    notice_id: int,
    found: list[Found],
    protocol: Protocol,
    now: datetime,
    resolution: str,
    amendment: int | None = None,
) -> None:
    """Bring the record of ``notice_id``'s conflicts in line with what the engine found now;
    those opened or resolved are marked as the ``amendment``'s doing, where one screened."""
    standing = conflict_store.standing_of_notice(connection, notice_id)
    for clash in found:
        values = _values(clash, index, protocol, now)
        before = standing.pop(clash.b.match_key, None)
        if before is None:
            _open(connection, clash.b.match_key, values | {"amendment": amendment}, protocol, now)
        else:
            _update(connection, before, values, protocol, now)
    for gone in standing.values():
        resolve(connection, gone, resolution, now, amendment)


def resolve_all(connection: Connection, notice_id: int, resolution: str, now: datetime) -> None:
    for standing in conflict_store.standing_of_notice(connection, notice_id).values():
        resolve(connection, standing, resolution, now)


def resolve(
    connection: Connection,
    conflict: Conflict,
    resolution: str,
    now: datetime,
    amendment: int | None = None,
) -> None:
    conflict_store.update(
        connection,
        conflict.id,
        state=ConflictState.RESOLVED,
        resolution=resolution,
        updated_at=now,
        amendment=amendment,
    )
    _announce(connection, EventType.CONFLICT_RESOLVED, conflict.id, now)


def acknowledge(connection: Connection, user: User, conflict_id: int, now: datetime) -> Conflict:
    """A human of an involved party has seen it: every alert copy of that party is acknowledged
    (acknowledging an alert message is the same act, seen from the line)."""
    conflict = visible(connection, user.party, conflict_id, now)
    if not user.is_watch:
        raise forbidden("role", f"a {user.role} cannot acknowledge: a human on the watch must")
    if user.party in conflict.acknowledged:
        return conflict
    for message_id in conflict.alert_ids:
        message = message_store.get(connection, message_id)
        if message is not None and message.recipient(user.party) is not None:
            messages.acknowledge(connection, user, message_id, now)
    _announce(connection, EventType.CONFLICT_ACKNOWLEDGED, conflict_id, now)
    return visible(connection, user.party, conflict_id, now)


def accept(
    connection: Connection, user: User, conflict_id: int, reason: str, now: datetime
) -> Conflict:
    """A liaison officer of an involved party accepts the risk; the reason goes on record."""
    conflict = visible(connection, user.party, conflict_id, now)
    if user.role is not Role.LIAISON_OFFICER:
        raise forbidden("role", "only a liaison officer may accept a conflict")
    if not conflict.state.standing:
        raise refused("state", f"the conflict is {conflict.state} already")
    if not reason.strip():
        raise invalid("reason", "accepting a conflict must say why")
    conflict_store.update(
        connection,
        conflict_id,
        state=ConflictState.ACCEPTED,
        resolution=reason,
        accepted_by=user.id,
        updated_at=now,
    )
    _announce(connection, EventType.CONFLICT_ACCEPTED, conflict_id, now)
    return visible(connection, user.party, conflict_id, now)


def close_ended(connection: Connection, now: datetime) -> int:
    """Close resolved and accepted conflicts whose window has passed."""
    ended = conflict_store.ended_before(connection, now)
    for conflict in ended:
        conflict_store.update(connection, conflict.id, state=ConflictState.CLOSED, updated_at=now)
        _announce(connection, EventType.CONFLICT_CLOSED, conflict.id, now)
    return len(ended)


def visible(connection: Connection, party: str, conflict_id: int, now: datetime) -> Conflict:
    """The conflict as ``party`` sees it; 404 unless the party is involved."""
    return view(CONFLICTS.involving(connection, party, conflict_id), party, now)


def conflicts_for(
    connection: Connection, party: str, state: ConflictState | None, limit: int, now: datetime
) -> list[Conflict]:
    """Conflicts involving ``party``, newest first; ``acknowledged`` is open and seen by all."""
    stored: list[ConflictState] | None = None
    if state is not None:
        stored = [ConflictState.OPEN] if state is ConflictState.ACKNOWLEDGED else [state]
    found = conflict_store.for_party(connection, party, stored, limit)
    return [view(c, party, now) for c in found if state is None or c.state is state]


def view(conflict: Conflict, party: str, now: datetime) -> Conflict:
    """As ``party`` sees it at ``now``. Where the other side is a blind notice of another
    party, that side shows as its party alone (no id, no version), and the region and window
    as the part within ``party``'s own side: a blind notice's shape, band and window cannot be
    traced from the conflicts it is in. The record's parts by side never leave this."""
    a, b = _seen(conflict.a, party), _seen(conflict.b, party)
    update: dict[str, Any] = {"a": a, "b": b, "near": None}
    hidden = [side for side, seen in (("a", a), ("b", b)) if seen.notice_id is None and seen.blind]
    if hidden:
        own = (conflict.near or {}).get("b" if hidden == ["a"] else "a")
        update |= own.model_dump() if own is not None and len(hidden) == 1 else _NOWHERE
    return conflict.model_copy(update=update).seen_at(now)


_NOWHERE: dict[str, Any] = {"region": {"type": "GeometryCollection", "geometries": []}}
"""A conflict recorded before each side's part was kept shows no place to a hidden side."""


def common_view(conflict: Conflict, now: datetime) -> tuple[BaseGeometry, datetime, datetime]:
    """The place and window every involved party may see: what a message carried to all of
    them (an alert) may say. Empty where each side is hidden from the other."""
    views = [view(conflict, party, now) for party in conflict.parties]
    region = shapely.intersection_all([shape(seen.region) for seen in views])
    start = max(seen.window_start for seen in views)
    end = min(seen.window_end for seen in views)
    return region, start, end


def crossing_check(connection: Connection, agreement_id: str, party: str) -> CrossingCheck:
    """Whether ``party`` holds an approved crossing request over a line for a window; the
    requests are read once, on the first line a notice touches."""
    approvals: list[tuple[str, datetime, datetime]] | None = None

    def approved(zone: Zone, start: float, end: float) -> bool:
        nonlocal approvals
        if approvals is None:
            approvals = [
                (request["line_name"], _time(request["window_start"]), _time(request["window_end"]))
                for request, decision in message_store.crossing_decisions(
                    connection, agreement_id, party
                )
                if decision.get("decision") in APPROVALS
            ]
        return any(
            name == zone.name and times.epoch(first) <= start and end <= times.epoch(last)
            for name, first, last in approvals
        )

    return approved


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _seen(side: Involved, party: str) -> Involved:
    """A side as ``party`` sees it: a blind notice of another party by its party alone."""
    if side.blind and side.party != party:
        return Involved(party=side.party, blind=True)
    return side


def _values(
    clash: Found, index: AgreementIndex, protocol: Protocol, now: datetime
) -> dict[str, Any]:
    return {
        "agreement_id": index.agreement_id,
        "source": clash.b.source,
        "parties": clash.b.parties,
        "a": clash.a,
        "b": clash.b.side,
        "region": _geojson(clash.region, index),
        "near": {
            side: Near(
                region=_geojson(part.region, index),
                window_start=times.moment(part.start),
                window_end=times.moment(part.end),
            )
            for side, part in zip("ab", clash.near, strict=True)
        },
        "window_start": times.moment(clash.start),
        "window_end": times.moment(clash.end),
        "severity": severity(clash, now, protocol.urgency),
        "late_s": clash.b.late_s,
        "updated_at": now,
        "protocol_version": protocol.version,
    }


def _geojson(region: BaseGeometry, index: AgreementIndex) -> dict[str, Any]:
    """As JSON reads it back (lists, not tuples), so that an unchanged region compares equal."""
    loaded: dict[str, Any] = json.loads(json.dumps(to_geojson(region, index.projection)))
    return loaded


def _open(
    connection: Connection,
    match_key: str,
    values: dict[str, Any],
    protocol: Protocol,
    now: datetime,
) -> None:
    conflict_id = conflict_store.insert(
        connection, match_key, state=ConflictState.OPEN, created_at=now, **values
    )
    _alert(connection, CONFLICTS.get(connection, conflict_id), protocol, now)
    _announce(connection, EventType.CONFLICT_OPENED, conflict_id, now)


def _update(
    connection: Connection,
    before: Conflict,
    values: dict[str, Any],
    protocol: Protocol,
    now: datetime,
) -> None:
    """Record a moved clash; a party is alerted again only if it got worse."""
    same = (
        before.region == values["region"]
        and before.near == values["near"]
        and before.window_start == values["window_start"]
        and before.window_end == values["window_end"]
        and before.severity is values["severity"]
    )
    if same:
        return
    conflict_store.update(connection, before.id, **values)
    conflict = CONFLICTS.get(connection, before.id)
    if conflict.severity.rank > before.severity.rank:
        _alert(connection, conflict, protocol, now)
    _announce(connection, EventType.CONFLICT_UPDATED, before.id, now)


def _alert(connection: Connection, conflict: Conflict, protocol: Protocol, now: datetime) -> None:
    """One conflict alert on each line between the notice's party and another party involved."""
    filer, *others = conflict.parties
    urgency = precedence(
        conflict.severity, conflict.seen_at(now).starts_in_s or 0.0, protocol.urgency
    )
    region, start, end = common_view(conflict, now)
    body = ConflictAlertBody(
        conflict_id=conflict.id,
        source=conflict.source,
        severity=conflict.severity,
        location=None if region.is_empty else _point(region),
        window_start=start if start <= end else None,
        window_end=end if start <= end else None,
        late_s=conflict.late_s or None,
    ).model_dump(mode="json", exclude_none=True)
    CONFLICTS.alert(
        connection, conflict, [(filer, o) for o in others], urgency, body, protocol, now
    )


def _point(region: BaseGeometry) -> Point:
    where = region.representative_point()
    return Point(lat=where.y, lon=where.x)


def _announce(connection: Connection, type: EventType, conflict_id: int, now: datetime) -> None:
    """One event per involved party, each with the conflict as that party may see it."""
    CONFLICTS.announce(connection, type, conflict_id, now, lambda c, party: view(c, party, now))
