"""Benchmark the conflict engine: rebuilding its index, and screening newly filed notices,
against a plain loop over every volume on the same machine.

What it measures, in-process, for each size N of ``--sizes`` (10,000 and 100,000 volumes):

* a synthetic theatre over Syria (latitude 32.3–37.3, longitude 35.7–42.4), drawn from
  ``--seed``: N live volumes in notices of 1 to 3 volumes, filed by the demo agreement's two
  parties (IL and TR). Footprints are polygons (4–12 vertices around a centre, 2–40 km
  across), circles (radius 1–30 km) and corridors (routes of 10–150 km, 2–10 km wide), 40 /
  35 / 25 %; sizes are log-uniform, so small ones are common. Bands lie in 0–45,000 ft,
  1,000–20,000 ft thick; windows last 30 min–12 h (log-uniform) and start within 7 days.
  Every volume goes through ``deconfliction.notices._version``, as a filed one does: footprints in
  metres (circles and corridor ends with 4 × 64 sides) and GeoJSON in degrees for the store.
* rebuild, in memory: ``VolumeIndex.load`` (which builds the STRtree) of the N prepared
  footprints into a fresh ``AgreementIndex``, median of three.
* rebuild from the store: the notices are written to a fresh SQLite store (WAL, synchronous=
  FULL, migrated, with the demo agreement) by ``store.notices.insert`` in one transaction and
  checkpointed; then ``index.build``, what a start does, is timed on a new connection, and so
  is reading the rows alone (``store.notices.live_volumes``, JSON decoded), apart. The page
  cache is warm: the store was just written. The theatre it builds must find, for the first
  ``--baseline`` new notices, exactly the volume pairs the in-memory one finds (checked).
* screening: ``--notices`` new notices (same distributions) are filed one by one into the
  in-memory theatre as ``deconfliction.notices._screen`` does: ``AgreementIndex.index_notice`` then
  ``screening.screen``, both timed, after 20 untimed screens. Median, p99 and max per notice,
  and the conflicts found (counterparts; volume pairs within the minima).
* baseline: for ``--baseline`` of those notices, spread over the run, the same search done as
  a plain Python loop over every live volume (party, vertical gap, time gap, then
  ``geom.distance(other) <= 5 km + 1 mm``, the index's tolerance), timed per notice. It must
  find exactly the pairs ``VolumeIndex.query`` finds (checked; a mismatch stops the run), and
  the screen the same notices. Two ratios of medians per notice: loop over ``query`` timed on
  the same notices (the same search), and loop over the whole screen, which also indexes the
  notice and works out each clash's region and window.
* with the store: ``--with-store`` notices filed by ``deconfliction.notices.file`` through
  ``store.writer.run_now`` on the store built above (its theatre from ``index.build``): what
  a client waits for, less HTTP and the server writer's group commit and ledger seal. Each is
  its own transaction, with its conflicts recorded, alerts queued on the line, and a commit
  to disk; the first 5 are not timed.

Separation minima are the protocol's defaults (5 km, 1,000 ft, 300 s). Targets, at N =
100,000: rebuild ≤ 10 s (both ways; the store one is what a restart costs), screening median
≤ 1 ms and p99 ≤ 5 ms, loop / index ≥ 100× (both ratios); they are marked met or not met at
every size run.

Each timed step starts after a full garbage collection, with what is then alive frozen out of
the collector's passes (``gc.freeze``), and the requests and stored versions (millions of
Python objects, which a running line does not hold) are dropped once written: collecting the
benchmark's own heap is not charged to the engine. Figures
are from one run on one machine: the load average before it says whether something else was
using the cores.

Time and space: about 3 minutes on 2 cores and 1.8 GB of temporary disk at the default sizes
(a stored circle is 10 kB of GeoJSON); everything is deleted at the end.

Run: ``.venv/bin/python bench/conflicts.py [--sizes 10000,100000] [--notices 2000]
[--baseline 20] [--with-store 200] [--seed 6962] [--workdir DIR] [--json FILE]``.
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import sqlalchemy as sa
from common import (
    Latency,
    Machine,
    Verdicts,
    add_common_options,
    console,
    int_list,
    note,
    parser_for,
    quiet_heap,
    room_for,
    targets_table,
    verdict,
    write_figures,
)
from rich.table import Column, Table
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection
from stores import PARTIES, Store, open_store

from clearline import demo
from clearline.geo.index import TOLERANCE_M, Minima, Probe
from clearline.geo.projection import projection
from clearline.model.notice import ActivityKind, NoticeRequest, NoticeVersion, Sharing
from clearline.model.protocol import Protocol
from clearline.model.user import User
from clearline.model.volume import VolumeIn
from clearline.services.deconfliction import engine, index, notices, screening
from clearline.services.deconfliction.notices import _version
from clearline.store import database
from clearline.store import notices as notice_store
from clearline.store.schema import conflicts as conflict_table
from clearline.store.writer import run_now

TARGET_REBUILD_S = 10.0
TARGET_MEDIAN_MS = 1.0
TARGET_P99_MS = 5.0
TARGET_RATIO = 100.0
SOUTH, NORTH, WEST, EAST = 32.3, 37.3, 35.7, 42.4
KM_PER_DEGREE = 111.32
SPREAD_S = 7 * 86_400
NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
"""A fixed clock: the theatre, and so every figure but the timings, is the same on any day."""
KINDS = tuple(ActivityKind)
WARM_UP = 20
STORE_WARM_UP = 5
REPEATS = 3
BYTES_PER_VOLUME = 20_000  # store and WAL: 16 kB measured


# -- the synthetic theatre -------------------------------------------------------------------


def log_uniform(rng: np.random.Generator, low: float, high: float) -> float:
    return float(math.exp(rng.uniform(math.log(low), math.log(high))))


def offset(lon: float, lat: float, east_km: float, north_km: float) -> list[float]:
    """A position ``east_km`` and ``north_km`` from (lon, lat), on a local flat earth."""
    per_lon = KM_PER_DEGREE * math.cos(math.radians(lat))
    return [lon + east_km / per_lon, lat + north_km / KM_PER_DEGREE]


def polygon(rng: np.random.Generator, lon: float, lat: float) -> dict[str, Any]:
    """4–12 corners at jittered, increasing bearings around the centre: no gap reaches half a
    turn, so the ring is star-shaped about its centre and never self-intersecting."""
    corners = int(rng.integers(4, 13))
    radius = log_uniform(rng, 1, 20)
    turn = 2 * math.pi / corners
    ring = [
        offset(lon, lat, r * math.cos(a), r * math.sin(a))
        for a, r in zip(
            turn * (np.arange(corners) + rng.uniform(-0.35, 0.35, corners)),
            radius * rng.uniform(0.6, 1.0, corners),
            strict=True,
        )
    ]
    return {"geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}}


def circle(rng: np.random.Generator, lon: float, lat: float) -> dict[str, Any]:
    radius_m = round(log_uniform(rng, 1_000, 30_000))
    return {"geometry": {"type": "Circle", "coordinates": [lon, lat], "radius_m": radius_m}}


def corridor(rng: np.random.Generator, lon: float, lat: float) -> dict[str, Any]:
    """A route of 1–4 legs, 10–150 km in all, turning up to 30° at each waypoint."""
    legs = int(rng.integers(1, 5))
    leg_km = log_uniform(rng, 10, 150) / legs
    heading = rng.uniform(0, 2 * math.pi)
    route = [[lon, lat]]
    for _ in range(legs):
        heading += rng.uniform(-math.pi / 6, math.pi / 6)
        east, north = leg_km * math.cos(heading), leg_km * math.sin(heading)
        route.append(offset(route[-1][0], route[-1][1], east, north))
    width_m = round(rng.uniform(2_000, 10_000))
    return {"geometry": {"type": "LineString", "coordinates": route}, "width_m": width_m}


def volume(rng: np.random.Generator) -> VolumeIn:
    """One volume as a client writes it: a footprint, a band and a window."""
    lon, lat = rng.uniform(WEST, EAST), rng.uniform(SOUTH, NORTH)
    draw = rng.random()
    footprint = (polygon if draw < 0.4 else circle if draw < 0.75 else corridor)(rng, lon, lat)
    lower = round(rng.uniform(0, 40_000), -2)
    upper = min(45_000.0, lower + round(rng.uniform(1_000, 20_000), -2))
    duration = log_uniform(rng, 1_800, 43_200)
    start = NOW + timedelta(minutes=round(rng.uniform(1, (SPREAD_S - duration) / 60)))
    return VolumeIn.model_validate(
        {
            **footprint,
            "alt_lower_ft": lower,
            "alt_upper_ft": upper,
            "start": start,
            "end": start + timedelta(seconds=round(duration)),
        }
    )


@dataclass
class Filed:
    """A notice as the engine holds it once filed: party, kind, sharing, lateness, and its
    volumes in metres."""

    party: str
    kind: ActivityKind
    sharing: Sharing
    late_s: float
    probe: Probe

    @property
    def facts(self) -> index.NoticeFacts:
        return index.NoticeFacts(self.party, self.kind, 1, self.sharing, self.late_s)


@dataclass
class Drawn:
    """A drawn notice: the request a client sends, the version the store keeps of it (its
    footprints in GeoJSON, in degrees), and what the engine holds of it."""

    request: NoticeRequest
    version: NoticeVersion
    filed: Filed


def draw_notice(
    rng: np.random.Generator, users: dict[str, User], protocol: Protocol, most: int = 3
) -> Drawn:
    """A notice of 1 to ``most`` (at most 3) volumes, checked and projected as filing does."""
    party = PARTIES[int(rng.integers(len(PARTIES)))]
    request = NoticeRequest(
        kind=KINDS[int(rng.integers(len(KINDS)))],
        volumes=[volume(rng) for _ in range(min(most, int(rng.integers(1, 4))))],
    )
    version, probe = _version(
        request.volumes,
        request.sharing or protocol.default_sharing,
        None,
        request.kind,
        1,
        protocol,
        projection(*protocol.theatre_centre),
        users[party],
        NOW,
    )
    filed = Filed(party, request.kind, request.sharing, version.late_s, probe)
    return Drawn(request, version, filed)


def draw_theatre(
    rng: np.random.Generator, volumes: int, users: dict[str, User], protocol: Protocol
) -> list[Drawn]:
    """Notices of 1–3 volumes, ``volumes`` in all."""
    found: list[Drawn] = []
    left = volumes
    while left > 0:
        found.append(draw_notice(rng, users, protocol, left))
        left -= len(found[-1].version.volumes)
    return found


def stacked(filed: list[Filed]) -> tuple[np.ndarray, list[str | None], Probe]:
    """Keys (notice ids from 1), parties and volumes of every notice, for one bulk load."""
    keys = np.concatenate([np.full(len(f.probe), i) for i, f in enumerate(filed, start=1)])
    parties: list[str | None] = [f.party for f in filed for _ in range(len(f.probe))]

    def column(name: str) -> np.ndarray:
        return np.concatenate([getattr(f.probe, name) for f in filed])

    lower, upper, start, end = (column(n) for n in ("alt_lower", "alt_upper", "start", "end"))
    return keys, parties, Probe(column("footprints"), lower, upper, start, end)


def empty_theatre(protocol: Protocol) -> index.AgreementIndex:
    return index.AgreementIndex(demo.AGREEMENT_ID, PARTIES, projection(*protocol.theatre_centre))


def load_in_memory(filed: list[Filed], protocol: Protocol) -> tuple[index.AgreementIndex, float]:
    """A theatre bulk-loaded from the prepared footprints, as ``index._load_notices`` ends,
    ``REPEATS`` times; the last one, and the median seconds."""
    keys, parties, probe = stacked(filed)
    seconds = []
    for _ in range(REPEATS):
        theatre = empty_theatre(protocol)
        with quiet_heap():
            t0 = time.perf_counter()
            theatre.notice_facts.update({i: f.facts for i, f in enumerate(filed, start=1)})
            theatre.notices.load(keys, parties, probe)
            seconds.append(time.perf_counter() - t0)
    return theatre, statistics.median(seconds)


# -- the store -------------------------------------------------------------------------------


def write_notices(store: Store, drawn: list[Drawn]) -> float:
    """Every notice through ``store.notices.insert`` in one transaction, then a checkpoint."""
    t0 = time.perf_counter()
    with store.engine.begin() as connection:
        for expected, d in enumerate(drawn, start=1):
            notice_id = notice_store.insert(
                connection,
                demo.AGREEMENT_ID,
                d.filed.party,
                d.request.kind,
                d.version,
                f"bench-{expected}",
                d.request.fingerprint(),
            )
            assert notice_id == expected, "notice ids are the in-memory keys"
    database.checkpoint(store.engine)
    return time.perf_counter() - t0


def rebuild_from_store(store: Store) -> tuple[index.AgreementIndex, float, float]:
    """``index.build`` on a new connection, and reading the live rows alone: the theatre, and
    both times in seconds."""
    with quiet_heap(), store.engine.connect() as connection:
        t0 = time.perf_counter()
        theatre = index.build(connection, demo.AGREEMENT_ID)
        build_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in notice_store.live_volumes(connection, demo.AGREEMENT_ID):
            pass
        read_s = time.perf_counter() - t0
        connection.rollback()
    return theatre, build_s, read_s


def conflicts_on_record(connection: Connection) -> int:
    return int(connection.execute(sa.select(sa.func.count()).select_from(conflict_table)).one()[0])


def file_with_store(
    store: Store, theatre: index.AgreementIndex, new: list[Drawn]
) -> tuple[Latency, float]:
    """Each notice filed by ``deconfliction.notices.file`` in its own transaction, on the theatre
    the store was rebuilt into: the time per notice (the first few untimed: they compile the
    statements), and the conflicts opened per notice."""
    conflict_engine = engine.ConflictEngine({demo.AGREEMENT_ID: theatre})
    seconds = []
    with store.engine.connect() as connection:
        before = conflicts_on_record(connection)
        connection.rollback()
    with quiet_heap():
        for n, d in enumerate(new):

            def filing(connection: Connection, d: Drawn = d, n: int = n) -> None:
                user = store.users[d.filed.party]
                notices.file(connection, user, d.request, NOW, f"bench-new-{n}", conflict_engine)

            t0 = time.perf_counter()
            run_now(store.engine, filing)
            if n >= STORE_WARM_UP:
                seconds.append(time.perf_counter() - t0)
    with store.engine.connect() as connection:
        opened = conflicts_on_record(connection) - before
        connection.rollback()
    return Latency.of(seconds), opened / len(new)


# -- screening and the plain loop ------------------------------------------------------------

Pair = tuple[int, int]
"""(probe volume, notice id): a volume of the screened notice and a notice it comes close to."""
Entry = tuple[int, str, float, float, float, float, BaseGeometry]
"""A live volume for the plain loop: notice id, party, band, window and footprint."""


def entries(notice_id: int, filed: Filed) -> list[Entry]:
    p = filed.probe
    return [
        (notice_id, filed.party, lower, upper, start, end, footprint)
        for lower, upper, start, end, footprint in zip(
            p.alt_lower.tolist(),
            p.alt_upper.tolist(),
            p.start.tolist(),
            p.end.tolist(),
            p.footprints,
            strict=True,
        )
    ]


def loop_pairs(live: list[Entry], probe: Probe, party: str, minima: Minima) -> list[Pair]:
    """The plain way: for each volume of the probe, every live volume in turn; sorted."""
    reach = minima.horizontal_m + TOLERANCE_M
    found = []
    for q, (mine, lower, upper, start, end) in enumerate(
        zip(
            probe.footprints,
            probe.alt_lower.tolist(),
            probe.alt_upper.tolist(),
            probe.start.tolist(),
            probe.end.tolist(),
            strict=True,
        )
    ):
        for key, other, o_lower, o_upper, o_start, o_end, theirs in live:
            if (
                other != party
                and max(lower - o_upper, o_lower - upper) <= minima.vertical_ft
                and max(start - o_end, o_start - end) <= minima.time_s
                and mine.distance(theirs) <= reach
            ):
                found.append((q, key))
    return sorted(found)


def index_pairs(theatre: index.AgreementIndex, filed: Filed, minima: Minima) -> list[Pair]:
    """The same search by ``VolumeIndex.query``; sorted."""
    q, rows = theatre.notices.query(replace(filed.probe, party=filed.party), minima)
    return sorted(zip(q.tolist(), theatre.notices.key(rows).tolist(), strict=True))


def minima_of(protocol: Protocol) -> Minima:
    """The separation minima as ``screening.screen`` uses them between notices."""
    separation = protocol.separation
    return Minima(separation.horizontal_m, separation.vertical_ft, separation.time_s)


def no_crossing(_zone: Any, _start: float, _end: float) -> bool:
    """The synthetic theatre has no deconfliction lines, so this is never asked."""
    return False


def same_pairs(
    a: index.AgreementIndex, b: index.AgreementIndex, new: list[Filed], minima: Minima
) -> int:
    """Check that two theatres find the same volume pairs for ``new``; how many they found."""
    found = 0
    for n, filed in enumerate(new):
        ours, theirs = index_pairs(a, filed, minima), index_pairs(b, filed, minima)
        if ours != theirs:
            raise SystemExit(f"new notice {n}: the store's rebuild finds other pairs than memory")
        found += len(ours)
    return found


@dataclass
class Screening:
    seconds: list[float] = field(default_factory=list)
    counterparts: list[int] = field(default_factory=list)
    loop_seconds: list[float] = field(default_factory=list)
    query_seconds: list[float] = field(default_factory=list)
    sample_pairs: list[int] = field(default_factory=list)


def screen_new(
    theatre: index.AgreementIndex,
    live: list[Entry],
    new: list[Filed],
    protocol: Protocol,
    sample: set[int],
) -> Screening:
    """File ``new`` into the theatre one by one as ``deconfliction.notices._screen`` does, timing
    ``index_notice`` + ``screen``, after ``WARM_UP`` untimed screens; the plain loop on the
    notices in ``sample`` (their positions in ``new``)."""
    first_id = max(theatre.notice_facts) + 1
    for n, filed in enumerate(new[:WARM_UP]):
        screening.screen(theatre, first_id + n, filed.facts, filed.probe, protocol, no_crossing)
    result = Screening()
    with quiet_heap():
        for n, filed in enumerate(new):
            screen_one(theatre, live, filed, first_id + n, protocol, n in sample, result)
    return result


def screen_one(
    theatre: index.AgreementIndex,
    live: list[Entry],
    filed: Filed,
    notice_id: int,
    protocol: Protocol,
    sampled: bool,
    result: Screening,
) -> None:
    """One new notice filed and screened (timed); if ``sampled``, the plain loop and the
    index's query too, which must find the same pairs (and the screen the same notices)."""
    facts = filed.facts
    t0 = time.perf_counter()
    theatre.index_notice(notice_id, facts, filed.probe)
    found = screening.screen(theatre, notice_id, facts, filed.probe, protocol, no_crossing)
    result.seconds.append(time.perf_counter() - t0)
    result.counterparts.append(len(found))
    live.extend(entries(notice_id, filed))
    if not sampled:
        return
    minima = minima_of(protocol)
    t0 = time.perf_counter()
    looped = loop_pairs(live, filed.probe, filed.party, minima)
    result.loop_seconds.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    indexed = index_pairs(theatre, filed, minima)
    result.query_seconds.append(time.perf_counter() - t0)
    screened = {f.b.side.notice_id for f in found}
    if looped != indexed or screened != {key for _, key in looped}:
        raise SystemExit(
            f"notice {notice_id}: the plain loop finds {len(looped)} pairs "
            f"({len({k for _, k in looped})} notices), the index {len(indexed)}, "
            f"the screen {len(screened)} notices"
        )
    result.sample_pairs.append(len(looped))


