"""Benchmark tactical alerting: one screening cycle of every live track, against a plain loop
over every pair of tracks, and the rate at which ``POST /v1/tracks`` takes reports.

What it measures, for each size M of ``--sizes`` (1,000 and 10,000 live tracks):

* a synthetic theatre over Syria (latitude 32.3–37.3, longitude 35.7–42.4), drawn from
  ``--seed``: M tracks, each of one of the demo agreement's two parties (IL or TR, half and
  half: the parties are all the agreement has, and only tracks their owners report are paired;
  no unknown objects). Kinds: fixed-wing 25 % at 200–500 kt and 5,000–40,000 ft, UAV 35 % at
  60–200 kt and 2,000–25,000 ft, rotary 10 % at 80–150 kt below 5,000 ft, ground units 30 % at
  0–40 kt and 0–3,000 ft; headings uniform; a third of the fixed-wing and UAVs climb or
  descend at 300–1,000 fpm, the rest fly level. Every track flies a straight line.
* set-up: a fresh SQLite store (WAL, synchronous=FULL, migrated, with the demo agreement) and
  the first report of every track through ``services.tactical.tracks.ingest`` as each party's
  ``system`` user, in batches of 10,000: the tracks' identities are stored and the live
  picture (``services.tactical.picture.Picture``) built as a running line builds it.
* screening cycles: a fixed clock moves 1 s a cycle; every track's new report (its position at
  the new time) goes on the picture by ``Picture.update`` (timed apart), then
  ``services.tactical.encounters.screen`` runs in one transaction of its own by
  ``store.writer.run_now``, with the conflict engine's theatre of the agreement, as the
  server's watch (``tactical.run``) does once a second: track pairs pruned by
  ``geo.pairs.candidates`` (swept boxes in an STRtree) and their DO-365 well-clear levels in
  numpy (``geo.wellclear``); every track's path against the theatre's zones, declared
  positions and notices (``tactical.intrusions``; the bench files none, so those indexes are
  empty); the alerting filter of each pair that alerts or is watched; and the encounters,
  track alerts and events written to the store. ``--pairs-only`` screens without the
  theatre. ``--warm-up`` cycles, then ``--cycles`` timed ones: median, p99 (nearest rank) and
  max of ``screen`` itself (the verdict), and of the whole transaction with its commit to
  disk; per cycle, candidate pairs, alerting pairs (raw level > 0), pairs watched and
  encounters open. The parts are timed alone on the same picture each cycle, before the
  screen: ``encounters.candidates`` (the live rows and ``geo.pairs.candidates`` on them),
  ``wellclear.raw_levels`` on its pairs, ``encounters.sightings`` (both, and the pairs to
  follow) and ``intrusions.sightings``, so that what the screen spends beyond them (filters
  and store) shows.
* baseline: a plain Python loop over cross-party pairs, each worked out alone in Python floats:
  a scalar port, written here, of ``geo.wellclear``'s ``loss_intervals`` and ``raw_levels``
  (DAIDALUS's WCV_TAUMOD with TCOA 0, its tolerance in units in the last place, levels from
  the highest down, returning at the first that fires, and at each level as soon as the
  vertical interval is empty: a fair loop, not a slow one). It runs on ``--baseline`` pairs
  (20,000) drawn uniformly from every IL–TR pair of the last cycle's live tracks, and the time
  is scaled to all of them (n_IL × n_TR). Its levels must equal ``raw_levels`` on the same
  pairs, and on every candidate pair of that cycle (where the non-zero levels are); and every
  sampled pair with a level must be a candidate (the pruning leaves none out). A mismatch
  stops the run. Ratio: the scaled loop over the median screen.
* ingest: ``clearline serve`` (uvicorn, as ``bench/hotline.py`` starts it) on a fresh demo
  store, on loopback; the IL ``system`` user POSTs batches of 10,000 reports of 10,000 IL
  tracks (same kinds; positions to 0.1 m, speeds to 0.1 kt, altitudes to the foot), timed at
  the system clock just before each is sent; the body is encoded before the timer starts. The
  first batch creates the tracks and is shown apart; then ``--batches`` batches, one at a
  time: reports a second = 10,000 / the POST's round trip at the median batch (the slowest is
  in the JSON figures). The server's own watch screens its picture once a second meanwhile,
  as it would (no pairs: all the tracks are IL's). For comparison, in-process on another
  fresh store with a fixed clock: ``TrackBatch.model_validate_json`` of the same kind of body
  (what the endpoint does with it, off the event loop), and ``tracks.ingest`` in its own
  transaction by ``run_now``. The POST less those two is HTTP, FastAPI, the token check, the
  server's writer queue, and any wait behind the watch.

Targets (set at M = 10,000; marked met or not met at every size run): a screening cycle ≤
100 ms (median and p99: 1 Hz holds with room to spare on one core), plain loop / cycle ≥
100×, ingest over HTTP ≥ 50,000 reports/s.

Each timed phase starts after a full garbage collection, with what is then alive frozen out
of the collector's passes (``gc.freeze``), as in ``bench/conflicts.py``: what the timed code
allocates is collected as usual. Figures are from one run on one machine: the load average
before it says whether something else was using the cores.

Time: about 1.5 minutes on 2 cores at the default sizes; the stores (tens of MB) are deleted
at the end. ``--profile N`` also prints the N costliest functions (cProfile, by
own time and by cumulative time) of one more cycle at the largest size.

Run: ``.venv/bin/python bench/tracks.py [--sizes 1000 10000] [--cycles 100] [--warm-up 5]
[--baseline 20000] [--batches 10] [--seed 6962] [--pairs-only] [--no-ingest] [--profile N]
[--json FILE]``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import pstats
import statistics
import struct
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import shapely
from common import (
    Latency,
    Machine,
    Verdicts,
    add_common_options,
    console,
    note,
    parser_for,
    quiet_heap,
    targets_table,
    verdict,
    write_figures,
)
from hotline import clearline_server, cpu_seconds
from numpy.typing import NDArray
from rich.table import Column, Table
from sqlalchemy import Connection
from stores import PARTIES, Store, open_store

from clearline import demo
from clearline.geo.wellclear import raw_levels
from clearline.model.message import ObjectKind
from clearline.model.protocol import Protocol
from clearline.model.track import TrackBatch
from clearline.model.wellclear import FT_M, KNOT_MS, WellClear
from clearline.services.deconfliction import engine, index
from clearline.services.tactical import encounters, intrusions, tracks
from clearline.services.tactical.picture import COLUMNS, Picture, Pictures
from clearline.store import agreements as agreement_store
from clearline.store import database
from clearline.store.schema import encounter_alerts
from clearline.store.schema import encounters as encounter_table
from clearline.store.writer import run_now

TARGET_CYCLE_MS = 100.0
TARGET_RATIO = 100.0
TARGET_INGEST = 50_000.0
SOUTH, NORTH, WEST, EAST = 32.3, 37.3, 35.7, 42.4
M_PER_DEGREE = 111_320.0
BATCH = 10_000
"""Reports a ``POST /v1/tracks`` may carry, and what each batch here carries."""
T0 = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
"""A fixed clock: the theatre, and so every figure but the timings, is the same on any day."""
KINDS: tuple[tuple[ObjectKind, float, tuple[float, float], tuple[float, float]], ...] = (
    # kind, share, speed kt, altitude ft
    (ObjectKind.FIXED_WING, 0.25, (200, 500), (5_000, 40_000)),
    (ObjectKind.UAV, 0.35, (60, 200), (2_000, 25_000)),
    (ObjectKind.ROTARY, 0.10, (80, 150), (0, 5_000)),
    (ObjectKind.GROUND_UNIT, 0.30, (0, 40), (0, 3_000)),
)
CLIMBERS = (ObjectKind.FIXED_WING, ObjectKind.UAV)
CLIMBING = 1 / 3
"""Of the fixed-wing and UAVs, the share climbing or descending (300–1,000 fpm)."""
AGREEMENT = demo.AGREEMENT_ID


# -- the synthetic theatre -------------------------------------------------------------------


@dataclass
class Traffic:
    """Tracks at ``T0`` and their constant velocities; ``state`` flies them on."""

    party: list[str]
    key: list[str]
    kind: list[ObjectKind]
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    alt_ft: NDArray[np.float64]
    east_kt: NDArray[np.float64]
    north_kt: NDArray[np.float64]
    vertical_fpm: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.key)

    def state(self, seconds: float, time_s: float) -> NDArray[np.float64]:
        """Each track's report after ``seconds`` of straight flight on a local flat earth
        (metres per degree at its start), at ``time_s``: rows of the picture's ``COLUMNS``."""
        east_m, north_m = self.east_kt * KNOT_MS * seconds, self.north_kt * KNOT_MS * seconds
        columns = {
            "lat": self.lat + north_m / M_PER_DEGREE,
            "lon": self.lon + east_m / (M_PER_DEGREE * np.cos(np.radians(self.lat))),
            "alt_ft": self.alt_ft + self.vertical_fpm * seconds / 60,
            "east_kt": self.east_kt,
            "north_kt": self.north_kt,
            "vertical_rate_fpm": self.vertical_fpm,
            "time_s": np.full(len(self), time_s),
            "accuracy_m": np.full(len(self), np.nan),
        }
        return np.column_stack([columns[name] for name in COLUMNS])

    def reports(self, seconds: float, when: datetime) -> list[dict[str, Any]]:
        """Reports as a command system sends them, at ``when``: east and north components,
        positions to 1e-6 degree (0.1 m), altitudes and vertical rates to the foot, speeds to
        0.1 kt."""
        state = self.state(seconds, when.timestamp())
        moment = when.isoformat()
        return [
            {
                "track_id": key,
                "kind": kind,
                "lat": round(lat, 6),
                "lon": round(lon, 6),
                "alt_ft": round(alt),
                "east_kt": round(east, 1),
                "north_kt": round(north, 1),
                "vertical_rate_fpm": round(vertical),
                "time": moment,
            }
            for key, kind, (lat, lon, alt, east, north, vertical, *_) in zip(
                self.key, self.kind, state.tolist(), strict=True
            )
        ]


