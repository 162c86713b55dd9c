"""Loss of well-clear, DO-365's way, computed as NASA's DAIDALUS v2 computes it, for many pairs
at once.

Each pair is a relative position ``s`` and velocity ``v`` (ownship minus intruder) in metres and
metres per second, east/north/up, in the frame of ``geo.tangent``. Rows of an ``(n, 3)`` array
are pairs: a live screening hands in 10^5 of them per call, so every function here is written
over whole arrays, with masks where DAIDALUS branches, and never loops over pairs.

DAIDALUS compares floating-point times with a tolerance (``Util.almost_equals``: 16,348 units in
the last place, or both within 1e-13 of zero). An alert level switches on or off exactly when a
time crosses a threshold, so the same tolerance is used here: a pair at the edge of its
alerting time gets the level DAIDALUS gives it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from clearline.model.wellclear import FT_M, AlertLevel, AlertVolume, WellClear

Array = NDArray[np.float64]

_MAX_ULPS = 16_348
"""DAIDALUS's ``PRECISION13``: about 13 significant digits."""
_ZERO = 1e-13
"""Two numbers this close to zero are equal, whatever their units in the last place."""


@dataclass(frozen=True)
class ClosestApproach:
    """What DAIDALUS's alerting report prints for each pair, in metres, m/s and seconds.

    Closure rates are the norms of the relative velocity (never negative); ``tcpa_s`` is
    clipped at 0 for diverging pairs and ``dcpa_m`` is the distance then; ``hmd_m`` and
    ``vmd_m`` are the miss distances within the lookahead time; ``tcoa_s`` is NaN unless the
    pair reaches co-altitude ahead; ``tau_mod_s`` is NaN unless the pair closes horizontally.
    """

    horizontal_separation_m: Array
    vertical_separation_m: Array
    horizontal_closure_ms: Array
    vertical_closure_ms: Array
    hmd_m: Array
    vmd_m: Array
    tcpa_s: Array
    dcpa_m: Array
    tcoa_s: Array
    tau_mod_s: Array


def loss_intervals(
    s: ArrayLike, v: ArrayLike, volume: AlertVolume, lookahead_s: float
) -> tuple[Array, Array]:
    """When each pair is inside ``volume`` within ``[0, lookahead_s]``: (time in, time out).

    A pair with no loss gets ``(inf, -inf)``. The volume is DAIDALUS's WCV_TAUMOD with a time to
    co-altitude of 0: vertically ``|sz| <= ZTHR``; horizontally inside DTHR, or heading for a
    closest approach within DTHR with a modified tau of at most TTHR.
    """
    s, v = _pairs(s), _pairs(v)
    lo, up = _vertical_interval(s[:, 2], v[:, 2], volume.vertical_ft * FT_M, lookahead_s)
    start = s[:, :2] + lo[:, None] * v[:, :2]
    time_in, time_out = _horizontal_interval(start, v[:, :2], volume, up - lo)
    time_in, time_out = time_in + lo, time_out + lo
    # Where the vertical interval is empty (lo > up) the horizontal answer means nothing; a
    # single instant (lo ~ up) leaves time in ~ time out, which is no loss, as in DAIDALUS.
    loss = (lo <= up) & _almost_less(time_in, time_out)
    return np.where(loss, time_in, np.inf), np.where(loss, time_out, -np.inf)


def times_to_volume(s: ArrayLike, v: ArrayLike, well_clear: WellClear) -> Array:
    """Time to the volume of each alert level, ``(n, levels)``, inf where none is entered
    within the lookahead time (DAIDALUS's "Time to Volume of Alert(k)")."""
    s, v = _pairs(s), _pairs(v)
    return np.column_stack(
        [
            loss_intervals(s, v, level.volume, well_clear.lookahead_s)[0]
            for level in well_clear.levels
        ]
    )


def raw_levels(
    s: ArrayLike, v: ArrayLike, well_clear: WellClear, shown: ArrayLike | None = None
) -> NDArray[np.int_]:
    """The raw alert level of each pair (0 none, 1 preventive, 2 corrective, 3 warning).

    The level is the highest one whose volume the pair is in now, or will enter before that
    level's alerting time. ``shown`` is the level each pair was shown at the previous step (-1
    or omitted when none): for a level already shown, its longer early alerting time applies,
    so that a shown alert does not drop out at the edge of its alerting time.
    """
    return levels(times_to_volume(s, v, well_clear), well_clear, shown)