# -- figures ---------------------------------------------------------------------------------


@dataclass
class SizeResult:
    volumes: int
    notices: int
    coordinates: int
    rebuild_memory_s: float
    store_write_s: float
    store_mb: float
    rebuild_store_s: float
    read_rows_s: float
    store_pairs_checked: int
    screen: Latency
    conflicts_per_notice: float
    notices_in_conflict: float
    loop: Latency
    query: Latency
    pairs_per_notice: float
    ratio_screen: float
    ratio_query: float
    with_store: Latency | None
    store_conflicts_per_notice: float | None
    seconds: float


def measure(volumes: int, args: argparse.Namespace, workdir: Path) -> SizeResult:
    """Everything at one size, on a store of its own."""
    began = time.perf_counter()
    protocol = Protocol()
    rng = np.random.default_rng([args.seed, volumes])
    store = open_store(workdir / f"line-{volumes}.db", NOW, "duty-officer")
    try:
        note(f"N = {volumes:,}: drawing the volumes, checked and projected as filed …")
        drawn = draw_theatre(rng, volumes, store.users, protocol)
        base = [d.filed for d in drawn]
        coordinates = sum(int(shapely.get_num_coordinates(f.probe.footprints).sum()) for f in base)
        new = [draw_notice(rng, store.users, protocol) for _ in range(args.notices)]
        fresh = [d.filed for d in new]
        note("rebuilding in memory …")
        theatre, memory_s = load_in_memory(base, protocol)
        note("writing the store …")
        write_s = write_notices(store, drawn)
        del drawn  # millions of Python objects (GeoJSON above all) a running line does not hold
        note("rebuilding from the store …")
        stored, build_s, read_s = rebuild_from_store(store)
        checked = same_pairs(theatre, stored, fresh[: args.baseline], minima_of(protocol))
        note("screening new notices, and the plain loop on a sample …")
        live = [e for i, f in enumerate(base, start=1) for e in entries(i, f)]
        sample = {round(x) for x in np.linspace(0, len(new) - 1, args.baseline)}
        screening = screen_new(theatre, live, fresh, protocol, sample)
        del theatre, live  # a line holds one theatre: the store's, filed into next
        with_store: tuple[Latency, float] | None = None
        if args.with_store:
            note("filing through the service, with the store …")
            with_store = file_with_store(store, stored, new[: args.with_store])
        size_mb = store.megabytes()
    finally:
        store.engine.dispose()
    screen = Latency.of(screening.seconds)
    loop, query = Latency.of(screening.loop_seconds), Latency.of(screening.query_seconds)
    return SizeResult(
        volumes=volumes,
        notices=len(base),
        coordinates=coordinates,
        rebuild_memory_s=memory_s,
        store_write_s=write_s,
        store_mb=size_mb,
        rebuild_store_s=build_s,
        read_rows_s=read_s,
        store_pairs_checked=checked,
        screen=screen,
        conflicts_per_notice=statistics.mean(screening.counterparts),
        notices_in_conflict=sum(c > 0 for c in screening.counterparts) / len(new),
        loop=loop,
        query=query,
        pairs_per_notice=statistics.mean(screening.sample_pairs),
        ratio_screen=loop.median_ms / screen.median_ms,
        ratio_query=loop.median_ms / query.median_ms,
        with_store=with_store[0] if with_store else None,
        store_conflicts_per_notice=with_store[1] if with_store else None,
        seconds=time.perf_counter() - began,
    )