def draw_traffic(rng: np.random.Generator, m: int, parties: tuple[str, ...]) -> Traffic:
    """``m`` tracks over Syria, each of a party drawn uniformly from ``parties``."""
    kind_of = rng.choice(len(KINDS), size=m, p=[share for _, share, _, _ in KINDS])
    speed, alt = np.empty(m), np.empty(m)
    for k, (_, _, (slow, fast), (low, high)) in enumerate(KINDS):
        mine = kind_of == k
        speed[mine] = rng.uniform(slow, fast, mine.sum())
        alt[mine] = rng.uniform(low, high, mine.sum())
    heading = rng.uniform(0, 2 * math.pi, m)
    aircraft = [k for k, (kind, *_) in enumerate(KINDS) if kind in CLIMBERS]
    flying = np.isin(kind_of, aircraft) & (rng.random(m) < CLIMBING)
    vertical = np.where(flying, rng.choice([-1.0, 1.0], m) * rng.uniform(300, 1_000, m), 0.0)
    party_of = rng.integers(len(parties), size=m)
    kinds = [KINDS[k][0] for k in kind_of.tolist()]
    party = [parties[p] for p in party_of.tolist()]
    return Traffic(
        party=party,
        key=[
            f"{p}-{kind.replace('_', '-')}-{n}"
            for n, (p, kind) in enumerate(zip(party, kinds, strict=True))
        ],
        kind=kinds,
        lat=rng.uniform(SOUTH, NORTH, m),
        lon=rng.uniform(WEST, EAST, m),
        alt_ft=alt,
        east_kt=speed * np.sin(heading),
        north_kt=speed * np.cos(heading),
        vertical_fpm=vertical,
    )