def levels(
    time_in: Array, well_clear: WellClear, shown: ArrayLike | None = None
) -> NDArray[np.int_]:
    """The raw alert level from each pair's time to the volume of each level (``(n, levels)``,
    inf where none): what ``raw_levels`` does once the volumes are entered, and what a track
    heading into a zone or a declared position gets, with one entry time for every level."""
    previous = np.full(len(time_in), -1) if shown is None else np.asarray(shown)
    level = np.zeros(len(time_in), dtype=np.int_)
    for k, alert in enumerate(well_clear.levels, start=1):
        fires = _fires(time_in[:, k - 1], _alerting_time(alert, previous == k))
        level = np.where(fires, k, level)
    return level


def closest_approach(s: ArrayLike, v: ArrayLike, well_clear: WellClear) -> ClosestApproach:
    """Separations, closure rates and straight-line closest approach of each pair.

    Tau-mod is taken with the corrective level's DTHR (level 2, or the last level of a shorter
    alerter), as DAIDALUS's report does; miss distances look ``well_clear.lookahead_s`` ahead.
    """
    s, v = _pairs(s), _pairs(v)
    s2, v2, sz, vz = s[:, :2], v[:, :2], s[:, 2], v[:, 2]
    sdotv, sqv = _dot(s2, v2), _dot(v2, v2)
    lookahead = well_clear.lookahead_s
    with np.errstate(divide="ignore", invalid="ignore"):
        tcpa = np.where(sqv != 0, -sdotv / sqv, 0.0)
        coalt = np.where(vz != 0, -sz / vz, np.nan)
        dthr = _corrective(well_clear).volume.horizontal_m
        tau_mod = np.where(sdotv < 0, (dthr**2 - _dot(s2, s2)) / sdotv, np.nan)
    hmd_time = np.where(sdotv < 0, np.minimum(tcpa, lookahead), 0.0)
    tcpa = np.maximum(tcpa, 0.0)
    converging = sz * vz < 0
    vmd = np.where(converging, np.abs(sz + lookahead * vz), np.abs(sz))
    return ClosestApproach(
        horizontal_separation_m=_norm(s2),
        vertical_separation_m=np.abs(sz),
        horizontal_closure_ms=_norm(v2),
        vertical_closure_ms=np.abs(vz),
        hmd_m=_norm(s2 + hmd_time[:, None] * v2),
        vmd_m=np.where(converging & (coalt <= lookahead), 0.0, vmd),
        tcpa_s=tcpa,
        dcpa_m=_norm(s2 + tcpa[:, None] * v2),
        tcoa_s=np.where(coalt >= 0, coalt, np.nan),
        tau_mod_s=tau_mod,
    )


def _fires(time_in: Array, alerting_time: Array) -> NDArray[np.bool_]:
    """DAIDALUS's ``conflictBefore``: a loss now (intervals are cut at 0), or one entered
    before the alerting time."""
    return np.isfinite(time_in) & ((time_in == 0) | _almost_less(time_in, alerting_time))


def _alerting_time(alert: AlertLevel, early: NDArray[np.bool_]) -> Array:
    return np.where(early, alert.early_alerting_time_s, alert.alerting_time_s)


def _corrective(well_clear: WellClear) -> AlertLevel:
    return well_clear.levels[min(1, len(well_clear.levels) - 1)]