# -- report ----------------------------------------------------------------------------------


@dataclass
class Setting(Machine):
    sizes: list[int]
    notices: int
    baseline: int
    with_store: int
    seed: int
    separation: dict[str, float] = field(default_factory=lambda: Protocol().separation.model_dump())
    shapely_version: str = shapely.__version__
    geos_version: str = shapely.geos_version_string


def verdicts(results: list[SizeResult]) -> Verdicts:
    """Every target at every size run."""
    return {k: v for r in results for k, v in verdicts_at(r).items()}


def verdicts_at(r: SizeResult) -> Verdicts:
    at = f"at N = {r.volumes:,}"
    return {
        f"rebuild in memory ≤ {TARGET_REBUILD_S:g} s, {at}": verdict(
            f"{r.rebuild_memory_s:,.2f} s", r.rebuild_memory_s <= TARGET_REBUILD_S
        ),
        f"rebuild from the store ≤ {TARGET_REBUILD_S:g} s, {at}": verdict(
            f"{r.rebuild_store_s:,.2f} s", r.rebuild_store_s <= TARGET_REBUILD_S
        ),
        f"screen median ≤ {TARGET_MEDIAN_MS:g} ms, {at}": verdict(
            f"{r.screen.median_ms:.3f} ms", r.screen.median_ms <= TARGET_MEDIAN_MS
        ),
        f"screen p99 ≤ {TARGET_P99_MS:g} ms, {at}": verdict(
            f"{r.screen.p99_ms:.3f} ms", r.screen.p99_ms <= TARGET_P99_MS
        ),
        f"plain loop / index query ≥ {TARGET_RATIO:g}× (same search), {at}": verdict(
            f"×{r.ratio_query:,.0f}", r.ratio_query >= TARGET_RATIO
        ),
        f"plain loop / whole screen ≥ {TARGET_RATIO:g}× (+ regions), {at}": verdict(
            f"×{r.ratio_screen:,.0f}", r.ratio_screen >= TARGET_RATIO
        ),
    }


