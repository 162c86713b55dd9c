"""Track reports in: checked against the protocol, stored, put on the live picture; and tracks
out, as each party may see them.

A batch is taken or refused as a whole, so that a command system never has to work out which
of its 10,000 reports the line kept.
"""

from __future__ import annotations

import bisect
import io
import math
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection

from clearline.geo import grid
from clearline.model.errors import forbidden, invalid
from clearline.model.message import Against, ObjectKind
from clearline.model.protocol import Protocol
from clearline.model.track import (
    Encounter,
    Track,
    TrackBatch,
    TrackReport,
    TrackStatus,
)
from clearline.model.user import SENDING_ROLES, User
from clearline.model.wellclear import KNOT_MS
from clearline.services.deconfliction import bounds
from clearline.services.deconfliction.notices import agreement_for
from clearline.services.tactical.encounters import ENCOUNTERS
from clearline.services.tactical.picture import COLUMNS, Identity, Picture, Pictures
from clearline.services.tactical.replay import write_daa
from clearline.store import agreements as agreement_store
from clearline.store import tracks as track_store

DaaState = tuple[float, str, float, float, float, float, float, float]
"""Time s, name, lat, lon, alt ft, track deg, ground speed kt, vertical rate fpm."""


def ingest(
    connection: Connection, user: User, batch: TrackBatch, now: datetime, pictures: Pictures
) -> int:
    """Take a batch of ``user``'s party's reports; returns how many were taken."""
    if user.role not in SENDING_ROLES:
        raise forbidden("role", f"a {user.role} may read tracks but not report them")
    agreement_id = agreement_for(connection, user.party, batch.agreement)
    protocol = agreement_store.protocol_in_force(connection, agreement_id, now)
    state = np.array([_state(report) for report in batch.reports], np.float64)
    _check_all(batch.reports, state, protocol, set(parties_of(connection, agreement_id)), now)
    picture = pictures.of(connection, agreement_id, now.timestamp())
    track_ids = np.array(_identify(connection, picture, user.party, batch.reports, now), np.int64)
    track_store.add_reports(connection, track_ids, state)
    picture.update(track_ids, state)
    return len(batch.reports)


def _check_all(
    reports: list[TrackReport],
    state: NDArray[np.float64],
    protocol: Protocol,
    parties: set[str],
    now: datetime,
) -> None:
    """``check`` on every report, the numbers on arrays: 10,000 reports a batch, each second.
    The first report the arrays flag is checked again alone, for its field and reason."""
    rules = protocol.tracks
    age = now.timestamp() - state[:, COLUMNS.index("time_s")]
    east, north = state[:, COLUMNS.index("east_kt")], state[:, COLUMNS.index("north_kt")]
    limit = np.array([rules.max_speed_kt[report.kind] for report in reports])
    flagged = (
        (age > rules.stale_s)
        | (-age > rules.ahead_s)
        | (np.hypot(east, north) > limit)
        | (np.abs(state[:, COLUMNS.index("vertical_rate_fpm")]) > rules.max_vertical_rate_fpm)
        | bounds.outside_theatre(
            state[:, COLUMNS.index("lon")], state[:, COLUMNS.index("lat")], protocol
        )
    )
    shared = [i for i, report in enumerate(reports) if report.share_with]
    for index in sorted({*np.flatnonzero(flagged)[:1].tolist(), *shared}):
        check(reports[index], protocol, parties, now, f"reports.{index}")


