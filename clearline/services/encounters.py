"""Tactical alerting: once a second, every pair of different parties' tracks that can come
close is projected forward in a straight line and checked for a loss of well-clear, DO-365's
way (``geo.wellclear``); what an operator should be shown (``services.alerting``) opens,
updates and closes an encounter, and both parties hear of it on their line.

Only pairs across parties are screened: a party deconflicts its own assets itself. Unknown
objects are not paired until someone claims them; until then they raise identification
queries (``services.unknowns``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection

from clearline.geo import pairs
from clearline.geo.wellclear import raw_levels, times_to_volume
from clearline.model.event import EventType
from clearline.model.message import MessageType, Point, Precedence, TrackAlertBody
from clearline.model.protocol import Protocol
from clearline.model.track import Encounter, EncounterState
from clearline.model.wellclear import FT_M, WellClear
from clearline.services import hotline
from clearline.services.alerting import NONE_YET, AlertFilter
from clearline.services.picture import Key, PairWatch, Picture, Pictures
from clearline.store import agreements as agreement_store
from clearline.store import events
from clearline.store import tracks as track_store

PRECEDENCE = {3: Precedence.FLASH, 2: Precedence.IMMEDIATE, 1: Precedence.PRIORITY}
"""Alert level to precedence on the line: a warning (3) wakes everyone."""


@dataclass(frozen=True)
class _Step:
    """What one screening found for the pairs it looked at, oriented lower track id first."""

    keys: list[Key]
    first: NDArray[np.intp]
    second: NDArray[np.intp]
    raw: NDArray[np.int_]
    time_in: NDArray[np.float64]
    position: NDArray[np.float64]
    velocity: NDArray[np.float64]


def run(connection: Connection, now: datetime, pictures: Pictures) -> int:
    """One screening cycle of every agreement's tracks."""
    return sum(
        screen(
            connection,
            pictures.of(connection, agreement_id, now.timestamp()),
            agreement_store.protocol_in_force(connection, agreement_id),
            now,
        )
        for agreement_id in agreement_store.agreement_ids(connection)
    )


def screen(connection: Connection, picture: Picture, protocol: Protocol, now: datetime) -> int:
    """One screening cycle of an agreement's picture; returns how many encounters changed."""
    well_clear = protocol.well_clear
    step = _step(picture, protocol, now)
    found = {key: n for n, key in enumerate(step.keys)}
    changed = 0
    for key in sorted(set(found) | set(picture.watches)):
        watch = picture.watches.get(key) or PairWatch(AlertFilter(well_clear))
        n = found.get(key)
        raw = int(step.raw[n]) if n is not None else 0
        if raw == 0 and key not in picture.watches:
            continue
        picture.watches[key] = watch
        shown = watch.filter.step(raw, now.timestamp())
        watch.quiet = watch.quiet + 1 if raw == 0 and shown == 0 else 0
        changed += _record(connection, picture, protocol, key, watch, step, n, now)
        if watch.quiet >= well_clear.n and watch.encounter_id is None:
            del picture.watches[key]
    return changed


def horizon_s(well_clear: WellClear) -> float:
    """How far ahead a pair can be and still raise a level: a level fires when its volume is
    entered within its (early) alerting time, and a pair entering on tau-mod reaches the
    distance threshold at most TTHR later."""
    return max(level.early_alerting_time_s + level.volume.tau_s for level in well_clear.levels)


def view(encounter: Encounter, party: str, picture: Picture) -> Encounter:
    """As ``party`` sees it: the other party's track id only if that track is shared with it."""
    tracks = tuple(
        track_id if track_id is not None and picture.identities[track_id].seen_by(party) else None
        for track_id in encounter.tracks
    )
    return encounter.model_copy(update={"tracks": tracks})


def _step(picture: Picture, protocol: Protocol, now: datetime) -> _Step:
    well_clear = protocol.well_clear
    now_s = now.timestamp()
    rows = picture.live(now_s, protocol.tracks.lost_after_s)
    rows = rows[picture.owner[rows] >= 0]
    position, velocity = picture.kinematics(rows, now_s)
    i, j = pairs.candidates(
        position,
        velocity,
        picture.owner[rows],
        horizon_s(well_clear),
        max(level.volume.horizontal_m for level in well_clear.levels),
        max(level.volume.vertical_ft for level in well_clear.levels) * FT_M,
    )
    ids = picture.ids[rows]
    swap = ids[i] > ids[j]
    first, second = np.where(swap, j, i), np.where(swap, i, j)
    keys = list(zip(ids[first].tolist(), ids[second].tolist(), strict=True))
    shown = [
        watch.filter.shown_before(now_s) if (watch := picture.watches.get(k)) else NONE_YET
        for k in keys
    ]
    s = position[first] - position[second]
    v = velocity[first] - velocity[second]
    return _Step(
        keys=keys,
        first=first,
        second=second,
        raw=raw_levels(s, v, well_clear, shown),
        time_in=times_to_volume(s, v, well_clear),
        position=position,
        velocity=velocity,
    )


