"""The in-memory conflict index: footprints in a shapely STRtree, bands and windows in arrays.

One query screens a batch of volumes against everything indexed, in bulk: bounding boxes
grown by the horizontal minimum go through the tree in one call; the candidate pairs are then
cut down by party, altitude band and time window with numpy; only the survivors get an exact
distance test (``shapely.dwithin``, vectorised). No Python loop runs per indexed volume.

Separation is lost when every gap is at most its minimum: volumes are closed sets, so with the
minima at zero, touching is a conflict (as ASTM F3548 requires), and reaching a minimum exactly
counts as losing it. Distances are compared with a tolerance of 1 mm (``TOLERANCE_M``), below
the 1 cm that coordinates are kept to, so that a round trip through the projection never turns
a touching pair into a separated one.

The tree is immutable, so new entries wait in a small unbuilt tail that is screened directly
and folded into a new tree once it grows past ``REBUILD_AT``; removals only mark entries dead
until then. The store stays the truth: ``services.deconfliction.engine`` rebuilds this from it
at start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

TOLERANCE_M = 1e-3
REBUILD_AT = 512
_GROW = 1_024


@dataclass(frozen=True)
class Probe:
    """Volumes to screen, as parallel arrays: footprints in metres, bands in feet, windows in
    seconds since the epoch, and the party each belongs to."""

    footprints: np.ndarray
    alt_lower: np.ndarray
    alt_upper: np.ndarray
    start: np.ndarray
    end: np.ndarray
    party: str | None = None
    """Entries of this party are never reported: a party does not conflict with itself."""

    def __len__(self) -> int:
        return len(self.footprints)

    @classmethod
    def of(
        cls,
        footprints: Sequence[BaseGeometry],
        bands: Sequence[tuple[float, float, float, float]],
        party: str | None = None,
    ) -> Probe:
        """From footprints and, for each, (alt lower, alt upper, start, end)."""
        columns = np.array(bands, dtype=np.float64).reshape(-1, 4)
        geometries = np.empty(len(footprints), dtype=object)
        geometries[:] = list(footprints)
        lower, upper, start, end = columns.T
        return cls(geometries, lower, upper, start, end, party)

    def pick(self, rows: slice) -> Probe:
        """Some of these volumes, for anyone's party."""
        return Probe(
            self.footprints[rows],
            self.alt_lower[rows],
            self.alt_upper[rows],
            self.start[rows],
            self.end[rows],
        )


@dataclass(frozen=True)
class Minima:
    horizontal_m: float = 0.0
    vertical_ft: float = 0.0
    time_s: float = 0.0


