"""The conflict engine: what a notice clashes with, found in bulk from an in-memory index.

Each agreement's theatre keeps four ``geo.index.VolumeIndex``es: the live notices' volumes, the
zones, the deconfliction lines (their corridor and the owner's side beyond it) and the declared
positions. A notice is screened against all four at once, in metres, in the agreement's
projection. The index is built from the store the first time an agreement is screened after a
start, changed only inside the writer's transaction, and forgotten (to be rebuilt) if that
transaction rolls back: the store stays the truth.

Severity, one rule for every source (``severity``): a score is the sum of
- the kinds involved: 3 if any is kinetic or air defence (air strike, artillery fire,
  air-defence deployment), else 2 if any is a movement (air or joint patrol, UAV flight, ground
  movement), else 1 (emission, exercise); a declared position counts as kinetic;
- 1 if the volumes actually overlap in all four dimensions, not merely come within the minima;
- 1 if the clash starts within an hour, and 1 more if within 15 minutes (or has started);
- 1 if a notice involved was filed late.
1–2 is low, 3 medium, 4–5 high, 6–7 critical; a zone's rule sets a floor on the severity.
"""

from __future__ import annotations

import math
import os
from array import array
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import chain
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection

from clearline.geo import grid
from clearline.geo.index import Minima, Probe, VolumeIndex
from clearline.geo.projection import Projection, projection
from clearline.geo.volumes import footprint
from clearline.model import times
from clearline.model.conflict import ConflictSource, Involved
from clearline.model.notice import STRIKE_KINDS, ActivityKind, Notice, Sharing
from clearline.model.protocol import Protocol
from clearline.model.zone import Severity, Side, Zone, ZoneIn, ZoneKind
from clearline.store import agreements as agreement_store
from clearline.store import notices as notice_store
from clearline.store import zones as zone_store
from clearline.store.writer import on_rollback

MOVEMENT = frozenset(
    {
        ActivityKind.AIR_PATROL,
        ActivityKind.JOINT_PATROL,
        ActivityKind.UAV_FLIGHT,
        ActivityKind.GROUND_MOVEMENT,
    }
)
OWNER_SIDE_DEPTH_M = 1_000_000
"""How far beyond a deconfliction line its owner's side reaches: past any theatre."""
_FOREVER = (-math.inf, math.inf)


@dataclass(frozen=True)
class NoticeFacts:
    """What the engine needs of a live notice besides its volumes."""

    party: str
    kind: ActivityKind
    version: int
    sharing: Sharing
    late_s: float

    def side(self, notice_id: int) -> Involved:
        return Involved(
            party=self.party,
            notice_id=notice_id,
            notice_version=self.version,
            blind=self.sharing is Sharing.BLIND,
        )


@dataclass
class Theatre:
    """One agreement's live picture, in its projection."""

    agreement_id: str
    parties: tuple[str, ...]
    projection: Projection
    notices: VolumeIndex = field(default_factory=VolumeIndex)
    zones: VolumeIndex = field(default_factory=VolumeIndex)
    crossings: VolumeIndex = field(default_factory=VolumeIndex)
    positions: VolumeIndex = field(default_factory=VolumeIndex)
    notice_facts: dict[int, NoticeFacts] = field(default_factory=dict)
    zone_records: dict[int, Zone] = field(default_factory=dict)
    position_parties: dict[int, str] = field(default_factory=dict)
    zones_seen: int = 0
    """The newest zone indexed, to notice zones added by another process."""

    def index_notice(self, notice_id: int, facts: NoticeFacts, probe: Probe) -> None:
        self.notices.remove(notice_id)
        self.notices.add(notice_id, facts.party, probe)
        self.notice_facts[notice_id] = facts

    def drop_notice(self, notice_id: int) -> None:
        self.notices.remove(notice_id)
        self.notice_facts.pop(notice_id, None)

    def index_zone(self, zone: Zone, area: BaseGeometry) -> None:
        """Index a zone over ``area``, where its rule applies (``zone_area``, in metres)."""
        band = Probe.of([area], [(zone.alt_lower_ft, zone.alt_upper_ft, *_FOREVER)])
        if zone.kind is ZoneKind.DECONFLICTION_LINE:
            self.crossings.add(zone.id, zone.owner, band)
        else:
            self.zones.add(zone.id, zone.owner, band)
        self.zone_records[zone.id] = zone
        self.zones_seen = max(self.zones_seen, zone.id)

    def index_position(
        self, position_id: int, party: str, square: BaseGeometry, start: float, end: float
    ) -> None:
        self.positions.add(
            position_id, party, Probe.of([square], [(-math.inf, math.inf, start, end)])
        )
        self.position_parties[position_id] = party