# -- the store -------------------------------------------------------------------------------


def ingest_now(
    store: Store, party: str, body: dict[str, Any], now: datetime, pictures: Pictures
) -> int:
    batch = TrackBatch.model_validate(body)
    user = store.users[party]
    return run_now(store.engine, lambda c: tracks.ingest(c, user, batch, now, pictures))


def first_reports(store: Store, traffic: Traffic, pictures: Pictures) -> None:
    """Every track's first report at ``T0`` through ``tracks.ingest``, by party, 10,000 a
    batch: the tracks are stored and put on the picture as a running line does it."""
    reports = traffic.reports(0, T0)
    for party in PARTIES:
        mine = [r for r, p in zip(reports, traffic.party, strict=True) if p == party]
        for start in range(0, len(mine), BATCH):
            ingest_now(store, party, {"reports": mine[start : start + BATCH]}, T0, pictures)


# -- screening cycles ------------------------------------------------------------------------


@dataclass
class Line:
    """What the line holds for one agreement while it screens: the store, the live picture,
    the conflict engine (for the theatre ``screen`` checks tracks against) and the protocol."""

    store: Store
    traffic: Traffic
    picture: Picture
    ids: NDArray[np.int64]
    """The picture's track id of each of ``traffic``'s tracks."""
    conflicts: engine.ConflictEngine
    theatre: index.AgreementIndex
    """The agreement's theatre as the conflict engine holds it (the bench files no notices,
    zones or positions: its indexes are empty)."""
    protocol: Protocol
    pairs_only: bool = False
    """Screen track pairs alone (``screen`` without a theatre), not tracks against it too."""

    def move(self, k: int) -> tuple[datetime, float]:
        """The clock to ``T0 + k`` s and every track's report then onto the picture; the time
        ``Picture.update`` took."""
        now = T0 + timedelta(seconds=k)
        state = self.traffic.state(k, now.timestamp())
        t0 = time.perf_counter()
        self.picture.update(self.ids, state)
        return now, time.perf_counter() - t0

    def screen(self, connection: Connection, now: datetime) -> int:
        """``encounters.screen`` as the watch's ``tactical.run`` calls it (without the
        theatre if ``pairs_only``)."""
        if self.pairs_only:
            return encounters.screen(connection, self.picture, self.protocol, now)
        theatre = self.conflicts.index(connection, AGREEMENT)
        return encounters.screen(connection, self.picture, self.protocol, now, theatre)


@dataclass
class Cycles:
    update_s: list[float] = field(default_factory=list)
    pairs_s: list[float] = field(default_factory=list)
    levels_s: list[float] = field(default_factory=list)
    sightings_s: list[float] = field(default_factory=list)
    intrusions_s: list[float] = field(default_factory=list)
    screen_s: list[float] = field(default_factory=list)
    transaction_s: list[float] = field(default_factory=list)
    candidates: list[int] = field(default_factory=list)
    alerting: list[int] = field(default_factory=list)
    watched: list[int] = field(default_factory=list)
    open: list[int] = field(default_factory=list)


def one_cycle(line: Line, k: int, result: Cycles | None) -> None:
    """Cycle ``k``: the clock at ``T0 + k`` s, every track's report then, the numpy part timed
    alone, then the screen in its transaction; figures into ``result`` (None: warm-up)."""
    picture, protocol = line.picture, line.protocol
    now, update_s = line.move(k)
    now_s = now.timestamp()
    t0 = time.perf_counter()
    _, position, velocity, (i, j) = encounters.candidates(picture, protocol, now_s)
    pairs_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    raw_levels(position[i] - position[j], velocity[i] - velocity[j], protocol.well_clear)
    levels_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    seen = encounters.sightings(picture, protocol, now)
    sightings_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    intrusions.sightings(picture, line.theatre, protocol, now)
    intrusions_s = time.perf_counter() - t0

    def screening(connection: Connection) -> float:
        t0 = time.perf_counter()
        line.screen(connection, now)
        return time.perf_counter() - t0

    t0 = time.perf_counter()
    screen_s = run_now(line.store.engine, screening)
    transaction_s = time.perf_counter() - t0
    database.checkpoint(line.store.engine)  # as the server's watch does after each step
    if result is None:
        return
    result.update_s.append(update_s)
    result.pairs_s.append(pairs_s)
    result.levels_s.append(levels_s)
    result.sightings_s.append(sightings_s)
    result.intrusions_s.append(intrusions_s)
    result.screen_s.append(screen_s)
    result.transaction_s.append(transaction_s)
    result.candidates.append(len(i))
    result.alerting.append(sum(s.raw > 0 for s in seen.values()))
    result.watched.append(len(picture.watches))
    result.open.append(sum(w.encounter_id is not None for w in picture.watches.values()))


