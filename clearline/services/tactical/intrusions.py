"""Tracks against the theatre: a track heading into another party's zone, within the standoff
of its declared position, or within the separation minima of its notice volume.

Each track's straight path over the longest alerting time goes through the conflict engine's
indexes in one bulk query; only the few paths that come close are then walked second by second
to find when they enter. The entry time stands for every alert level's volume, so a track is
shown level 3 within 25 s of entry and level 2 within 55 s, as for a pair of tracks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from clearline.geo.index import TOLERANCE_M, Minima, Probe, VolumeIndex
from clearline.geo.wellclear import levels
from clearline.model.message import Against, ObjectKind
from clearline.model.notice import ActivityKind, Sharing
from clearline.model.protocol import Protocol
from clearline.model.wellclear import FT_M
from clearline.services.deconfliction.index import AgreementIndex
from clearline.services.tactical.alerting import NONE_YET
from clearline.services.tactical.picture import Key, Picture, Sighting

ACTIVITIES: dict[ObjectKind, frozenset[ActivityKind]] = {
    ObjectKind.FIXED_WING: frozenset({ActivityKind.AIR_STRIKE, ActivityKind.AIR_PATROL}),
    ObjectKind.ROTARY: frozenset({ActivityKind.AIR_PATROL}),
    ObjectKind.UAV: frozenset({ActivityKind.UAV_FLIGHT}),
    ObjectKind.GROUND_UNIT: frozenset({ActivityKind.GROUND_MOVEMENT}),
    ObjectKind.UNKNOWN_OBJECT: frozenset(),
}
"""The activities an asset of each kind carries out: a zone's rule names activities."""

STEP_S = 1.0
Counterpart = tuple[str, bool] | None
"""A hit's party and whether it is blind to the track's party; None where it does not apply."""


def sightings(
    picture: Picture, theatre: AgreementIndex, protocol: Protocol, now: datetime
) -> dict[Key, Sighting]:
    """Every track of a party heading into another party's zone, position or notice."""
    well_clear = protocol.well_clear
    ahead = max(level.early_alerting_time_s for level in well_clear.levels)
    now_s = now.timestamp()
    rows = picture.claimed(picture.live(now_s, protocol.tracks.lost_after_s))
    if not rows.size:
        return {}
    position, velocity = picture.kinematics(rows, now_s)
    probe = _paths(position, velocity, now_s, ahead)
    separation = protocol.separation
    checks: list[tuple[Against, VolumeIndex, Minima, Callable[[int, ObjectKind, str], Counterpart]]]
    checks = [
        (
            Against.ZONE,
            theatre.zones,
            Minima(),
            lambda k, kind, party: _zone(theatre, k, kind, party),
        ),
        (
            Against.POSITION,
            theatre.positions,
            Minima(horizontal_m=protocol.standoff_m),
            lambda k, kind, party: _other(theatre.position_parties[k], party),
        ),
        (
            Against.NOTICE,
            theatre.notices,
            Minima(separation.horizontal_m, separation.vertical_ft, separation.time_s),
            lambda k, kind, party: _notice(theatre, k, party),
        ),
    ]
    seen: dict[Key, Sighting] = {}
    for against, index, minima, counterpart in checks:
        paths, hits = index.query(probe, minima)
        for n, hit in zip(paths.tolist(), hits.tolist(), strict=True):
            track_id = int(picture.ids[rows[n]])
            identity = picture.identities[track_id]
            assert identity.owner is not None
            key_id = int(index.key(np.array([hit]))[0])
            other = counterpart(key_id, identity.kind, identity.owner)
            if other is None:
                continue
            entry = _entry(position[n], velocity[n], index, hit, minima, now_s, ahead)
            if entry is None:
                continue
            key = (track_id, against, key_id)
            watch = picture.watches.get(key)
            shown = watch.filter.shown_before(now_s) if watch else NONE_YET
            time_in = np.full((1, len(well_clear.levels)), entry)
            raw = int(levels(time_in, well_clear, [shown])[0])
            where = _where(picture, now, position[n], velocity[n], entry)
            seen[key] = Sighting(raw, other[0], other[1], where)
    return seen


def _paths(
    position: NDArray[np.float64], velocity: NDArray[np.float64], now_s: float, ahead: float
) -> Probe:
    end = position + velocity * ahead
    paths = shapely.linestrings(np.stack([position[:, :2], end[:, :2]], axis=1))
    altitudes = np.column_stack([position[:, 2], end[:, 2]]) / FT_M
    return Probe(
        paths,
        altitudes.min(axis=1),
        altitudes.max(axis=1),
        np.full(len(paths), now_s),
        np.full(len(paths), now_s + ahead),
    )


def _entry(
    position: NDArray[np.float64],
    velocity: NDArray[np.float64],
    index: VolumeIndex,
    hit: int,
    minima: Minima,
    now_s: float,
    ahead: float,
) -> float | None:
    """When, to the second, the track is first within ``minima`` of the hit volume."""
    times = np.arange(0.0, ahead + STEP_S, STEP_S)
    at = position + velocity * times[:, None]
    footprint: BaseGeometry = index.footprints(np.array([hit]))[0]
    lower, upper, start, end = index.bands(np.array([hit]))[0]
    alt_ft = at[:, 2] / FT_M
    close = (
        shapely.dwithin(shapely.points(at[:, :2]), footprint, minima.horizontal_m + TOLERANCE_M)
        & (lower - minima.vertical_ft <= alt_ft)
        & (alt_ft <= upper + minima.vertical_ft)
        & (start - minima.time_s <= now_s + times)
        & (now_s + times <= end + minima.time_s)
    )
    inside = np.flatnonzero(close)
    return float(times[inside[0]]) if inside.size else None


def _where(
    picture: Picture,
    now: datetime,
    position: NDArray[np.float64],
    velocity: NDArray[np.float64],
    entry: float,
) -> Callable[[int], dict[str, object]]:
    """Where the track is predicted to enter: the same at every level shown."""
    at = position + velocity * entry
    lon, lat = picture.projection.lonlat(at[0], at[1])
    values: dict[str, object] = {
        "violation_at": now + timedelta(seconds=entry),
        "lat": lat,
        "lon": lon,
        "a_lat": lat,
        "a_lon": lon,
        "horizontal_m": 0.0,
        "vertical_ft": 0.0,
    }
    return lambda _shown: values


def _zone(theatre: AgreementIndex, zone_id: int, kind: ObjectKind, party: str) -> Counterpart:
    """A zone of another party whose rule covers this party and what this asset does."""
    zone = theatre.zone_records[zone_id]
    rule = zone.rule
    if zone.owner is None or zone.owner == party:
        return None
    if rule.parties is not None and party not in rule.parties:
        return None
    if rule.kinds and not ACTIVITIES[kind] & set(rule.kinds):
        return None
    return zone.owner, False


def _notice(theatre: AgreementIndex, notice_id: int, party: str) -> Counterpart:
    facts = theatre.notice_facts[notice_id]
    return _other(facts.party, party, facts.sharing is Sharing.BLIND)


def _other(owner: str, party: str, blind: bool = False) -> Counterpart:
    return None if owner == party else (owner, blind)