@dataclass
class ConflictEngine:
    """The theatres of every agreement on this installation, built on first use."""

    _theatres: dict[str, Theatre] = field(default_factory=dict)

    def theatre(self, connection: Connection, agreement_id: str) -> Theatre:
        """The agreement's theatre; changes made to it are undone if the transaction fails.

        Zones agreed at talks are set up on the store by an administrator (``clearline zone
        import``) while the line runs: a theatre that has not seen the newest zone is rebuilt.
        """
        known = self._theatres.get(agreement_id)
        if known is None or known.zones_seen != zone_store.latest_id(connection, agreement_id):
            self._theatres[agreement_id] = build(connection, agreement_id)
        on_rollback(connection, lambda: self.forget(agreement_id))
        return self._theatres[agreement_id]

    def forget(self, agreement_id: str) -> None:
        """Drop a theatre that may hold what the store does not; it is rebuilt on next use."""
        self._theatres.pop(agreement_id, None)

    def rebuild(self, connection: Connection) -> None:
        """Build every agreement's theatre from the store (at start)."""
        self._theatres = {
            a: build(connection, a) for a in agreement_store.agreement_ids(connection)
        }


def build(connection: Connection, agreement_id: str) -> Theatre:
    """An agreement's theatre from the store: live notices, zones and positions, in bulk."""
    protocol = agreement_store.protocol_in_force(connection, agreement_id)
    agreement = agreement_store.get_agreement(connection, agreement_id)
    assert agreement is not None, f"agreement {agreement_id} exists"
    theatre = Theatre(
        agreement_id, tuple(agreement.parties()), projection(*protocol.theatre_centre)
    )
    _load_notices(connection, theatre)
    for zone in zone_store.zones_of(connection, [agreement_id]):
        theatre.index_zone(zone, zone_area(zone, theatre.projection))
    for row in zone_store.positions_of(connection, [agreement_id]):
        square = theatre.projection.to_metres(grid.square(row.mgrs))
        until = times.epoch(row.valid_until) if row.valid_until else math.inf
        theatre.index_position(row.id, row.party, square, times.epoch(row.valid_from), until)
    return theatre


def _load_notices(connection: Connection, theatre: Theatre) -> None:
    """Every live notice's current volumes, read without building records: the rebuild's bulk."""
    keys: list[int] = []
    parties: list[str | None] = []
    bands: list[tuple[float, float, float, float]] = []
    with _Footprints(theatre.projection) as footprints:
        for row in notice_store.live_volumes(connection, theatre.agreement_id):
            theatre.notice_facts[row.id] = NoticeFacts(
                row.party, ActivityKind(row.kind), row.version, Sharing(row.sharing), row.late_s
            )
            for volume in row.volumes:
                keys.append(row.id)
                parties.append(row.party)
                footprints.add(volume["footprint"])
                start, end = (datetime.fromisoformat(volume[k]) for k in ("start", "end"))
                bands.append(
                    (
                        volume["alt_lower_ft"],
                        volume["alt_upper_ft"],
                        times.epoch(start),
                        times.epoch(end),
                    )
                )
        metres = footprints.metres()
    if keys:
        theatre.notices.load(np.array(keys), parties, Probe.of(list(metres), bands))


