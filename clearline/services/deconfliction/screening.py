"""Screening: what a notice's volumes clash with in an agreement's index, found in bulk.

A notice is screened against the four indexes at once (other parties' notices, zones, declared
positions, deconfliction lines), each within its own separation, and each clash's region,
window and each side's own part of it are worked out in one vectorised call per index: a
notice in a busy theatre clashes with dozens of volumes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from clearline.geo.index import Minima, Probe, VolumeIndex
from clearline.model.conflict import ConflictSource, Involved
from clearline.model.notice import STRIKE_KINDS, ActivityKind
from clearline.model.protocol import Protocol
from clearline.model.zone import Severity, Zone, ZoneKind
from clearline.services.deconfliction.index import AgreementIndex, NoticeFacts


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
    index: AgreementIndex,
    notice_id: int,
    facts: NoticeFacts,
    probe: Probe,
    protocol: Protocol,
    crossing_approved: CrossingCheck,
) -> list[Found]:
    """Everything the notice's volumes clash with, one ``Found`` per counterpart, from sources
    (a) to (d): other parties' volumes, zones, declared positions, lines."""
    own, anyone = replace(probe, party=facts.party), replace(probe, party=None)
    candidates = [
        *_volumes(index, notice_id, facts, own, protocol),
        *_zones(index, notice_id, facts, anyone),
        *_positions(index, notice_id, facts, own, protocol.standoff_m),
        *_crossings(index, notice_id, facts, own, crossing_approved),
    ]
    side = facts.side(notice_id)
    found: dict[str, Found] = {}
    for (counterpart, *_), clash in zip(candidates, _clashes(probe, candidates), strict=True):
        if counterpart.match_key in found:
            found[counterpart.match_key].absorb(clash)
        else:
            found[counterpart.match_key] = Found(side, counterpart, *clash)
    return [f for f in found.values() if len(f.b.parties) > 1]


def _volumes(
    index: AgreementIndex, notice_id: int, facts: NoticeFacts, own: Probe, protocol: Protocol
) -> Iterator[_Candidate]:
    """(a) Other parties' notice volumes closer than the separation minima."""
    separation = protocol.separation
    minima = Minima(separation.horizontal_m, separation.vertical_ft, separation.time_s)
    for q, row, other in _hits(index.notices, own, minima):
        theirs = index.notice_facts[other]
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
            index.notices,
            row,
            minima.horizontal_m,
        )


def _zones(
    index: AgreementIndex, notice_id: int, facts: NoticeFacts, anyone: Probe
) -> Iterator[_Candidate]:
    """(b) Zones, anyone's, whose rule applies to the notice's party and kind."""
    for q, row, zone_id in _hits(index.zones, anyone, Minima()):
        zone = index.zone_records[zone_id]
        if zone.applies_to(facts.party, facts.kind):
            yield _zone_counterpart(index, zone, notice_id, facts), q, index.zones, row, 0.0


def _positions(
    index: AgreementIndex, notice_id: int, facts: NoticeFacts, own: Probe, standoff_m: float
) -> Iterator[_Candidate]:
    """(c) Other parties' declared positions within the standoff of a strike."""
    if facts.kind not in STRIKE_KINDS:
        return
    for q, row, position_id in _hits(index.positions, own, Minima(standoff_m, math.inf, 0.0)):
        holder = index.position_parties[position_id]
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
            index.positions,
            row,
            standoff_m,
        )


def _crossings(
    index: AgreementIndex,
    notice_id: int,
    facts: NoticeFacts,
    own: Probe,
    crossing_approved: CrossingCheck,
) -> Iterator[_Candidate]:
    """(d) Other parties' deconfliction lines, where no approved crossing covers the window."""
    for q, row, zone_id in _hits(index.crossings, own, Minima()):
        zone = index.zone_records[zone_id]
        if not crossing_approved(zone, float(own.start[q]), float(own.end[q])):
            yield _zone_counterpart(index, zone, notice_id, facts), q, index.crossings, row, 0.0


def _hits(volumes: VolumeIndex, probe: Probe, minima: Minima) -> Iterator[tuple[int, int, int]]:
    """(probe volume, indexed row, key) for each pair closer than ``minima``."""
    q_rows, rows = volumes.query(probe, minima)
    return zip(q_rows.tolist(), rows.tolist(), volumes.key(rows).tolist(), strict=True)


def _zone_counterpart(
    index: AgreementIndex, zone: Zone, notice_id: int, facts: NoticeFacts
) -> Counterpart:
    crossing = zone.kind is ZoneKind.DECONFLICTION_LINE
    others = [zone.owner] if zone.owner else [p for p in index.parties if p != facts.party]
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
    for at, (_, _, volumes, _, buffer_m) in enumerate(candidates):
        groups.setdefault((id(volumes), buffer_m), []).append(at)
    clashes: dict[int, Clash] = {}
    for members in groups.values():
        _, _, volumes, _, buffer_m = candidates[members[0]]
        qs = np.array([candidates[at][1] for at in members])
        rows = np.array([candidates[at][3] for at in members])
        mine, theirs, bands = probe.footprints[qs], volumes.footprints(rows), volumes.bands(rows)
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