def profile_cycle(line: Line, k: int, lines: int) -> str:
    """cProfile of one more screen (its transaction), after the cycle's reports: the top
    ``lines`` functions by own time, then by cumulative time."""
    now, _ = line.move(k)
    profiler = cProfile.Profile()
    profiler.enable()
    run_now(line.store.engine, lambda c: line.screen(c, now))
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(lines)
    stats.sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


# -- the plain loop --------------------------------------------------------------------------

_MAX_ULPS = 16_348
_ZERO = 1e-13
_INT64_MIN = -(2**63)
_DOUBLE = struct.Struct("<d")
_LONG = struct.Struct("<q")
INF = math.inf
Level = tuple[int, float, float, float, float]
"""Alert level, DTHR m, ZTHR m, TTHR s, alerting time s."""


def _ordered(x: float) -> int:
    bits: int = _LONG.unpack(_DOUBLE.pack(x))[0]
    return _INT64_MIN - bits if bits < 0 else bits


def almost_equal(a: float, b: float) -> bool:
    """DAIDALUS's ``Util.almost_equals`` on two floats (as ``geo.wellclear._almost_equal``)."""
    if a == b:
        return True
    if (a == 0 or b == 0) and abs(a) < _ZERO and abs(b) < _ZERO:
        return True
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    return abs(_ordered(a) - _ordered(b)) <= _MAX_ULPS


def almost_less(a: float, b: float) -> bool:
    return a < b and not almost_equal(a, b)


def circle_exit(a: float, b: float, c: float) -> float:
    """Larger root of ``a t^2 + 2 b t + c``; NaN if none."""
    if a == 0:
        return -c / (2 * b) if b != 0 else math.nan
    sqb, ac = b * b, a * c
    if not (sqb > ac or almost_equal(sqb, ac)):
        return math.nan
    return (-b + math.sqrt(max(sqb - ac, 0.0))) / a


def time_in(
    sx: float,
    sy: float,
    sz: float,
    vx: float,
    vy: float,
    vz: float,
    level: Level,
    lookahead: float,
) -> float:
    """When one pair enters a level's volume within the lookahead time; inf if it does not
    (``loss_intervals``' time in, one pair at a time)."""
    _, dthr, zthr, tthr, _ = level
    if almost_equal(vz, 0.0):  # level: inside the band throughout, or never
        if abs(sz) > zthr:
            return INF
        lo, up = 0.0, lookahead
    else:
        direction = 1.0 if vz >= 0 else -1.0
        entry = (-direction * zthr - sz) / vz
        leave = (direction * zthr - sz) / vz
        if entry > lookahead or leave < 0:
            return INF
        lo, up = max(entry, 0.0), min(leave, lookahead)
    if lo > up:
        return INF
    x, y, horizon = sx + lo * vx, sy + lo * vy, up - lo
    sqs, sdotv, sqv, sqd = x * x + y * y, x * vx + y * vy, vx * vx + vy * vy, dthr * dthr
    if sqs <= sqd:  # inside DTHR
        start = 0.0
        if almost_equal(sqv, 0.0):
            end = horizon
        else:
            end = circle_exit(sqv, sdotv, sqs - sqd)
            end = end if end < horizon else horizon
    else:  # heading for a closest approach within DTHR, tau-mod at most TTHR
        if sdotv >= 0:
            return INF
        b = 2 * sdotv + tthr * sqv
        c = sqs + tthr * sdotv - sqd
        discriminant = b * b - 4 * sqv * c
        cross = x * vy - y * vx
        if discriminant < 0 or sqd * sqv - cross * cross < 0:
            return INF
        entry = (-b - math.sqrt(discriminant)) / (2 * sqv)
        if not entry <= horizon:
            return INF
        start = max(entry, 0.0)
        end = circle_exit(sqv, sdotv, sqs - sqd)
        if end != end:  # never meets the circle: no interval (NaN, as numpy's minimum gives)
            return INF
        end = end if end < horizon else horizon
    start, end = start + lo, end + lo
    return start if almost_less(start, end) else INF


def raw_level(
    sx: float,
    sy: float,
    sz: float,
    vx: float,
    vy: float,
    vz: float,
    levels: list[Level],
    lookahead: float,
) -> int:
    """One pair's raw alert level, no level shown before: the highest level that fires."""
    for level in levels:
        t = time_in(sx, sy, sz, vx, vy, vz, level, lookahead)
        if t != INF and (t == 0 or almost_less(t, level[4])):
            return level[0]
    return 0