def ms3(latency: Latency) -> str:
    return f"{latency.median_ms:.2f} · {latency.p99_ms:.2f} · {latency.max_ms:,.1f}"


def conflict_share(r: SizeResult) -> str:
    return f"{r.conflicts_per_notice:.2f} · {r.notices_in_conflict:.0%}"


ROWS: list[tuple[str, Callable[[SizeResult], str]]] = [
    ("notices · footprint vertices", lambda r: f"{r.notices:,} · {r.coordinates:,}"),
    ("rebuild in memory s", lambda r: f"{r.rebuild_memory_s:.3f}"),
    ("store written s · MB", lambda r: f"{r.store_write_s:,.1f} · {r.store_mb:,.0f}"),
    ("rebuild from store s", lambda r: f"{r.rebuild_store_s:,.2f}"),
    ("  reading its rows alone s", lambda r: f"{r.read_rows_s:,.2f}"),
    ("  same pairs as in memory", lambda r: f"yes ({r.store_pairs_checked:,} pairs)"),
    ("screen ms p50 · p99 · max", lambda r: ms3(r.screen)),
    ("conflicts a notice · any", conflict_share),
    ("volume pairs a notice", lambda r: f"{r.pairs_per_notice:,.1f} (sample)"),
    ("plain loop ms p50 · p99", lambda r: f"{r.loop.median_ms:,.1f} · {r.loop.p99_ms:,.1f}"),
    ("index query alone ms p50", lambda r: f"{r.query.median_ms:.3f} (sample)"),
    ("plain loop / screen (p50)", lambda r: f"×{r.ratio_screen:,.0f}"),
    ("plain loop / query (p50)", lambda r: f"×{r.ratio_query:,.0f}"),
    ("with store ms p50 · p99 · max", lambda r: ms3(r.with_store) if r.with_store else "—"),
    ("  conflicts opened a notice", lambda r: f"{r.store_conflicts_per_notice or 0:.2f}"),
    ("whole size s", lambda r: f"{r.seconds:,.0f}"),
]


