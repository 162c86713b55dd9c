"""What the line gathers for a case when it is filed: its own record of the window and the place.

Everything gathered is an entry of the ledger, so that each item can be proved later to be what
the line recorded at the time. Track positions are not on the ledger as they come (thousands a
second), so the positions of the window are put on it now, one event per track and per view:
its reporter's, exact, and the view every other party it is shared with had (snapped, where its
reporter asked for coarse positions). A blind track goes to its reporter alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection

from clearline.geo import grid
from clearline.model.agreement import Agreement
from clearline.model.event import EventType
from clearline.model.incident import Incident
from clearline.model.message import MessageType
from clearline.model.protocol import Protocol
from clearline.services.incidents.places import Metres, geometries, place_shape
from clearline.services.tactical.picture import Identity
from clearline.store import events as event_store
from clearline.store import incidents as incident_store
from clearline.store import tracks as track_store

BEFORE = timedelta(hours=1)
"""How far before the window the record is searched: the notices, warnings and line checks
that led up to it."""
AFTER = timedelta(hours=1)
"""And after it: the late acknowledgements, the escalations, the alerts that came too late."""
NEARBY_M = 100_000
"""How far from the place a notice, zone, position, conflict or encounter still belongs to the
case: a notified location 30 km off is the very thing to be reviewed."""
TRACK_MARGIN = timedelta(minutes=10)
"""Track positions are kept from this long before the window to this long after it."""
SAMPLE_S = 5.0
"""One position every this many seconds of each track: a replay's resolution, not a feed's."""

TIMED = (
    EventType.MESSAGE_SENT,
    EventType.MESSAGE_RELEASED,
    EventType.MESSAGE_DELIVERED,
    EventType.MESSAGE_ACKNOWLEDGED,
    EventType.MESSAGE_ANSWERED,
    EventType.MESSAGE_ESCALATED,
    EventType.MESSAGE_OVERDUE,
    EventType.ESCALATION_DELIVERED,
    EventType.LINE_SUSPENDED,
    EventType.LINE_RESTORED,
    EventType.LINE_CHECK_ANSWERED,
    EventType.CONFLICT_OPENED,
    EventType.CONFLICT_UPDATED,
    EventType.CONFLICT_ACKNOWLEDGED,
    EventType.CONFLICT_RESOLVED,
    EventType.CONFLICT_ACCEPTED,
    EventType.ENCOUNTER_OPENED,
    EventType.ENCOUNTER_UPDATED,
    EventType.ENCOUNTER_CLOSED,
    EventType.TRACK_ATTRIBUTED,
    EventType.PROTOCOL_ADOPTED,
    EventType.PROTOCOL_IN_FORCE,
)
"""Events that belong to a case by when they happened."""
STANDING = (
    EventType.NOTICE_FILED,
    EventType.NOTICE_AMENDED,
    EventType.NOTICE_CANCELLED,
    EventType.NOTICE_STATE_CHANGED,
    EventType.ZONE_ADDED,
    EventType.POSITION_DECLARED,
)
"""Events that belong to it by what they still said at the time, however long before."""
_MESSAGE = "message."
_AUTHOR = {
    "message.sent": ("message", "sender_party"),
    "message.released": ("message", "sender_party"),
    "message.delivered": ("party",),
    "message.acknowledged": ("party",),
    "message.answered": ("party",),
    "notice": ("notice", "party"),
    "zone.added": ("zone", "owner"),
    "position.declared": ("position", "party"),
    "line.suspended": ("line", "by"),
}
"""Where an event names the party whose record it is; the rest are the line's own."""


@dataclass(frozen=True)
class Found:
    seq: int
    owner: str | None


def gather(
    connection: Connection,
    agreement: Agreement,
    incident: Incident,
    protocol: Protocol,
    now: datetime,
) -> list[Found]:
    """The case's evidence: events already on the ledger, and the track positions of the
    window, put on it now."""
    parties = set(agreement.parties())
    search = Metres(_place(connection, incident), _radius(incident))
    found = [
        *_timed(connection, incident, parties, search),
        *_standing(connection, incident, parties, search),
    ]
    found += _tracks(connection, agreement, incident, protocol, search, now)
    return found


def owner_of(
    type: str, payload: dict[str, Any], audience: Iterable[str], parties: set[str]
) -> str | None:
    """Whose record an event is: the one party that saw it, or the party it names as author."""
    seen = sorted(set(audience) & parties)
    if len(seen) == 1:
        return seen[0]
    path = _AUTHOR.get(type) or _AUTHOR.get(type.split(".")[0])
    value: Any = payload
    for key in path or ():
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, str) else None


def _timed(
    connection: Connection, incident: Incident, parties: set[str], search: Metres
) -> list[Found]:
    rows = incident_store.events_between(
        connection,
        incident.agreement_id,
        list(TIMED),
        incident.start - BEFORE,
        incident.end + AFTER,
    )
    audiences = event_store.audiences_of(connection, [row.seq for row in rows])
    involved = set(incident.parties)
    messages = {
        row.payload["message"]["id"]
        for row in rows
        if row.type in (EventType.MESSAGE_SENT, EventType.MESSAGE_RELEASED)
        and row.payload["message"]["type"] != MessageType.INCIDENT_UPDATE
        and set(audiences[row.seq]) & involved
    }
    found = []
    for row in rows:
        audience = audiences[row.seq]
        if not set(audience) & involved:
            continue
        if row.type.startswith(_MESSAGE):
            if _message_id(row.payload) not in messages:
                continue
        elif not _near(row.payload, search):
            continue
        found.append(Found(row.seq, owner_of(row.type, row.payload, audience, parties)))
    return found