def loop_levels(
    pairs_ij: list[tuple[int, int]],
    position: list[list[float]],
    velocity: list[list[float]],
    well_clear: WellClear,
) -> list[int]:
    """The plain way: each pair in turn, its relative state and raw level in Python floats."""
    levels = [
        (k, a.volume.horizontal_m, a.volume.vertical_ft * FT_M, a.volume.tau_s, a.alerting_time_s)
        for k, a in reversed(list(enumerate(well_clear.levels, start=1)))
    ]
    lookahead = well_clear.lookahead_s
    found = []
    for i, j in pairs_ij:
        (ax, ay, az), (bx, by, bz) = position[i], position[j]
        (avx, avy, avz), (bvx, bvy, bvz) = velocity[i], velocity[j]
        found.append(
            raw_level(ax - bx, ay - by, az - bz, avx - bvx, avy - bvy, avz - bvz, levels, lookahead)
        )
    return found


@dataclass
class Baseline:
    cross_pairs: int
    sampled: int
    loop_s: float
    per_pair_us: float
    scaled_s: float
    sample_alerting: int
    checked_candidates: int
    candidates_alerting: int


def baseline(
    picture: Picture, protocol: Protocol, now_s: float, sample: int, seed: int
) -> Baseline:
    """The plain loop on ``sample`` IL–TR pairs drawn from the live tracks at ``now_s``, scaled
    to all of them; checked against ``raw_levels`` there and on every candidate pair."""
    well_clear = protocol.well_clear
    rows, position, velocity, (i, j) = encounters.candidates(picture, protocol, now_s)
    owner = picture.owner[rows]
    codes = [picture.codes[p] for p in PARTIES]
    il, tr = np.flatnonzero(owner == codes[0]), np.flatnonzero(owner == codes[1])
    rng = np.random.default_rng([seed, len(owner), 1])
    a, b = rng.choice(il, sample), rng.choice(tr, sample)
    sampled = list(zip(a.tolist(), b.tolist(), strict=True))
    xyz, uvw = position.tolist(), velocity.tolist()
    with quiet_heap():
        t0 = time.perf_counter()
        looped = loop_levels(sampled, xyz, uvw, well_clear)
        loop_s = time.perf_counter() - t0
    vectorised = raw_levels(position[a] - position[b], velocity[a] - velocity[b], well_clear)
    if looped != vectorised.tolist():
        wrong = int((np.array(looped) != vectorised).sum())
        raise SystemExit(f"the plain loop and raw_levels differ on {wrong} of {sample} pairs")
    candidate = set(zip(np.minimum(i, j).tolist(), np.maximum(i, j).tolist(), strict=True))
    missed = [
        (x, y)
        for (x, y), level in zip(sampled, looped, strict=True)
        if level and (min(x, y), max(x, y)) not in candidate
    ]
    if missed:
        raise SystemExit(f"{len(missed)} sampled pairs alert but are not candidates: {missed[:5]}")
    on_candidates = loop_levels(
        list(zip(i.tolist(), j.tolist(), strict=True)), xyz, uvw, well_clear
    )
    vectorised = raw_levels(position[i] - position[j], velocity[i] - velocity[j], well_clear)
    if on_candidates != vectorised.tolist():
        wrong = int((np.array(on_candidates) != vectorised).sum())
        raise SystemExit(f"the plain loop and raw_levels differ on {wrong} of {len(i)} candidates")
    cross = len(il) * len(tr)
    return Baseline(
        cross_pairs=cross,
        sampled=sample,
        loop_s=loop_s,
        per_pair_us=loop_s / sample * 1e6,
        scaled_s=loop_s / sample * cross,
        sample_alerting=sum(level > 0 for level in looped),
        checked_candidates=len(i),
        candidates_alerting=int((vectorised > 0).sum()),
    )


# -- one size --------------------------------------------------------------------------------


@dataclass
class SizeResult:
    tracks: int
    by_party: dict[str, int]
    set_up_s: float
    update: Latency
    pairs: Latency
    levels: Latency
    sightings: Latency
    intrusions: Latency
    screen: Latency
    transaction: Latency
    candidates: float
    alerting: float
    watched: float
    open_encounters: float
    open_at_end: int
    encounters_opened: int
    track_alerts: int
    baseline: Baseline
    ratio: float
    store_mb: float
    seconds: float
    profile: str = ""


def open_line(store: Store, traffic: Traffic, pictures: Pictures, pairs_only: bool) -> Line:
    """The picture the first reports built, the conflict engine's theatre, the protocol."""
    (picture,) = pictures.built()
    conflicts = engine.ConflictEngine()

    def read(connection: Connection) -> tuple[index.AgreementIndex, Protocol]:
        theatre = conflicts.index(connection, AGREEMENT)
        return theatre, agreement_store.protocol_in_force(connection, AGREEMENT, T0)

    theatre, protocol = run_now(store.engine, read)
    ids = np.array(
        [picture.keys[(p, key)] for p, key in zip(traffic.party, traffic.key, strict=True)],
        np.int64,
    )
    return Line(store, traffic, picture, ids, conflicts, theatre, protocol, pairs_only)