def report(setting: Setting, results: list[SizeResult]) -> None:
    s = setting
    console.print(
        s.describe(f"shapely {s.shapely_version} (GEOS {s.geos_version})") + "\n"
        f"{s.notices:,} new notices a size, plain loop on {s.baseline}, "
        f"{s.with_store} with the store · seed {s.seed} · minima "
        + " · ".join(f"{v:,g} {k.split('_')[1]}" for k, v in s.separation.items()),
        highlight=False,
    )
    s.warn_if_busy()
    sizes = (f"N = {r.volumes:,}" for r in results)
    table = Table(Column("", no_wrap=True), *sizes, title="conflict engine")
    for label, value in ROWS:
        table.add_row(label, *(value(r) for r in results))
    console.print(table)
    console.print(targets_table(verdicts(results), "targets (set at N = 100,000)"))


def figures(setting: Setting, results: list[SizeResult]) -> dict[str, Any]:
    return {
        "setting": asdict(setting),
        "sizes": [asdict(r) for r in results],
        "targets": verdicts(results),
    }


# -- main ------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = parser_for(__doc__)
    parser.add_argument(
        "--sizes", type=int_list, default="10000,100000", help="volumes in the theatre"
    )
    parser.add_argument("--notices", type=int, default=2_000, help="new notices screened")
    parser.add_argument("--baseline", type=int, default=20, help="of them, also by plain loop")
    parser.add_argument("--with-store", type=int, default=200, help="filed through the service")
    add_common_options(parser, seed=6962, workdir=True)
    args = parser.parse_args()
    if not (
        all(100 <= n <= 2_000_000 for n in args.sizes)
        and WARM_UP <= args.notices <= 100_000
        and 1 <= args.baseline <= args.notices
        and (args.with_store == 0 or STORE_WARM_UP < args.with_store <= args.notices)
    ):
        parser.error(
            f"out of range: sizes 100..2,000,000, notices ≥ {WARM_UP}, baseline 1..notices, "
            f"with-store 0 or {STORE_WARM_UP + 1}..notices"
        )
    return args


def main() -> None:
    args = parse_args()
    setting = Setting(args.sizes, args.notices, args.baseline, args.with_store, args.seed)
    base = room_for(args.workdir, sum(args.sizes) * BYTES_PER_VOLUME)
    with tempfile.TemporaryDirectory(prefix="clearline-conflicts-bench-", dir=base) as workdir:
        results = [measure(n, args, Path(workdir)) for n in args.sizes]
    report(setting, results)
    if args.json is not None:
        write_figures(args.json, figures(setting, results))


if __name__ == "__main__":
    main()