def _vertical_interval(sz: Array, vz: Array, zthr: float, lookahead: float) -> tuple[Array, Array]:
    """Times in ``[0, lookahead]`` with ``|sz + t vz| <= zthr`` (TCOA 0); ``lo > up`` if none."""
    level = _almost_equal(vz, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        direction = np.where(vz >= 0, 1.0, -1.0)
        entry = (-direction * zthr - sz) / vz
        leave = (direction * zthr - sz) / vz
    crossing = ~level & (entry <= lookahead) & (leave >= 0)
    always = level & (np.abs(sz) <= zthr)
    lo = np.where(always, 0.0, np.where(crossing, np.maximum(entry, 0.0), lookahead))
    up = np.where(always, lookahead, np.where(crossing, np.minimum(leave, lookahead), 0.0))
    return lo, up


def _horizontal_interval(
    s: Array, v: Array, volume: AlertVolume, horizon: Array
) -> tuple[Array, Array]:
    """WCV_TAUMOD's horizontal interval within ``[0, horizon]``, from horizontal ``s``, ``v``.

    No loss reads ``(horizon, 0)``, as in DAIDALUS; the caller keeps only ``time_in < time_out``.
    """
    dthr, tthr = volume.horizontal_m, volume.tau_s
    sqs, sdotv, sqv = _dot(s, s), _dot(s, v), _dot(v, v)
    sqd = dthr**2
    leave = _circle_exit(sqv, sdotv, sqs - sqd)
    inside = sqs <= sqd
    still = _almost_equal(sqv, 0.0)
    b = 2 * sdotv + tthr * sqv
    c = sqs + tthr * sdotv - sqd
    discriminant = b**2 - 4 * sqv * c
    with np.errstate(divide="ignore", invalid="ignore"):
        entry = (-b - np.sqrt(np.maximum(discriminant, 0.0))) / (2 * sqv)
    reaches = sqd * sqv - _cross(s, v) ** 2 >= 0
    approaching = ~inside & (sdotv < 0) & (discriminant >= 0) & reaches & (entry <= horizon)
    time_in = np.where(inside, 0.0, np.where(approaching, np.maximum(entry, 0.0), horizon))
    time_out = np.where(
        inside & still,
        horizon,
        np.where(inside | approaching, np.minimum(horizon, leave), 0.0),
    )
    return time_in, time_out


def _circle_exit(a: Array, b: Array, c: Array) -> Array:
    """When ``s + t v`` leaves the DTHR circle: larger root of ``a t^2 + 2 b t + c``
    (DAIDALUS's ``Theta_D`` with ``root2b``); NaN if it never meets the circle."""
    sqb, ac = b**2, a * c
    real = _almost_equal(sqb, ac) | (sqb > ac)
    with np.errstate(divide="ignore", invalid="ignore"):
        quadratic = np.where(real, (-b + np.sqrt(np.maximum(sqb - ac, 0.0))) / a, np.nan)
        linear = np.where(b != 0, -c / (2 * b), np.nan)
    return np.where(a == 0, linear, quadratic)


def _almost_equal(a: ArrayLike, b: ArrayLike) -> NDArray[np.bool_]:
    """DAIDALUS's ``Util.almost_equals`` with its default precision, element by element.

    Doubles are compared by their distance in units in the last place (their bit patterns,
    made monotonic, as integers); two values both within 1e-13 of zero are equal; NaN and
    infinities equal nothing but themselves.
    """
    a, b = np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
    a_bits, b_bits = _ordered_bits(a), _ordered_bits(b)
    with np.errstate(over="ignore"):
        ulps = np.abs(a_bits - b_bits)
    near_zero = ((a == 0) | (b == 0)) & (np.abs(a) < _ZERO) & (np.abs(b) < _ZERO)
    comparable = np.isfinite(a) & np.isfinite(b) & (ulps <= _MAX_ULPS)
    result: NDArray[np.bool_] = (a == b) | near_zero | comparable
    return result


def _ordered_bits(x: Array) -> NDArray[np.int64]:
    bits = np.ascontiguousarray(x).view(np.int64)
    return np.where(bits < 0, np.iinfo(np.int64).min - bits, bits)


def _almost_less(a: ArrayLike, b: ArrayLike) -> NDArray[np.bool_]:
    result: NDArray[np.bool_] = ~_almost_equal(a, b) & (np.asarray(a) < np.asarray(b))
    return result


def _pairs(x: ArrayLike) -> Array:
    pairs = np.atleast_2d(np.asarray(x, dtype=np.float64))
    if pairs.ndim != 2 or pairs.shape[1] != 3:
        raise ValueError(f"pairs must have shape (n, 3), not {pairs.shape}")
    return pairs


def _dot(a: Array, b: Array) -> Array:
    return np.einsum("ij,ij->i", a, b)


def _cross(a: Array, b: Array) -> Array:
    return a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]


def _norm(a: Array) -> Array:
    return np.sqrt(_dot(a, a))
