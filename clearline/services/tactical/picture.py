"""The live picture: every agreement's tracks, newest report each, in numpy arrays.

Tactical alerting runs once a second over every track, so the latest state lives in memory,
in the theatre's metric projection, one row per track; the store keeps every report for
export and replay, and a restart reads the newest back (``rebuild``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection

from clearline.geo.projection import Projection, projection
from clearline.model import times
from clearline.model.message import Against, ObjectKind
from clearline.model.track import Track, TrackStatus
from clearline.model.wellclear import FT_M, KNOT_MS
from clearline.services.tactical.alerting import AlertFilter
from clearline.store import agreements as agreement_store
from clearline.store import tracks as track_store
from clearline.store.writer import on_rollback

FPM_MS = FT_M / 60
COLUMNS = track_store.STATE_COLUMNS
TIME = COLUMNS.index("time_s")


G = TypeVar("G", bound=np.generic)
Key = tuple[int, Against, int]
"""A track and what it may lose separation with: (track, ``Against.TRACK``, track of higher
id), or (track, zone / position / notice, its id)."""


@dataclass(frozen=True)
class Sighting:
    """What one screening step saw of a watched pair: the raw level, and how to say where and
    when at the level shown (worked out only for pairs that show one)."""

    raw: int
    party: str
    """The counterpart's party."""
    blind: bool
    """Whether the counterpart is hidden from the track's party (a blind notice)."""
    where: Callable[[int], dict[str, object]]


@dataclass
class PairWatch:
    """One pair's alerting filter, and its encounter once one is open."""

    filter: AlertFilter
    encounter_id: int | None = None
    level: int = 0
    """The level on record, and the highest it reached: what a step compares against."""
    max_level: int = 0
    violation_at: datetime | None = None
    quiet: int = 0
    """Steps in a row with nothing raw and nothing shown: past N of M-of-N, the watch ends."""


@dataclass(frozen=True)
class Identity:
    """Who a track is and who may see it: what changes rarely, unlike where it is."""

    id: int
    reporter: str
    track_key: str
    kind: ObjectKind
    owner: str | None
    status: TrackStatus
    share_with: tuple[str, ...] | None
    coarse: bool
    hostile_for: tuple[str, ...] = ()

    @property
    def blind(self) -> bool:
        return self.share_with == ()

    def seen_by(self, party: str) -> bool:
        return party == self.reporter or self.share_with is None or party in self.share_with

    @classmethod
    def of(cls, track: Mapping[Any, Any]) -> Identity:
        """From a ``tracks`` row (or the values a new one is stored with)."""
        share_with = track["share_with"]
        return cls(
            id=track["id"],
            reporter=track["reporter"],
            track_key=track["track_key"],
            kind=ObjectKind(track["kind"]),
            owner=track["owner"],
            status=TrackStatus(track["status"]),
            share_with=None if share_with is None else tuple(share_with),
            coarse=track["coarse"],
            hostile_for=tuple(track["hostile_for"]),
        )