class _Footprints:
    """Stored footprints (GeoJSON in degrees) made into shapes in metres, in bulk: a rebuild.

    Projecting is most of a rebuild's work (about 0.6 µs a position on the ellipsoid, and a
    circle or a corridor has 257 and more), and PROJ lets go of the GIL. So the positions of
    plain polygons (all that ``geo.volumes.to_geojson`` writes for a notice) are gathered as
    the rows are read, projected a chunk at a time on worker threads meanwhile, and the
    polygons built from them in one call at the end. They are the same positions projected by
    the same transformation as ``shape`` then ``Projection.many_to_metres`` would give, so the
    shapes are identical. Anything else goes that way, one by one.
    """

    def __init__(self, projection: Projection) -> None:
        self._projection = projection
        self._pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
        self._chunks: list[Future[np.ndarray]] = []
        self._flat = array("d")
        self._ring_sizes: list[int] = [0]
        self._ring_counts: list[int] = [0]
        self._others: dict[int, BaseGeometry] = {}
        self._count = 0

    def __enter__(self) -> _Footprints:
        return self

    def __exit__(self, *_: object) -> None:
        self._pool.shutdown(cancel_futures=True)

    def add(self, footprint: dict[str, Any]) -> None:
        rings = footprint["coordinates"]
        if footprint["type"] == "Polygon" and all(len(p) == 2 for ring in rings for p in ring[:1]):
            for ring in rings:
                self._flat.extend(chain.from_iterable(ring))
                self._ring_sizes.append(len(ring))
            self._ring_counts.append(len(rings))
            if len(self._flat) >= 2 * _CHUNK:
                self._project()
        else:
            self._others[self._count] = shape(footprint)
        self._count += 1

    def metres(self) -> np.ndarray:
        """Every footprint added, in metres, in the order added."""
        self._project()
        found = np.empty(self._count, dtype=object)
        polygons = np.ones(self._count, dtype=bool)
        polygons[list(self._others)] = False
        if polygons.any():
            coordinates = np.concatenate([_NONE, *(c.result() for c in self._chunks)])
            offsets = (np.cumsum(self._ring_sizes), np.cumsum(self._ring_counts))
            found[polygons] = shapely.from_ragged_array(
                shapely.GeometryType.POLYGON, coordinates, offsets
            )
        if self._others:
            degrees = np.array(list(self._others.values()), dtype=object)
            found[~polygons] = self._projection.many_to_metres(degrees)
        return found

    def _project(self) -> None:
        """Hand the positions gathered so far to a worker thread."""
        if not self._flat:
            return
        degrees = np.frombuffer(self._flat, dtype=np.float64).reshape(-1, 2)
        self._flat = array("d")
        self._chunks.append(self._pool.submit(self._to_metres, degrees))

    def _to_metres(self, degrees: np.ndarray) -> np.ndarray:
        x, y = self._projection.points(degrees[:, 0], degrees[:, 1])
        return np.column_stack([x, y])


_CHUNK = 250_000
"""Positions projected at a time on a worker thread (0.15 s of PROJ) while the rebuild reads on."""
_NONE = np.empty((0, 2))


def zone_area(zone: ZoneIn, projection: Projection, field: str = "zone") -> BaseGeometry:
    """Where a zone's rule applies, in metres; for a deconfliction line with a side, the
    corridor and everything beyond it on the owner's side."""
    radius = getattr(zone.geometry, "radius_m", None)
    area = footprint(projection, field, zone.geometry, None, radius, zone.width_m)
    if zone.kind is not ZoneKind.DECONFLICTION_LINE or zone.side is None:
        return area
    line = projection.to_metres(shape(zone.geometry.model_dump()))
    depth = OWNER_SIDE_DEPTH_M if zone.side is Side.LEFT else -OWNER_SIDE_DEPTH_M
    return area.union(line.buffer(depth, single_sided=True))


def band_probe(area: BaseGeometry, lower: float, upper: float, start: float, end: float) -> Probe:
    """One area with its altitude band and window, to screen the index with."""
    return Probe.of([area], [(lower, upper, start, end)])


def probe_of(notice: Notice, projection: Projection, party: str | None = None) -> Probe:
    """A stored notice's current volumes, in metres."""
    volumes = notice.current.volumes
    shapes = projection.many_to_metres(
        np.array([shape(v.footprint) for v in volumes], dtype=object)
    )
    bands = [
        (v.alt_lower_ft, v.alt_upper_ft, times.epoch(v.start), times.epoch(v.end)) for v in volumes
    ]
    return Probe.of(list(shapes), bands, party)


@dataclass(frozen=True)
class Counterpart:
    """What a notice clashes with, before the geometry of the clash is worked out."""

    source: ConflictSource
    match_key: str
    side: Involved
    parties: tuple[str, ...]
    kinds: frozenset[ActivityKind]
    late_s: float
    floor: Severity = Severity.LOW


@dataclass
class Near:
    """The part of one side's own volumes within the minima of the other, and the clash's
    window within that side's own windows: all a party may be shown of a clash whose other
    side is hidden from it (a blind notice), since it lies inside what it filed itself."""

    region: BaseGeometry
    start: float
    end: float

    def absorb(self, other: Near) -> None:
        self.region = self.region.union(other.region)
        self.start, self.end = min(self.start, other.start), max(self.end, other.end)


