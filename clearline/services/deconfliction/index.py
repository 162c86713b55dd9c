"""The conflict index of one agreement: its live notices' volumes, its zones, its
deconfliction lines (their corridor and the owner's side beyond it) and its declared positions,
each a ``geo.index.VolumeIndex`` in metres in the agreement's projection, and the shapes to
query it with.

An ``AgreementIndex`` is built from the store in bulk (``build``), changed only inside the
writer's transaction, and thrown away if that transaction rolls back (``engine``): the store
stays the truth.
"""

from __future__ import annotations

import math
import os
from array import array
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection

from clearline.geo import grid
from clearline.geo.index import Probe, VolumeIndex
from clearline.geo.projection import Projection, projection
from clearline.geo.volumes import footprint
from clearline.model import times
from clearline.model.conflict import Involved
from clearline.model.notice import ActivityKind, Notice, Sharing
from clearline.model.zone import Side, Zone, ZoneIn, ZoneKind
from clearline.store import agreements as agreement_store
from clearline.store import notices as notice_store
from clearline.store import zones as zone_store

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
class AgreementIndex:
    """One agreement's live notices, zones, lines and positions, indexed in its projection."""

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


def build(connection: Connection, agreement_id: str) -> AgreementIndex:
    """An agreement's index from the store: live notices, zones and positions, in bulk."""
    # The same in every version: an amendment may not move the projection (protocol.proposals).
    protocol = agreement_store.newest_protocol(connection, agreement_id)
    agreement = agreement_store.get_agreement(connection, agreement_id)
    assert agreement is not None, f"agreement {agreement_id} exists"
    index = AgreementIndex(
        agreement_id, tuple(agreement.parties()), projection(*protocol.theatre_centre)
    )
    _load_notices(connection, index)
    for zone in zone_store.zones_of(connection, [agreement_id]):
        index.index_zone(zone, zone_area(zone, index.projection))
    for row in zone_store.positions_of(connection, [agreement_id]):
        square = index.projection.to_metres(grid.square(row.mgrs))
        until = times.epoch(row.valid_until) if row.valid_until else math.inf
        index.index_position(row.id, row.party, square, times.epoch(row.valid_from), until)
    return index


def _load_notices(connection: Connection, index: AgreementIndex) -> None:
    """Every live notice's current volumes, read without building records: the rebuild's bulk."""
    keys: list[int] = []
    parties: list[str | None] = []
    bands: list[tuple[float, float, float, float]] = []
    with _Footprints(index.projection) as footprints:
        for row in notice_store.live_volumes(connection, index.agreement_id):
            index.notice_facts[row.id] = NoticeFacts(
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
        index.notices.load(np.array(keys), parties, Probe.of(list(metres), bands))


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
