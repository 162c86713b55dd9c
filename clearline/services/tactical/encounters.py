"""Tactical alerting: once a second, every pair of different parties' tracks that can come
close is projected forward in a straight line and checked for a loss of well-clear, DO-365's
way (``geo.wellclear``); each track is also checked against other parties' zones, declared
positions and notice volumes (``services.tactical.intrusions``). What an operator should be shown
(``services.tactical.alerting``) opens, updates and closes an encounter, and both parties hear of it
on their line.

Only pairs across parties are screened: a party deconflicts its own assets itself. Unknown
objects are not paired until someone claims them; until then they raise identification
queries (``services.tactical.unknowns``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection

from clearline.geo import pairs
from clearline.geo.wellclear import levels, times_to_volume
from clearline.model.event import EventType
from clearline.model.message import Against, MessageType, Point, Precedence, TrackAlertBody
from clearline.model.protocol import Protocol
from clearline.model.track import Counterpart, Encounter, EncounterState
from clearline.model.wellclear import FT_M, WellClear
from clearline.services.alerts import AlertedRecords
from clearline.services.deconfliction.index import AgreementIndex
from clearline.services.tactical import intrusions
from clearline.services.tactical.alerting import NONE_YET, AlertFilter
from clearline.services.tactical.picture import Key, PairWatch, Picture, Pictures, Sighting
from clearline.store import tracks as track_store

MOVED_S = 2.0
"""An open encounter's predicted entry is rewritten when it moves by more than this."""
PRECEDENCE = {3: Precedence.FLASH, 2: Precedence.IMMEDIATE, 1: Precedence.PRIORITY}
"""Alert level to precedence on the line: a warning (3) wakes everyone."""
ENCOUNTERS = AlertedRecords(
    "encounter", track_store.encounter, track_store.add_alert, MessageType.TRACK_ALERT
)
"""Encounters on record: fetched, announced and alerted as conflicts are."""


def screen(
    connection: Connection,
    picture: Picture,
    protocol: Protocol,
    now: datetime,
    theatre: AgreementIndex | None = None,
) -> int:
    """One screening cycle of an agreement's picture: track pairs, and tracks against the
    theatre's zones, positions and notices where a theatre is given."""
    seen = sightings(picture, protocol, now)
    if theatre is not None:
        seen |= intrusions.sightings(picture, theatre, protocol, now)
    return follow(connection, picture, protocol, seen, now)


def follow(
    connection: Connection,
    picture: Picture,
    protocol: Protocol,
    seen: dict[Key, Sighting],
    now: datetime,
) -> int:
    """Step every watched or newly alerting pair's filter and bring its encounter in line with
    the level shown; returns how many encounters changed."""
    well_clear = protocol.well_clear
    changed = 0
    for key in sorted(set(seen) | set(picture.watches)):
        sighting = seen.get(key)
        raw = sighting.raw if sighting is not None else 0
        if raw == 0 and key not in picture.watches:
            continue
        watch = picture.watches.setdefault(key, PairWatch(AlertFilter(well_clear)))
        shown = watch.filter.step(raw, now.timestamp())
        watch.quiet = watch.quiet + 1 if raw == 0 and shown == 0 else 0
        changed += _record(connection, picture, protocol, key, watch, sighting, now)
        if watch.quiet >= well_clear.n and watch.encounter_id is None:
            del picture.watches[key]
    return changed


def horizon_s(well_clear: WellClear) -> float:
    """How far ahead a pair can be and still raise a level: a level fires when its volume is
    entered within its (early) alerting time, and a pair entering on tau-mod reaches the
    distance threshold at most TTHR later."""
    return max(level.early_alerting_time_s + level.volume.tau_s for level in well_clear.levels)


def sightings(picture: Picture, protocol: Protocol, now: datetime) -> dict[Key, Sighting]:
    """Every cross-party pair of tracks that raises a level now or is watched already."""
    well_clear = protocol.well_clear
    now_s = now.timestamp()
    rows, position, velocity, (i, j) = candidates(picture, protocol, now_s)
    ids = picture.ids[rows]
    swap = ids[i] > ids[j]
    first, second = np.where(swap, j, i), np.where(swap, i, j)
    together = zip(ids[first].tolist(), ids[second].tolist(), strict=True)
    keys = [(a, Against.TRACK, b) for a, b in together]
    shown = [
        watch.filter.shown_before(now_s) if (watch := picture.watches.get(k)) else NONE_YET
        for k in keys
    ]
    s, v = position[first] - position[second], velocity[first] - velocity[second]
    time_in = times_to_volume(s, v, well_clear)
    raw = levels(time_in, well_clear, shown)
    wanted = np.flatnonzero((raw > 0) | np.array([k in picture.watches for k in keys], bool))
    seen = {}
    for n in wanted.tolist():
        a, b = first[n], second[n]
        path = (position[a], velocity[a], position[b], velocity[b])
        owner = picture.identities[keys[n][2]].owner
        assert owner is not None, "only claimed tracks are paired"
        seen[keys[n]] = Sighting(int(raw[n]), owner, False, _place(picture, now, time_in[n], *path))
    return seen