def check(
    report: TrackReport, protocol: Protocol, parties: set[str], now: datetime, where: str
) -> None:
    """Refuse what no real asset reports: stale or future times, impossible speeds, places
    outside the theatre."""
    rules = protocol.tracks
    age_s = (now - report.time).total_seconds()
    if age_s > rules.stale_s:
        raise invalid(
            f"{where}.time",
            f"{age_s:.0f} s old; the protocol refuses reports older than {rules.stale_s:g} s",
        )
    if -age_s > rules.ahead_s:
        raise invalid(f"{where}.time", f"{-age_s:.0f} s ahead of the line's clock")
    speed = math.hypot(*report.east_north_kt)
    limit = rules.max_speed_kt[report.kind]
    if speed > limit:
        raise invalid(
            f"{where}.ground_speed_kt",
            f"{speed:.0f} kt is beyond what a {report.kind} can fly ({limit:g} kt)",
        )
    if abs(report.vertical_rate_fpm) > rules.max_vertical_rate_fpm:
        raise invalid(
            f"{where}.vertical_rate_fpm",
            f"beyond {rules.max_vertical_rate_fpm:g} fpm",
        )
    bounds.point_in_theatre(report.lat, report.lon, protocol, where)
    strangers = set(report.share_with or ()) - parties
    if strangers:
        raise invalid(f"{where}.share_with", f"not parties to the agreement: {sorted(strangers)}")


def live_for(
    connection: Connection, party: str, agreement: str | None, pictures: Pictures, now: datetime
) -> list[Track]:
    """The live tracks ``party`` may see under its agreement (the one named, where it is in
    several), from the picture in memory: call it on the writer, the picture's one thread."""
    agreement_id = agreement_for(connection, party, agreement)
    protocol = agreement_store.protocol_in_force(connection, agreement_id, now)
    picture = pictures.of(connection, agreement_id, now.timestamp())
    return tracks_for(picture, party, now, protocol)


def tracks_for(picture: Picture, party: str, now: datetime, protocol: Protocol) -> list[Track]:
    """The live tracks ``party`` may see: its own and its sensors' in full, others' shared with
    it (snapped to the protocol's precision where their owner asked), never a blind one."""
    rows = picture.live(now.timestamp(), protocol.tracks.lost_after_s)
    seen = []
    for track_id in picture.ids[rows].tolist():
        identity = picture.identities[track_id]
        if not identity.seen_by(party):
            continue
        track = picture.track(track_id)
        if identity.coarse and identity.reporter != party:
            track = coarsened(track, protocol.position_precision_m)
        seen.append(track)
    return seen


def coarsened(track: Track, precision_m: int) -> Track:
    """Position snapped to the centre of its MGRS square, velocity to whole knots."""
    lat, lon = grid.centre(grid.snap(track.lat, track.lon, precision_m))
    return track.model_copy(
        update={
            "lat": lat,
            "lon": lon,
            "alt_ft": round(track.alt_ft, -2),
            "east_kt": round(track.east_kt),
            "north_kt": round(track.north_kt),
            "coarse": True,
        }
    )


def parties_of(connection: Connection, agreement_id: str) -> list[str]:
    agreement = agreement_store.get_agreement(connection, agreement_id)
    return agreement.parties() if agreement else []


def _identify(
    connection: Connection,
    picture: Picture,
    party: str,
    reports: list[TrackReport],
    now: datetime,
) -> list[int]:
    """Each report's track id: new tracks stored in one statement, changed sharing recorded."""
    latest = {report.track_id: report for report in reports}
    fresh = [key for key in latest if (party, key) not in picture.keys]
    if fresh:
        rows = [_new_track(picture.agreement_id, party, latest[key], now) for key in fresh]
        for track_id, row in zip(track_store.insert_tracks(connection, rows), rows, strict=True):
            picture.identify(Identity.of({**row, "id": track_id}))
    for key, report in latest.items():
        _reshare(connection, picture, picture.keys[(party, key)], report)
    return [picture.keys[(party, report.track_id)] for report in reports]


def _reshare(connection: Connection, picture: Picture, track_id: int, report: TrackReport) -> None:
    identity = picture.identities[track_id]
    share_with = None if report.share_with is None else tuple(report.share_with)
    if (identity.share_with, identity.coarse, identity.kind) == (
        share_with,
        report.coarse,
        report.kind,
    ):
        return
    track_store.update_track(
        connection,
        track_id,
        share_with=report.share_with,
        coarse=report.coarse,
        kind=report.kind,
    )
    picture.reclaim(track_id, share_with=share_with, coarse=report.coarse, kind=report.kind)