class VolumeIndex:
    """Indexed volumes, each under an integer key (a notice, zone or position id)."""

    def __init__(self) -> None:
        self._size = 0
        self._built = 0
        self._tree = shapely.STRtree([])
        self._footprints = np.empty(_GROW, dtype=object)
        self._key = np.zeros(_GROW, dtype=np.int64)
        self._party = np.zeros(_GROW, dtype=np.int32)
        self._band = np.zeros((_GROW, 4), dtype=np.float64)  # alt lower, alt upper, start, end
        self._alive = np.zeros(_GROW, dtype=bool)
        self._rows: dict[int, list[int]] = defaultdict(list)
        self._parties: dict[str | None, int] = {None: 0}

    def __len__(self) -> int:
        """Live entries."""
        return int(self._alive[: self._size].sum())

    def add(self, key: int, party: str | None, probe: Probe) -> None:
        """Index every volume of ``probe`` under ``key`` (replacing nothing: remove first)."""
        count = len(probe)
        self.load(np.full(count, key), [party] * count, probe)

    def load(self, keys: np.ndarray, parties: list[str | None], probe: Probe) -> None:
        """Index many volumes at once, each with its own key and party (a rebuild's bulk)."""
        count = len(probe)
        self._reserve(self._size + count)
        rows = slice(self._size, self._size + count)
        self._footprints[rows] = probe.footprints
        self._key[rows] = keys
        self._party[rows] = [self._party_code(p) for p in parties]
        self._band[rows] = np.column_stack(
            [probe.alt_lower, probe.alt_upper, probe.start, probe.end]
        )
        self._alive[rows] = True
        for row, key in enumerate(np.asarray(keys).tolist(), start=rows.start):
            self._rows[key].append(row)
        self._size += count
        if self._size - self._built > REBUILD_AT:
            self.rebuild()

    def remove(self, key: int) -> None:
        for row in self._rows.pop(key, []):
            self._alive[row] = False

    def __contains__(self, key: int) -> bool:
        return key in self._rows

    def rebuild(self) -> None:
        """Drop dead entries and build one tree over everything."""
        live = np.flatnonzero(self._alive[: self._size])
        self._footprints[: live.size] = self._footprints[live]
        self._key[: live.size] = self._key[live]
        self._party[: live.size] = self._party[live]
        self._band[: live.size] = self._band[live]
        self._alive[: live.size] = True
        self._alive[live.size : self._size] = False
        self._size = self._built = int(live.size)
        self._rows = defaultdict(list)
        for row, key in enumerate(self._key[: self._size].tolist()):
            self._rows[key].append(row)
        self._tree = shapely.STRtree(self._footprints[: self._size])

    def query(self, probe: Probe, minima: Minima) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (probe volume, indexed row) closer than ``minima`` in area, height and time."""
        if not self._size:
            return np.empty(0, np.intp), np.empty(0, np.intp)
        # Bounding boxes grown by the minimum, worked out in arithmetic: a superset of what
        # the exact test below keeps, at a tenth of the cost of buffering each envelope.
        reach = minima.horizontal_m + TOLERANCE_M
        low_x, low_y, high_x, high_y = shapely.bounds(probe.footprints).T
        grown = shapely.box(low_x - reach, low_y - reach, high_x + reach, high_y + reach)
        tree_q, tree_rows = self._tree.query(grown)
        tail = np.arange(self._built, self._size)
        tail_q = np.repeat(np.arange(len(probe)), tail.size)
        candidates_q = np.concatenate([tree_q, tail_q])
        candidates = np.concatenate([tree_rows, np.tile(tail, len(probe))])
        keep = self._close_in_band(probe, minima, candidates_q, candidates)
        candidates_q, candidates = candidates_q[keep], candidates[keep]
        near = _within(
            probe.footprints, candidates_q, self._footprints[candidates], minima.horizontal_m
        )
        return candidates_q[near], candidates[near]

    def key(self, rows: np.ndarray) -> np.ndarray:
        return self._key[rows]

    def footprints(self, rows: np.ndarray) -> np.ndarray:
        """The footprints of these rows, in metres."""
        return self._footprints[rows]

    def bands(self, rows: np.ndarray) -> np.ndarray:
        """Altitude lower and upper, start and end, of these rows: one line each."""
        return self._band[rows]

    def _close_in_band(
        self, probe: Probe, minima: Minima, probe_rows: np.ndarray, rows: np.ndarray
    ) -> np.ndarray:
        band = self._band[rows]
        vertical = np.maximum(
            probe.alt_lower[probe_rows] - band[:, 1], band[:, 0] - probe.alt_upper[probe_rows]
        )
        timing = np.maximum(
            probe.start[probe_rows] - band[:, 3], band[:, 2] - probe.end[probe_rows]
        )
        keep = self._alive[rows] & (vertical <= minima.vertical_ft) & (timing <= minima.time_s)
        if probe.party is not None:
            keep &= self._party[rows] != self._parties.get(probe.party, -1)
        return keep

    def _party_code(self, party: str | None) -> int:
        return self._parties.setdefault(party, len(self._parties))

    def _reserve(self, size: int) -> None:
        if size <= len(self._key):
            return
        capacity = max(size, 2 * len(self._key))
        self._footprints = _grown(self._footprints, capacity)
        self._key = _grown(self._key, capacity)
        self._party = _grown(self._party, capacity)
        self._band = _grown(self._band, capacity)
        self._alive = _grown(self._alive, capacity)


def _within(
    footprints: np.ndarray, which: np.ndarray, others: np.ndarray, distance_m: float
) -> np.ndarray:
    """Whether ``footprints[which]`` comes within ``distance_m`` (and the tolerance) of
    ``others``, pair by pair.

    The probe's footprints are prepared for the call: GEOS then answers from an index of their
    edges instead of testing every edge against every other, which is what a footprint of
    hundreds of vertices (a circle, a corridor) near many others costs. The answer is the same
    (the same edge distances, fewer of them computed). Only what was prepared here is
    unprepared again, so indexed footprints do not keep the memory it takes.
    """
    if which.size == 0:
        return np.zeros(0, dtype=bool)
    fresh = footprints[~shapely.is_prepared(footprints)]
    shapely.prepare(fresh)
    try:
        return shapely.dwithin(footprints[which], others, distance_m + TOLERANCE_M)
    finally:
        shapely.destroy_prepared(fresh)


def _grown(array: np.ndarray, capacity: int) -> np.ndarray:
    bigger = np.zeros((capacity, *array.shape[1:]), dtype=array.dtype)
    if array.dtype == object:
        bigger = np.empty((capacity, *array.shape[1:]), dtype=object)
    bigger[: len(array)] = array
    return bigger