def measure(m: int, args: argparse.Namespace, workdir: Path, profile: int) -> SizeResult:
    """Everything at one size, on a store of its own."""
    began = time.perf_counter()
    rng = np.random.default_rng([args.seed, m])
    store = open_store(workdir / f"tracks-{m}.db", T0, "system")
    try:
        note(f"M = {m:,}: first reports through tracks.ingest …")
        traffic = draw_traffic(rng, m, PARTIES)
        pictures = Pictures()
        t0 = time.perf_counter()
        first_reports(store, traffic, pictures)
        set_up_s = time.perf_counter() - t0
        line = open_line(store, traffic, pictures, args.pairs_only)
        note(f"{args.warm_up} warm-up cycles, then {args.cycles} timed …")
        for k in range(1, args.warm_up + 1):
            one_cycle(line, k, None)
        cycles = Cycles()
        last = args.warm_up + args.cycles
        with quiet_heap():
            for k in range(args.warm_up + 1, last + 1):
                one_cycle(line, k, cycles)
        note("the plain loop on a sample of pairs …")
        end_s = (T0 + timedelta(seconds=last)).timestamp()
        base = baseline(line.picture, line.protocol, end_s, args.baseline, args.seed)
        profiled = ""
        if profile:
            note("profiling one more cycle …")
            profiled = profile_cycle(line, last + 1, profile)
        opened, alerts = store.count(encounter_table), store.count(encounter_alerts)
        size_mb = store.megabytes()
    finally:
        store.engine.dispose()
    screen = Latency.of(cycles.screen_s)
    return SizeResult(
        tracks=m,
        by_party={p: traffic.party.count(p) for p in PARTIES},
        set_up_s=set_up_s,
        update=Latency.of(cycles.update_s),
        pairs=Latency.of(cycles.pairs_s),
        levels=Latency.of(cycles.levels_s),
        sightings=Latency.of(cycles.sightings_s),
        intrusions=Latency.of(cycles.intrusions_s),
        screen=screen,
        transaction=Latency.of(cycles.transaction_s),
        candidates=statistics.median(cycles.candidates),
        alerting=statistics.median(cycles.alerting),
        watched=statistics.median(cycles.watched),
        open_encounters=statistics.median(cycles.open),
        open_at_end=cycles.open[-1],
        encounters_opened=opened,
        track_alerts=alerts,
        baseline=base,
        ratio=base.scaled_s / (screen.median_ms / 1e3),
        store_mb=size_mb,
        seconds=time.perf_counter() - began,
        profile=profiled,
    )


# -- ingest ----------------------------------------------------------------------------------


@dataclass
class Ingest:
    body_mb: float
    first_http_s: float
    http: Latency
    http_rate: float
    slowest_rate: float
    server_cpu_pct: float | None
    parse: Latency
    service: Latency
    service_rate: float
    first_service_s: float


def encoded(traffic: Traffic, seconds: float, when: datetime) -> bytes:
    return json.dumps({"reports": traffic.reports(seconds, when)}).encode()


def ingest_in_process(traffic: Traffic, batches: int, workdir: Path) -> tuple[Latency, ...]:
    """Parse + validate, and ``tracks.ingest`` in a transaction, batch by batch (the first,
    which creates the tracks, apart) on a fresh store with a fixed clock."""
    store = open_store(workdir / "ingest.db", T0, "system")
    pictures = Pictures()
    user = store.users[PARTIES[0]]
    parse_s: list[float] = []
    ingest_s: list[float] = []
    first: list[float] = []
    try:
        with quiet_heap():
            for k in range(batches + 1):
                now = T0 + timedelta(seconds=k)
                body = encoded(traffic, k, now)
                t0 = time.perf_counter()
                batch = TrackBatch.model_validate_json(body)

                def ingesting(c: Connection, b: TrackBatch = batch, n: datetime = now) -> int:
                    return tracks.ingest(c, user, b, n, pictures)

                t1 = time.perf_counter()
                run_now(store.engine, ingesting)
                t2 = time.perf_counter()
                database.checkpoint(store.engine)
                (first if k == 0 else ingest_s).append(t2 - t1)
                parse_s.append(t1 - t0)
    finally:
        store.engine.dispose()
    return Latency.of(parse_s), Latency.of(ingest_s), Latency.of(first)


def ingest_over_http(traffic: Traffic, batches: int, workdir: Path) -> Ingest:
    """``POST /v1/tracks`` to a real server, one batch at a time, reports at the system clock;
    with the in-process figures for comparison."""
    note(f"in-process: {batches + 1} batches of {BATCH:,} through tracks.ingest …")
    parse, service, first_service = ingest_in_process(traffic, batches, workdir)
    http_dir = workdir / "http"
    http_dir.mkdir()
    with clearline_server(http_dir) as server:
        note(f"over HTTP: clearline serve on {server.url} (pid {server.pid}) …")
        token = server.tokens[PARTIES[0]]["system"]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        seconds: list[float] = []
        size = 0
        with httpx.Client(base_url=server.url, timeout=60, headers=headers) as client:
            started = time.time()
            cpu0, wall0 = cpu_seconds(server.pid), time.perf_counter()
            with quiet_heap():
                for _ in range(batches + 1):
                    when = datetime.now(UTC)
                    body = encoded(traffic, when.timestamp() - started, when)
                    size = len(body)
                    t0 = time.perf_counter()
                    answer = client.post("/v1/tracks", content=body)
                    seconds.append(time.perf_counter() - t0)
                    if answer.status_code != 200 or answer.json()["accepted"] != BATCH:
                        raise SystemExit(f"POST /v1/tracks: {answer.status_code} {answer.text}")
            cpu1, wall = cpu_seconds(server.pid), time.perf_counter() - wall0
    cpu = None if cpu0 is None or cpu1 is None else (cpu1 - cpu0) / wall * 100
    http = Latency.of(seconds[1:])
    return Ingest(
        body_mb=size / 1e6,
        first_http_s=seconds[0],
        http=http,
        http_rate=BATCH / (http.median_ms / 1e3),
        slowest_rate=BATCH / (http.max_ms / 1e3),
        server_cpu_pct=cpu,
        parse=parse,
        service=service,
        service_rate=BATCH / (service.median_ms / 1e3),
        first_service_s=first_service.median_ms / 1e3,
    )