def _standing(
    connection: Connection, incident: Incident, parties: set[str], search: Metres
) -> list[Found]:
    """Notices whose volumes overlapped the search window near the place, with every event of
    theirs (the version in force and those before it); zones and positions near it."""
    rows = incident_store.events_between(
        connection,
        incident.agreement_id,
        list(STANDING),
        datetime(1970, 1, 1, tzinfo=UTC),
        incident.end + AFTER,
    )
    start, end = incident.start - BEFORE, incident.end + AFTER
    notices = {
        row.payload["notice"]["id"]
        for row in rows
        if row.type.startswith("notice.")
        and _overlaps(row.payload["notice"], start, end)
        and _near(row.payload["notice"], search)
    }
    audiences = event_store.audiences_of(connection, [row.seq for row in rows])
    found = []
    for row in rows:
        if row.type.startswith("notice."):
            keep = row.payload["notice"]["id"] in notices
        else:
            keep = _near(row.payload, search)
        if keep:
            audience = audiences[row.seq]
            found.append(Found(row.seq, owner_of(row.type, row.payload, audience, parties)))
    return found


def _tracks(
    connection: Connection,
    agreement: Agreement,
    incident: Incident,
    protocol: Protocol,
    search: Metres,
    now: datetime,
) -> list[Found]:
    start = (incident.start - TRACK_MARGIN).timestamp()
    end = (incident.end + TRACK_MARGIN).timestamp()
    rows = {row.id: row for row in track_store.tracks_of(connection, agreement.id)}
    reports = track_store.reports_between(connection, rows, start, end)
    paths: dict[int, list[sa.Row[Any]]] = {}
    for report in reports:
        paths.setdefault(report.track_id, []).append(report)
    found = []
    for track_id, path in paths.items():
        samples = _thinned(path)
        near = any(search.to_place(g) <= NEARBY_M for g in geometries(samples))
        if track_id in incident.tracks or near:
            identity = Identity.of(rows[track_id]._asdict())
            found += _track_views(connection, agreement, incident, identity, samples, protocol, now)
    return found


def _track_views(
    connection: Connection,
    agreement: Agreement,
    incident: Incident,
    identity: Identity,
    samples: list[dict[str, Any]],
    protocol: Protocol,
    now: datetime,
) -> list[Found]:
    """The reporter's view, and (if any other party saw it) theirs, each its own event."""
    others = [p for p in agreement.parties() if p != identity.reporter and identity.seen_by(p)]
    views = [([identity.reporter], samples, False)]
    if others and identity.coarse:
        views.append((others, [_coarse(s, protocol.position_precision_m) for s in samples], True))
    elif others:
        views[0][0].extend(others)
    found = []
    for audience, shown, coarse in views:
        payload = {
            "incident_id": incident.id,
            "track": {
                "id": identity.id,
                "reporter": identity.reporter,
                "kind": identity.kind,
                "owner": identity.owner,
                "status": identity.status,
            },
            "coarse": coarse,
            "samples": shown,
        }
        event = event_store.append(
            connection, EventType.INCIDENT_EVIDENCE, now, agreement.id, audience, payload
        )
        found.append(Found(event.seq, identity.reporter))
    return found


def _thinned(path: list[sa.Row[Any]]) -> list[dict[str, Any]]:
    samples, last = [], float("-inf")
    for report in path:
        if report.time_s - last >= SAMPLE_S:
            last = report.time_s
            samples.append(
                {
                    "time": datetime.fromtimestamp(report.time_s, UTC)
                    .isoformat()
                    .replace("+00:00", "Z"),
                    "lat": report.lat,
                    "lon": report.lon,
                    "alt_ft": report.alt_ft,
                }
            )
    return samples


def _coarse(sample: dict[str, Any], precision_m: int) -> dict[str, Any]:
    lat, lon = grid.centre(grid.snap(sample["lat"], sample["lon"], precision_m))
    return {**sample, "lat": lat, "lon": lon, "alt_ft": round(sample["alt_ft"], -2)}


def _place(connection: Connection, incident: Incident) -> BaseGeometry:
    """The place in degrees; a track's path is read from every report of it in the window."""
    track = incident.place.track
    if track is None:
        return place_shape(incident.place)
    reports = track_store.reports_between(
        connection, [track], incident.start.timestamp(), incident.end.timestamp()
    )
    return place_shape(incident.place, [(r.lon, r.lat) for r in reports])


def _radius(incident: Incident) -> float:
    return float(incident.place.radius_m or 0)


def _near(payload: Any, search: Metres) -> bool:
    """Whether what the payload shows lies near the place; a payload with no place (a line
    check, a withheld region) is not ruled out by it."""
    shapes = list(geometries(payload))
    return not shapes or any(search.to_place(g) <= NEARBY_M for g in shapes)


def _overlaps(notice: dict[str, Any], start: datetime, end: datetime) -> bool:
    volumes = notice["versions"][-1]["volumes"]
    return any(
        datetime.fromisoformat(v["start"]) <= end and datetime.fromisoformat(v["end"]) >= start
        for v in volumes
    )


def _message_id(payload: dict[str, Any]) -> int | None:
    message = payload.get("message")
    return message["id"] if isinstance(message, dict) else payload.get("message_id")