@dataclass
class Found:
    """One clash of a notice with one counterpart, over all their volume pairs."""

    a: Involved
    b: Counterpart
    region: BaseGeometry
    start: float
    end: float
    overlap: bool
    near: tuple[Near, Near]
    """Each side's own part of the clash: the notice's (a), the counterpart's (b)."""

    def absorb(self, clash: Clash) -> None:
        region, start, end, overlap, (near_a, near_b) = clash
        self.region = self.region.union(region)
        self.start, self.end = min(self.start, start), max(self.end, end)
        self.overlap = self.overlap or overlap
        self.near[0].absorb(near_a)
        self.near[1].absorb(near_b)


Clash = tuple[BaseGeometry, float, float, bool, tuple[Near, Near]]
"""One volume pair's region, window, whether it is a true 4D overlap, and each side's part."""


CrossingCheck = Callable[[Zone, float, float], bool]
"""Whether the notice's party holds an approved crossing of a line for a window."""
_Candidate = tuple[Counterpart, int, VolumeIndex, int, float]


def screen(
    theatre: Theatre,
    notice_id: int,
    facts: NoticeFacts,
    probe: Probe,
    protocol: Protocol,
    crossing_approved: CrossingCheck,
) -> list[Found]:
    """Everything the notice's volumes clash with, one ``Found`` per counterpart."""
    side = facts.side(notice_id)
    candidates = list(_candidates(theatre, notice_id, facts, probe, protocol, crossing_approved))
    found: dict[str, Found] = {}
    for (counterpart, *_), clash in zip(candidates, _clashes(probe, candidates), strict=True):
        if counterpart.match_key in found:
            found[counterpart.match_key].absorb(clash)
        else:
            found[counterpart.match_key] = Found(side, counterpart, *clash)
    return [f for f in found.values() if len(f.b.parties) > 1]


def _candidates(
    theatre: Theatre,
    notice_id: int,
    facts: NoticeFacts,
    probe: Probe,
    protocol: Protocol,
    crossing_approved: CrossingCheck,
) -> Iterator[_Candidate]:
    """Sources (a) to (d): other parties' volumes, zones, declared positions, lines."""
    separation = protocol.separation
    minima = Minima(separation.horizontal_m, separation.vertical_ft, separation.time_s)
    own = replace(probe, party=facts.party)
    anyone = replace(probe, party=None)
    for q, row, other in _hits(theatre.notices, own, minima):
        theirs = theatre.notice_facts[other]
        low, high = sorted((notice_id, other))
        yield (
            Counterpart(
                ConflictSource.VOLUMES,
                f"v:{low}:{high}",
                theirs.side(other),
                (facts.party, theirs.party),
                frozenset({facts.kind, theirs.kind}),
                max(facts.late_s, theirs.late_s),
            ),
            q,
            theatre.notices,
            row,
            minima.horizontal_m,
        )
    for q, row, zone_id in _hits(theatre.zones, anyone, Minima()):
        zone = theatre.zone_records[zone_id]
        if zone.applies_to(facts.party, facts.kind):
            yield _zone_counterpart(theatre, zone, notice_id, facts), q, theatre.zones, row, 0.0
    if facts.kind in STRIKE_KINDS:
        standoff = Minima(protocol.standoff_m, math.inf, 0.0)
        for q, row, position_id in _hits(theatre.positions, own, standoff):
            holder = theatre.position_parties[position_id]
            yield (
                Counterpart(
                    ConflictSource.POSITION,
                    f"p:{notice_id}:{position_id}",
                    Involved(party=holder, position_id=position_id),
                    (facts.party, holder),
                    frozenset({facts.kind}),
                    facts.late_s,
                    Severity.HIGH,
                ),
                q,
                theatre.positions,
                row,
                protocol.standoff_m,
            )
    for q, row, zone_id in _hits(theatre.crossings, own, Minima()):
        zone = theatre.zone_records[zone_id]
        if not crossing_approved(zone, float(probe.start[q]), float(probe.end[q])):
            yield _zone_counterpart(theatre, zone, notice_id, facts), q, theatre.crossings, row, 0.0


def _hits(index: VolumeIndex, probe: Probe, minima: Minima) -> Iterator[tuple[int, int, int]]:
    """(probe volume, indexed row, key) for each pair closer than ``minima``."""
    q_rows, rows = index.query(probe, minima)
    return zip(q_rows.tolist(), rows.tolist(), index.key(rows).tolist(), strict=True)