def candidates(
    picture: Picture, protocol: Protocol, now_s: float
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64], pairs.Pairs]:
    """The live claimed tracks' rows, positions and velocities at ``now_s``, and the pairs of
    them (indexes into those) that can come close enough to raise a level."""
    well_clear = protocol.well_clear
    rows = picture.claimed(picture.live(now_s, protocol.tracks.lost_after_s))
    position, velocity = picture.kinematics(rows, now_s)
    found = pairs.candidates(
        position,
        velocity,
        picture.owner[rows],
        horizon_s(well_clear),
        max(level.volume.horizontal_m for level in well_clear.levels),
        max(level.volume.vertical_ft for level in well_clear.levels) * FT_M,
    )
    return rows, position, velocity, found


def encounters_for(
    connection: Connection,
    party: str,
    state: EncounterState | None,
    limit: int,
    pictures: Pictures,
    now: datetime,
) -> list[Encounter]:
    """Encounters ``party``'s assets are in, newest first, each as ``party`` may see it."""
    found = track_store.encounters_for(connection, party, state, limit)
    return [view(e, party, pictures.of(connection, e.agreement_id, now.timestamp())) for e in found]


def view(encounter: Encounter, party: str, picture: Picture) -> Encounter:
    """As ``party`` sees it: a track or notice of the other party only if shared with it, and
    the place the first of ``_places`` it may know: a hidden track's place never."""
    track = encounter.track
    if track is not None and not picture.identities[track].seen_by(party):
        track = None
    counterpart = encounter.counterpart
    hidden = (
        picture.identities[counterpart.id].seen_by(party) is False
        if counterpart.kind is Against.TRACK and counterpart.id is not None
        else encounter.counterpart_blind and party != encounter.parties[1]
    )
    if hidden:
        counterpart = Counterpart(kind=counterpart.kind, id=None)
    known = _known(encounter, picture, {party})
    return encounter.model_copy(
        update={"track": track, "counterpart": counterpart, "point": known, "ends": None}
    )


def _places(encounter: Encounter) -> list[tuple[Point | None, tuple[int, ...]]]:
    """Where the encounter is, best first, each with the tracks it gives away: the midpoint of
    the two tracks gives both away, each track's own predicted point gives that one. Against a
    zone, position or notice the place is the track's own point."""
    track = encounter.track
    assert track is not None, "a stored encounter names its track"
    if encounter.counterpart.kind is not Against.TRACK or encounter.counterpart.id is None:
        return [(encounter.point, (track,))]
    ends = encounter.ends or {}
    a, b = encounter.parties
    other = encounter.counterpart.id
    return [(encounter.point, (track, other)), (ends.get(a), (track,)), (ends.get(b), (other,))]


def _known(encounter: Encounter, picture: Picture, parties: set[str]) -> Point | None:
    """The best place every one of ``parties`` may know: none if each would learn where a
    track hidden from it is (withheld, said as such on the line)."""
    for point, tracks in _places(encounter):
        seen = all(picture.identities[t].seen_by(p) for t in tracks for p in parties)
        if point is not None and seen:
            return point
    return None


def _place(
    picture: Picture,
    now: datetime,
    entries: NDArray[np.float64],
    own_at: NDArray[np.float64],
    own_velocity: NDArray[np.float64],
    other_at: NDArray[np.float64],
    other_velocity: NDArray[np.float64],
) -> Callable[[int], dict[str, object]]:
    """Where and when, at a shown level: the midpoint of the two at the predicted entry into
    that level's volume (the earliest entered, if the filter holds a level the geometry no
    longer gives), each one's own point then (for a party the other is hidden from), and how
    far apart they are then."""

    def where(shown: int) -> dict[str, object]:
        entry = entries[shown - 1] if np.isfinite(entries[shown - 1]) else np.min(entries)
        ahead = float(entry) if np.isfinite(entry) else 0.0
        own = own_at + own_velocity * ahead
        other = other_at + other_velocity * ahead
        lon, lat = picture.projection.lonlat(*((own[:2] + other[:2]) / 2))
        a_lon, a_lat = picture.projection.lonlat(*own[:2])
        b_lon, b_lat = picture.projection.lonlat(*other[:2])
        gap = own - other
        return {
            "violation_at": now + timedelta(seconds=ahead) if np.isfinite(entry) else None,
            "lat": lat,
            "lon": lon,
            "a_lat": a_lat,
            "a_lon": a_lon,
            "b_lat": b_lat,
            "b_lon": b_lon,
            "horizontal_m": float(np.hypot(gap[0], gap[1])),
            "vertical_ft": float(abs(gap[2]) / FT_M),
        }

    return where