# -- report ----------------------------------------------------------------------------------


@dataclass
class Setting(Machine):
    sizes: list[int]
    cycles: int
    warm_up: int
    baseline: int
    batches: int
    seed: int
    pairs_only: bool
    well_clear: dict[str, Any] = field(default_factory=lambda: WellClear().model_dump())
    numpy_version: str = np.__version__
    shapely_version: str = shapely.__version__


def verdicts(results: list[SizeResult], ingest: Ingest | None) -> Verdicts:
    found: Verdicts = {}
    for r in results:
        at = f"at M = {r.tracks:,}"
        found |= {
            f"cycle median ≤ {TARGET_CYCLE_MS:g} ms, {at}": verdict(
                f"{r.screen.median_ms:.1f} ms", r.screen.median_ms <= TARGET_CYCLE_MS
            ),
            f"cycle p99 ≤ {TARGET_CYCLE_MS:g} ms, {at}": verdict(
                f"{r.screen.p99_ms:.1f} ms", r.screen.p99_ms <= TARGET_CYCLE_MS
            ),
            f"plain loop / cycle ≥ {TARGET_RATIO:g}×, {at}": verdict(
                f"×{r.ratio:,.0f}", r.ratio >= TARGET_RATIO
            ),
        }
    if ingest is not None:
        found[f"POST /v1/tracks ≥ {TARGET_INGEST:,.0f} reports/s (p50)"] = verdict(
            f"{ingest.http_rate:,.0f} reports/s", ingest.http_rate >= TARGET_INGEST
        )
    return found


def ms3(latency: Latency) -> str:
    """p50 · p99 · max, in ms: two decimals below 10 ms, one above."""
    return " · ".join(
        f"{ms:.2f}" if ms < 10 else f"{ms:,.1f}"
        for ms in (latency.median_ms, latency.p99_ms, latency.max_ms)
    )


def agree(r: SizeResult) -> str:
    b = r.baseline
    return f"yes ({b.sample_alerting} · {b.candidates_alerting:,} of {b.checked_candidates:,})"


ROWS: list[tuple[str, Callable[[SizeResult], str]]] = [
    ("tracks IL · TR", lambda r: " · ".join(f"{n:,}" for n in r.by_party.values())),
    ("first reports (ingest) s", lambda r: f"{r.set_up_s:.2f}"),
    ("Picture.update ms", lambda r: ms3(r.update)),
    ("pairs.candidates ms", lambda r: ms3(r.pairs)),
    ("raw_levels on them ms", lambda r: ms3(r.levels)),
    ("encounters.sightings ms", lambda r: ms3(r.sightings)),
    ("intrusions.sightings ms", lambda r: ms3(r.intrusions)),
    ("screen: the cycle ms", lambda r: ms3(r.screen)),
    ("  with its commit ms", lambda r: ms3(r.transaction)),
    ("cross-party pairs", lambda r: f"{r.baseline.cross_pairs:,}"),
    ("candidate pairs (p50)", lambda r: f"{r.candidates:,.0f}"),
    ("alerting pairs (p50)", lambda r: f"{r.alerting:,.0f}"),
    ("watched · open (p50)", lambda r: f"{r.watched:,.0f} · {r.open_encounters:,.0f}"),
    ("open at end · opened", lambda r: f"{r.open_at_end:,} · {r.encounters_opened:,}"),
    ("track alerts sent", lambda r: f"{r.track_alerts:,}"),
    ("plain loop µs a pair", lambda r: f"{r.baseline.per_pair_us:.2f}"),
    ("  all pairs s (scaled)", lambda r: f"{r.baseline.scaled_s:,.1f}"),
    ("plain loop / cycle p50", lambda r: f"×{r.ratio:,.0f}"),
    ("levels agree (alerting)", agree),
    ("store MB · size took s", lambda r: f"{r.store_mb:,.0f} · {r.seconds:,.0f}"),
]
"""Times in ms are p50 · p99 · max over the timed cycles; counts are per cycle. "Levels agree":
the plain loop gives ``raw_levels``' level on every pair it was checked on (else the run
stops); in brackets, how many of them alert, in the sample and among the candidates."""