def _new_track(agreement_id: str, party: str, report: TrackReport, now: datetime) -> dict[str, Any]:
    unknown = report.kind is ObjectKind.UNKNOWN_OBJECT
    return {
        "agreement_id": agreement_id,
        "reporter": party,
        "track_key": report.track_id,
        "kind": report.kind,
        "owner": None if unknown else party,
        "status": TrackStatus.UNKNOWN if unknown else TrackStatus.OWN,
        "share_with": report.share_with,
        "coarse": report.coarse,
        "hostile_for": [],
        "created_at": now,
    }


def _state(report: TrackReport) -> tuple[float, ...]:
    east, north = report.east_north_kt
    return (
        report.lat,
        report.lon,
        report.alt_ft,
        east,
        north,
        report.vertical_rate_fpm,
        report.time.timestamp(),
        math.nan if report.accuracy_m is None else report.accuracy_m,
    )


def encounter_daa(
    connection: Connection, party: str, encounter_id: int, pictures: Pictures, now: datetime
) -> str:
    """An encounter ``party`` is in as a DAIDALUS ``.daa`` file of ``encounter_states``."""
    encounter = ENCOUNTERS.involving(connection, party, encounter_id)
    picture = pictures.of(connection, encounter.agreement_id, now.timestamp())
    out = io.StringIO()
    write_daa(encounter_states(connection, picture, encounter, party, now), out)
    return out.getvalue()


def encounter_states(
    connection: Connection, picture: Picture, encounter: Encounter, party: str, now: datetime
) -> list[DaaState]:
    """Both tracks of an encounter ``party`` is in, second by second, from a lookahead before
    it opened until it closed, each from its last report before that second, projected in a
    straight line: the ``.daa`` states ``clearline replay`` runs. Refused where a track is
    blind to ``party``, which must never learn its movements."""
    if encounter.counterpart.kind is not Against.TRACK or encounter.track is None:
        raise invalid("id", f"encounter {encounter.id} is not between two tracks")
    ids = [i for i in (encounter.track, encounter.counterpart.id) if i is not None]
    if len(ids) < 2 or not all(picture.identities[i].seen_by(party) for i in ids):
        raise forbidden("id", "the other party's track is blind to you: ask it for its export")
    protocol = agreement_store.protocol_in_force(connection, picture.agreement_id, now)
    start = encounter.opened_at.timestamp() - protocol.well_clear.lookahead_s
    end = (encounter.closed_at or now).timestamp()
    reports = track_store.reports_between(connection, ids, start - protocol.tracks.stale_s, end)
    by_track = {i: [r for r in reports if r.track_id == i] for i in ids}
    states: list[DaaState] = []
    for second in range(math.ceil(start), math.floor(end) + 1):
        moment = [_at(picture, by_track[track_id], track_id, second) for track_id in ids]
        if None not in moment:
            states.extend(state for state in moment if state is not None)
    return states


def _at(picture: Picture, reports: list[Any], track_id: int, second: int) -> DaaState | None:
    """The track at ``second`` from its last report then (``reports``: its own, in time order)."""
    newer = bisect.bisect_right(reports, second, key=lambda report: report.time_s)
    if not newer:
        return None
    last = reports[newer - 1]
    ahead = second - last.time_s
    x, y = picture.projection.points(np.array([last.lon]), np.array([last.lat]))
    lon, lat = picture.projection.lonlat(
        float(x[0]) + last.east_kt * KNOT_MS * ahead, float(y[0]) + last.north_kt * KNOT_MS * ahead
    )
    identity = picture.identities[track_id]
    name = f"{identity.reporter}-{identity.track_key}".replace(" ", "_")
    return (
        float(second),
        name,
        lat,
        lon,
        last.alt_ft + last.vertical_rate_fpm * ahead / 60,
        math.degrees(math.atan2(last.east_kt, last.north_kt)) % 360,
        math.hypot(last.east_kt, last.north_kt),
        last.vertical_rate_fpm,
    )