def _record(
    connection: Connection,
    picture: Picture,
    protocol: Protocol,
    key: Key,
    watch: PairWatch,
    sighting: Sighting | None,
    now: datetime,
) -> int:
    """Bring the pair's encounter in line with the level shown now; 1 if it changed. The
    record is written only when the level changes or the predicted entry moves by more than
    ``MOVED_S``: a steady encounter costs nothing a second."""
    shown = watch.filter.shown
    if watch.encounter_id is None:
        if shown <= 0 or sighting is None:
            return 0
        values = {"level": shown, "updated_at": now, **sighting.where(shown)}
        watch.encounter_id = _open(connection, picture, protocol, key, sighting, values, now)
        watch.level = watch.max_level = shown
        watch.violation_at = _violation_at(values)
        return 1
    if shown <= 0:
        _close(connection, picture, watch.encounter_id, now)
        watch.encounter_id, watch.level = None, 0
        return 1
    values = {"level": shown, "updated_at": now}
    if sighting is not None:
        values |= sighting.where(shown)
    if shown == watch.level and not _moved(watch.violation_at, _violation_at(values)):
        return 0
    raised = shown > watch.max_level
    watch.max_level = max(watch.max_level, shown)
    if "violation_at" in values:
        watch.violation_at = _violation_at(values)
    track_store.update_encounter(
        connection, watch.encounter_id, max_level=watch.max_level, **values
    )
    if shown == watch.level:
        return 0
    watch.level = shown
    if raised:
        _alert(connection, picture, protocol, watch.encounter_id, now)
    _announce(connection, picture, EventType.ENCOUNTER_UPDATED, watch.encounter_id, now)
    return 1


def _violation_at(values: dict[str, object]) -> datetime | None:
    moment = values.get("violation_at")
    return moment if isinstance(moment, datetime) else None


def _moved(before: datetime | None, now: datetime | None) -> bool:
    if before is None or now is None:
        return before is not now
    return abs((now - before).total_seconds()) > MOVED_S


def _open(
    connection: Connection,
    picture: Picture,
    protocol: Protocol,
    key: Key,
    sighting: Sighting,
    values: dict[str, object],
    now: datetime,
) -> int:
    track_id, kind, object_id = key
    owner = picture.identities[track_id].owner
    assert owner is not None, "only claimed tracks are screened"
    encounter_id = track_store.insert_encounter(
        connection,
        agreement_id=picture.agreement_id,
        party_a=owner,
        party_b=sighting.party,
        track_id=track_id,
        object_kind=kind,
        object_id=object_id,
        object_blind=sighting.blind,
        max_level=values["level"],
        state=EncounterState.OPEN,
        opened_at=now,
        **values,
    )
    _alert(connection, picture, protocol, encounter_id, now)
    _announce(connection, picture, EventType.ENCOUNTER_OPENED, encounter_id, now)
    return encounter_id


def _close(connection: Connection, picture: Picture, encounter_id: int, now: datetime) -> None:
    track_store.update_encounter(
        connection,
        encounter_id,
        level=0,
        state=EncounterState.CLOSED,
        closed_at=now,
        updated_at=now,
    )
    _announce(connection, picture, EventType.ENCOUNTER_CLOSED, encounter_id, now)


def _alert(
    connection: Connection, picture: Picture, protocol: Protocol, encounter_id: int, now: datetime
) -> None:
    """A track alert on each line of the agreement between the two parties, placed where both
    may know (one message reaches both): withheld if that would show either a hidden track."""
    encounter = ENCOUNTERS.get(connection, encounter_id)
    precedence = PRECEDENCE[encounter.level]
    body = TrackAlertBody(
        encounter_id=encounter.id,
        level=encounter.level,
        against=encounter.counterpart.kind,
        location=_known(encounter, picture, set(encounter.parties)),
        violation_at=encounter.violation_at or now,
        horizontal_m=round(encounter.horizontal_m),
        vertical_ft=round(encounter.vertical_ft),
    ).model_dump(mode="json")
    ENCOUNTERS.alert(connection, encounter, [encounter.parties], precedence, body, protocol, now)


def _announce(
    connection: Connection, picture: Picture, type: EventType, encounter_id: int, now: datetime
) -> None:
    """One event per party, each with the encounter as that party may see it."""
    ENCOUNTERS.announce(
        connection, type, encounter_id, now, lambda e, party: view(e, party, picture)
    )