def ingest_table(ingest: Ingest) -> Table:
    """Over HTTP, then in-process (parsing, and the service with its commit) for comparison."""
    cpu = "—" if ingest.server_cpu_pct is None else f"{ingest.server_cpu_pct:.0f} %"
    title = f"ingest: {BATCH:,} reports a batch ({ingest.body_mb:.1f} MB), server {cpu} of a core"
    table = Table(Column("", no_wrap=True), "ms p50 · p99 · max", "reports/s", title=title)
    first_http, first_service = ingest.first_http_s * 1e3, ingest.first_service_s * 1e3
    rest = ingest.http.median_ms - ingest.parse.median_ms - ingest.service.median_ms
    table.add_row(
        "POST, first (new tracks)", f"{first_http:,.0f}", f"{BATCH / first_http * 1e3:,.0f}"
    )
    table.add_row("POST /v1/tracks", ms3(ingest.http), f"{ingest.http_rate:,.0f}")
    table.add_row("TrackBatch.model_validate_json", ms3(ingest.parse), f"{rate(ingest.parse):,.0f}")
    table.add_row("tracks.ingest + commit", ms3(ingest.service), f"{ingest.service_rate:,.0f}")
    table.add_row(
        "  first (new tracks)", f"{first_service:,.0f}", f"{BATCH / first_service * 1e3:,.0f}"
    )
    table.add_row("POST less those two", f"{rest:,.0f}", "")
    return table


def rate(latency: Latency) -> float:
    """Reports a second at the median batch."""
    return BATCH / latency.median_ms * 1e3


def report(setting: Setting, results: list[SizeResult], ingest: Ingest | None) -> None:
    s = setting
    levels = s.well_clear["levels"]
    console.print(
        s.describe(f"numpy {s.numpy_version}", f"shapely {s.shapely_version}") + "\n"
        f"{s.warm_up} warm-up + {s.cycles} timed cycles a size · plain loop on {s.baseline:,} "
        f"pairs · {s.batches} batches of {BATCH:,} reports · seed {s.seed} · DO-365 well-clear "
        f"({len(levels)} levels, lookahead {s.well_clear['lookahead_s']:g} s, "
        f"M of N {s.well_clear['m']} of {s.well_clear['n']})\n"
        + (
            "screen: track pairs only (no theatre)"
            if s.pairs_only
            else "screen: track pairs, and tracks against the theatre (no notices, zones or "
            "positions in it), as the server's watch runs it"
        ),
        highlight=False,
    )
    s.warn_if_busy()
    if results:
        sizes = (f"M = {r.tracks:,}" for r in results)
        title = "tactical alerting (ms: p50 · p99 · max)"
        table = Table(Column("", no_wrap=True), *sizes, title=title)
        for label, value in ROWS:
            table.add_row(label, *(value(r) for r in results))
        console.print(table)
    if ingest is not None:
        console.print(ingest_table(ingest))
    console.print(targets_table(verdicts(results, ingest), "targets (set at M = 10,000)"))
    for r in results:
        if r.profile:
            console.print(f"cProfile of one cycle at M = {r.tracks:,}:", highlight=False)
            console.print(r.profile, highlight=False, markup=False, soft_wrap=True)


def figures(setting: Setting, results: list[SizeResult], ingest: Ingest | None) -> dict[str, Any]:
    return {
        "setting": asdict(setting),
        "sizes": [{k: v for k, v in asdict(r).items() if k != "profile"} for r in results],
        "ingest": None if ingest is None else asdict(ingest),
        "targets": verdicts(results, ingest),
    }


# -- main ------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = parser_for(__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000], help="tracks")
    parser.add_argument("--cycles", type=int, default=100, help="timed screening cycles a size")
    parser.add_argument("--warm-up", type=int, default=5, help="untimed cycles before them")
    parser.add_argument("--baseline", type=int, default=20_000, help="pairs the plain loop runs")
    parser.add_argument("--batches", type=int, default=10, help="ingest batches after the first")
    parser.add_argument("--profile", type=int, default=0, help="print N lines of cProfile")
    parser.add_argument(
        "--pairs-only", action="store_true", help="screen without the theatre (no intrusions)"
    )
    parser.add_argument("--no-ingest", action="store_true", help="skip the ingest phase")
    add_common_options(parser, seed=6962)
    args = parser.parse_args()
    args.sizes = sorted(set(args.sizes))
    if not (
        all(100 <= n <= 200_000 for n in args.sizes)
        and 1 <= args.cycles <= 3_600
        and 0 <= args.warm_up <= 600
        and 1 <= args.baseline <= 10_000_000
        and 1 <= args.batches <= 1_000
        and args.profile >= 0
    ):
        parser.error(
            "out of range: sizes 100..200,000, cycles 1..3,600, warm-up 0..600, "
            "baseline 1..10,000,000, batches 1..1,000"
        )
    return args


def main() -> None:
    args = parse_args()
    setting = Setting(
        args.sizes,
        args.cycles,
        args.warm_up,
        args.baseline,
        args.batches,
        args.seed,
        args.pairs_only,
    )
    with tempfile.TemporaryDirectory(prefix="clearline-tracks-bench-") as workdir:
        results = [
            measure(m, args, Path(workdir), args.profile if m == args.sizes[-1] else 0)
            for m in args.sizes
        ]
        ingest = None
        if not args.no_ingest:
            traffic = draw_traffic(np.random.default_rng([args.seed, 0]), BATCH, PARTIES[:1])
            ingest = ingest_over_http(traffic, args.batches, Path(workdir))
    report(setting, results, ingest)
    if args.json is not None:
        write_figures(args.json, figures(setting, results, ingest))


if __name__ == "__main__":
    main()