def _record(
    connection: Connection,
    picture: Picture,
    protocol: Protocol,
    key: Key,
    watch: PairWatch,
    step: _Step,
    n: int | None,
    now: datetime,
) -> int:
    """Bring the pair's encounter in line with the level shown now; 1 if it changed."""
    shown = watch.filter.shown
    if watch.encounter_id is None:
        if shown <= 0:
            return 0
        watch.encounter_id = _open(connection, picture, protocol, key, shown, step, n, now)
        return 1
    before = track_store.encounter(connection, watch.encounter_id)
    assert before is not None, "a watched encounter is on record"
    if shown <= 0:
        _close(connection, picture, before, now)
        watch.encounter_id = None
        return 1
    values = _values(picture, shown, step, n, now)
    track_store.update_encounter(
        connection, before.id, max_level=max(before.max_level, shown), **values
    )
    if shown == before.level:
        return 0
    if shown > before.max_level:
        _alert(connection, picture, protocol, before.id, now)
    _announce(connection, picture, EventType.ENCOUNTER_UPDATED, before.id, now)
    return 1


def _open(
    connection: Connection,
    picture: Picture,
    protocol: Protocol,
    key: Key,
    shown: int,
    step: _Step,
    n: int | None,
    now: datetime,
) -> int:
    a, b = (picture.identities[track_id] for track_id in key)
    assert a.owner is not None and b.owner is not None, "only claimed tracks are paired"
    encounter_id = track_store.insert_encounter(
        connection,
        agreement_id=picture.agreement_id,
        party_a=a.owner,
        party_b=b.owner,
        track_a=a.id,
        track_b=b.id,
        max_level=shown,
        state=EncounterState.OPEN,
        opened_at=now,
        **_values(picture, shown, step, n, now),
    )
    _alert(connection, picture, protocol, encounter_id, now)
    _announce(connection, picture, EventType.ENCOUNTER_OPENED, encounter_id, now)
    return encounter_id


def _close(connection: Connection, picture: Picture, encounter: Encounter, now: datetime) -> None:
    track_store.update_encounter(
        connection,
        encounter.id,
        level=0,
        state=EncounterState.CLOSED,
        closed_at=now,
        updated_at=now,
    )
    _announce(connection, picture, EventType.ENCOUNTER_CLOSED, encounter.id, now)


def _values(
    picture: Picture, shown: int, step: _Step, n: int | None, now: datetime
) -> dict[str, object]:
    """Level, predicted entry and where: the midpoint of the two at the shown level's entry
    (the earliest level entered, if the filter holds a level the geometry no longer gives)."""
    values: dict[str, object] = {"level": shown, "updated_at": now}
    if n is None:
        return values
    entries = step.time_in[n]
    entry = entries[shown - 1] if np.isfinite(entries[shown - 1]) else np.min(entries)
    ahead = float(entry) if np.isfinite(entry) else 0.0
    first, second = step.first[n], step.second[n]
    at_first = step.position[first] + step.velocity[first] * ahead
    at_second = step.position[second] + step.velocity[second] * ahead
    middle = (at_first + at_second) / 2
    lon, lat = picture.projection.lonlat(middle[0], middle[1])
    gap = at_first - at_second
    values.update(
        violation_at=now + timedelta(seconds=ahead) if np.isfinite(entry) else None,
        lat=lat,
        lon=lon,
        horizontal_m=float(np.hypot(gap[0], gap[1])),
        vertical_ft=float(abs(gap[2]) / FT_M),
    )
    return values


def _alert(
    connection: Connection, picture: Picture, protocol: Protocol, encounter_id: int, now: datetime
) -> None:
    """A track alert on each line of the agreement between the two parties."""
    encounter = _get(connection, encounter_id)
    precedence = PRECEDENCE[encounter.level]
    body = TrackAlertBody(
        encounter_id=encounter.id,
        level=encounter.level,
        location=Point(lat=encounter.point.lat, lon=encounter.point.lon),
        violation_at=encounter.violation_at or now,
        horizontal_m=round(encounter.horizontal_m),
        vertical_ft=round(encounter.vertical_ft),
    ).model_dump(mode="json")
    a, b = encounter.parties
    for line in hotline.lines_in(connection, picture.agreement_id, a, b):
        message = hotline.send_system(
            connection,
            line,
            MessageType.TRACK_ALERT,
            precedence,
            body,
            protocol.deadline_s(precedence),
            now,
        )
        track_store.add_alert(connection, encounter.id, message.id)


def _announce(
    connection: Connection, picture: Picture, type: EventType, encounter_id: int, now: datetime
) -> None:
    """One event per party, each with the encounter as that party may see it."""
    encounter = _get(connection, encounter_id)
    events.append_each(
        connection,
        type,
        now,
        encounter.agreement_id,
        encounter.parties,
        lambda party: {"encounter": view(encounter, party, picture).model_dump(mode="json")},
    )


def _get(connection: Connection, encounter_id: int) -> Encounter:
    found = track_store.encounter(connection, encounter_id)
    assert found is not None, "an encounter just stored must load"
    return found