@dataclass
class Picture:
    """One agreement's tracks. Rows never move: a lost track's row stays, masked by its age."""

    agreement_id: str
    projection: Projection
    identities: dict[int, Identity] = field(default_factory=dict)
    keys: dict[tuple[str, str], int] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    """Party code to the small integer the arrays hold; -1 is nobody's (an unknown object)."""
    size: int = 0
    ids: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    owner: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    state: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, len(COLUMNS))))
    """Per row, the newest report's ``COLUMNS``."""
    xy: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 2)))
    watches: dict[Key, PairWatch] = field(default_factory=dict)
    """Pairs tactical alerting is following (``services.tactical.encounters``)."""

    def identify(self, identity: Identity) -> None:
        """Add or change a track's identity (a new track, a claim, a new sharing)."""
        self.identities[identity.id] = identity
        self.keys[(identity.reporter, identity.track_key)] = identity.id
        if identity.id not in self.rows:
            self._grow(self.size + 1)
            self.rows[identity.id] = self.size
            self.ids[self.size] = identity.id
            self.state[self.size] = np.nan
            self.size += 1
        owner = (
            -1 if identity.owner is None else self.codes.setdefault(identity.owner, len(self.codes))
        )
        self.owner[self.rows[identity.id]] = owner

    def reclaim(self, track_id: int, **changes: object) -> Identity:
        identity = replace(self.identities[track_id], **changes)  # type: ignore[arg-type]
        self.identify(identity)
        return identity

    def update(self, track_ids: NDArray[np.int64], state: NDArray[np.float64]) -> None:
        """The newest of these reports per track, where newer than what the picture holds."""
        rows = np.fromiter((self.rows[int(t)] for t in track_ids), np.int64, len(track_ids))
        order = np.argsort(state[:, TIME], kind="stable")
        rows, state = rows[order], state[order]
        newer = ~(state[:, TIME] < self.state[rows, TIME])  # NaN (never reported) counts as older
        rows, state = rows[newer], state[newer]
        self.state[rows] = state  # a later duplicate row wins: they are in time order
        self.xy[rows] = np.column_stack(self.projection.points(state[:, 1], state[:, 0]))

    def live(self, now_s: float, lost_after_s: float) -> NDArray[np.intp]:
        """Rows reported within ``lost_after_s`` of ``now_s``."""
        age = now_s - self.state[: self.size, TIME]
        return np.flatnonzero(age <= lost_after_s)

    def claimed(self, rows: NDArray[np.intp]) -> NDArray[np.intp]:
        """Those of ``rows`` a party owns: what tactical alerting screens."""
        return rows[self.owner[rows] >= 0]

    def kinematics(
        self, rows: NDArray[np.intp], now_s: float
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Positions extrapolated to ``now_s`` and velocities, in metres and metres a second."""
        state = self.state[rows]
        velocity = np.column_stack(
            (state[:, 3] * KNOT_MS, state[:, 4] * KNOT_MS, state[:, 5] * FPM_MS)
        )
        position = np.column_stack((self.xy[rows], state[:, 2] * FT_M))
        return position + velocity * (now_s - state[:, TIME])[:, None], velocity

    def track(self, track_id: int) -> Track:
        """The record of a track: its identity and its newest report, as the picture holds
        them, with what the record names otherwise."""
        identity = self.identities[track_id]
        report = dict(zip(COLUMNS, self.state[self.rows[track_id]].tolist(), strict=True))
        accuracy = report["accuracy_m"]
        return Track.model_validate(
            {
                **report,
                **vars(identity),
                "agreement_id": self.agreement_id,
                "track_id": identity.track_key,
                "time": times.moment(report["time_s"]),
                "accuracy_m": None if math.isnan(accuracy) else accuracy,
                "blind": identity.blind,
            }
        )

    def _grow(self, needed: int) -> None:
        if needed <= len(self.ids):
            return
        capacity = max(needed, 2 * len(self.ids), 1_024)
        self.ids = _resized(self.ids, capacity)
        self.owner = _resized(self.owner, capacity)
        self.state = _resized(self.state, capacity)
        self.xy = _resized(self.xy, capacity)


class Pictures:
    """Every agreement's picture, built from the store on first use."""

    def __init__(self) -> None:
        self._pictures: dict[str, Picture] = {}

    def of(self, connection: Connection, agreement_id: str, now_s: float) -> Picture:
        """The agreement's picture; dropped if the transaction using it fails, so that it never
        holds what the store does not."""
        picture = self._pictures.get(agreement_id)
        if picture is None:
            picture = rebuild(connection, agreement_id, now_s)
            self._pictures[agreement_id] = picture
        on_rollback(connection, lambda: self.forget(agreement_id))
        return picture

    def forget(self, agreement_id: str) -> None:
        """Drop a picture that may hold what the store does not; rebuilt on next use."""
        self._pictures.pop(agreement_id, None)

    def built(self) -> list[Picture]:
        return list(self._pictures.values())


def rebuild(connection: Connection, agreement_id: str, now_s: float) -> Picture:
    """An agreement's picture from the store: every identity, and the newest report of each
    track not yet lost at ``now_s``."""
    protocol = agreement_store.protocol_in_force(
        connection, agreement_id, datetime.fromtimestamp(now_s, UTC)
    )
    since_s = now_s - protocol.tracks.lost_after_s
    picture = Picture(agreement_id, projection(*protocol.theatre_centre))
    for row in track_store.tracks_of(connection, agreement_id):
        picture.identify(Identity.of(row._mapping))
    for encounter in track_store.open_encounters(connection, agreement_id):
        assert encounter.track is not None and encounter.counterpart.id is not None
        key = (encounter.track, encounter.counterpart.kind, encounter.counterpart.id)
        picture.watches[key] = PairWatch(
            AlertFilter(protocol.well_clear),
            encounter.id,
            encounter.level,
            encounter.max_level,
            encounter.violation_at,
        )
    latest = track_store.latest_reports(connection, agreement_id, since_s)
    if latest:
        picture.update(
            np.array([row.track_id for row in latest], np.int64),
            np.array([[_number(getattr(row, c)) for c in COLUMNS] for row in latest]),
        )
    return picture


def _resized(array: NDArray[G], capacity: int) -> NDArray[G]:
    grown = np.zeros((capacity, *array.shape[1:]), array.dtype)
    grown[: len(array)] = array
    return grown


def _number(value: float | None) -> float:
    return math.nan if value is None else value