def _zone_counterpart(
    theatre: Theatre, zone: Zone, notice_id: int, facts: NoticeFacts
) -> Counterpart:
    crossing = zone.kind is ZoneKind.DECONFLICTION_LINE
    others = [zone.owner] if zone.owner else [p for p in theatre.parties if p != facts.party]
    return Counterpart(
        ConflictSource.CROSSING if crossing else ConflictSource.ZONE,
        f"{'x' if crossing else 'z'}:{notice_id}:{zone.id}",
        Involved(party=zone.owner, zone_id=zone.id),
        tuple(dict.fromkeys([facts.party, *others])),
        frozenset({facts.kind}),
        facts.late_s,
        zone.rule.severity,
    )


def _clashes(probe: Probe, candidates: list[_Candidate]) -> list[Clash]:
    """Region, window, whether it is a true 4D overlap, and each side's own part, for every
    candidate pair, in bulk: one vectorised call per index and separation rather than a few
    per pair, since a notice in a busy theatre clashes with dozens of volumes.

    The region is the part of each footprint within the separation of the other (the line
    between their nearest points when they are exactly at the minimum); the window is the
    overlap of the two windows, or the gap between them when they only come close.
    """
    groups: dict[tuple[int, float], list[int]] = {}
    for at, (_, _, index, _, buffer_m) in enumerate(candidates):
        groups.setdefault((id(index), buffer_m), []).append(at)
    clashes: dict[int, Clash] = {}
    for members in groups.values():
        _, _, index, _, buffer_m = candidates[members[0]]
        qs = np.array([candidates[at][1] for at in members])
        rows = np.array([candidates[at][3] for at in members])
        mine, theirs, bands = probe.footprints[qs], index.footprints(rows), index.bands(rows)
        if buffer_m > 0:
            near_mine = shapely.intersection(mine, shapely.buffer(theirs, buffer_m))
            grown = shapely.buffer(probe.footprints, buffer_m)[qs]
            near_theirs = shapely.intersection(theirs, grown)
            regions = shapely.union(near_mine, near_theirs)
        else:
            regions = shapely.intersection(mine, theirs)
            near_mine, near_theirs = regions.copy(), regions.copy()
        touching = shapely.is_empty(regions)
        nearest = shapely.shortest_line(mine[touching], theirs[touching])
        regions[touching] = nearest
        near_mine[touching] = shapely.get_point(nearest, 0)
        near_theirs[touching] = shapely.get_point(nearest, -1)
        first = np.maximum(probe.start[qs], bands[:, 2])
        last = np.minimum(probe.end[qs], bands[:, 3])
        overlap = (
            (first <= last)
            & (
                np.maximum(probe.alt_lower[qs], bands[:, 0])
                <= np.minimum(probe.alt_upper[qs], bands[:, 1])
            )
            & shapely.intersects(mine, theirs)
        )
        starts, ends = np.minimum(first, last), np.maximum(first, last)
        own_a = _within(starts, ends, probe.start[qs], probe.end[qs])
        own_b = _within(starts, ends, bands[:, 2], bands[:, 3])
        for k, at in enumerate(members):
            near = (
                Near(near_mine[k], float(own_a[0][k]), float(own_a[1][k])),
                Near(near_theirs[k], float(own_b[0][k]), float(own_b[1][k])),
            )
            clashes[at] = (regions[k], float(starts[k]), float(ends[k]), bool(overlap[k]), near)
    return [clashes[at] for at in range(len(candidates))]


def _within(
    starts: np.ndarray, ends: np.ndarray, first: np.ndarray, last: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A clash's windows clipped to one side's own windows."""
    return np.clip(starts, first, last), np.clip(ends, first, last)


def severity(found: Found, now: datetime) -> Severity:
    """The documented rule (see the module's docstring)."""
    kinds = found.b.kinds
    if kinds & STRIKE_KINDS or found.b.source is ConflictSource.POSITION:
        score = 3
    elif kinds & MOVEMENT:
        score = 2
    else:
        score = 1
    starts_in = found.start - times.epoch(now)
    score += found.overlap + (starts_in <= 3_600) + (starts_in <= 900) + (found.b.late_s > 0)
    if score >= 6:
        ranked = Severity.CRITICAL
    elif score >= 4:
        ranked = Severity.HIGH
    else:
        ranked = Severity.MEDIUM if score == 3 else Severity.LOW
    return max(ranked, found.b.floor, key=lambda s: s.rank)
