"""Loss of well-clear for many pairs at once: DO-365's volume (DTHR, ZTHR, modified tau with
TCOA 0), the time each pair enters it, the alert level it raises, and its closest approach.

Expected values are worked out by hand from the volume's definition (DAIDALUS's reference
encounters are checked end to end in ``tests/services/tactical/test_replay.py``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from clearline.geo import wellclear
from clearline.model.wellclear import FT_M, KNOT_MS, NMI_M, AlertVolume, WellClear

PHASE_ONE = WellClear()
VOLUME = AlertVolume()  # levels 2 and 3: 0.66 nmi, 450 ft, tau-mod 35 s
DTHR = 0.66 * NMI_M
ZTHR = 450 * FT_M
CLOSING = 400 * KNOT_MS  # head-on closure speed, m/s


def head_on(distance_m: float, *, dz_m: float = 0.0, vz_ms: float = 0.0) -> tuple[list, list]:
    """Ownship ``distance_m`` east of the intruder, closing head-on at ``CLOSING``."""
    return [[distance_m, 0.0, dz_m]], [[-CLOSING, 0.0, vz_ms]]


def entry_range(closing: float = CLOSING) -> float:
    """Range at which a head-on pair's modified tau, (DTHR^2 - r^2) / (r * -closing), is TTHR."""
    b = VOLUME.tau_s * closing
    return (b + math.sqrt(b**2 + 4 * DTHR**2)) / 2


def test_a_head_on_pair_enters_at_tau_mod_35_s_and_leaves_past_the_dthr_circle() -> None:
    distance = 10_000.0
    time_in, time_out = wellclear.loss_intervals(*head_on(distance), VOLUME, 180)
    assert time_in == pytest.approx([(distance - entry_range()) / CLOSING], abs=1e-9)
    assert time_out == pytest.approx([(distance + DTHR) / CLOSING], abs=1e-9)


def test_a_pair_already_inside_dthr_and_zthr_is_in_loss_now() -> None:
    time_in, time_out = wellclear.loss_intervals(*head_on(DTHR / 2, dz_m=ZTHR / 2), VOLUME, 180)
    assert time_in == [0.0]
    assert time_out == pytest.approx([(DTHR / 2 + DTHR) / CLOSING])


def test_the_loss_is_cut_at_the_lookahead_time() -> None:
    s, v = [[DTHR / 2, 0, 0]], [[0.1, 0, 0]]  # inside, drifting out in about 6,000 s
    assert wellclear.loss_intervals(s, v, VOLUME, 180) == ([0.0], [180.0])


@pytest.mark.parametrize(
    ("s", "v", "why"),
    [
        ([20_000, 0, 0], [CLOSING, 0, 0], "diverging"),
        ([20_000, DTHR * 1.01, 0], [-CLOSING, 0, 0], "misses DTHR by 1 %"),
        ([20_000, 0, ZTHR + 1], [-CLOSING, 0, 0], "1 m above ZTHR, level"),
        ([200_000, 0, 0], [-CLOSING, 0, 0], "entry beyond the lookahead time"),
        ([DTHR / 2, 0, ZTHR + 300], [-CLOSING, 0, 1.0], "inside DTHR, climbing away"),
    ],
)
def test_no_loss_reads_inf_to_minus_inf(s: list, v: list, why: str) -> None:
    time_in, time_out = wellclear.loss_intervals([s], [v], VOLUME, 180)
    assert (time_in[0], time_out[0]) == (math.inf, -math.inf), why


def test_a_descent_into_the_band_starts_the_loss_when_it_crosses_zthr() -> None:
    """Horizontally inside (standing still), 100 m above ZTHR and closing at 4 m/s vertically."""
    s, v = [[100.0, 0, ZTHR + 100]], [[0.0, 0, -4.0]]
    time_in, time_out = wellclear.loss_intervals(s, v, VOLUME, 180)
    assert time_in == pytest.approx([25.0])
    assert time_out == pytest.approx([25.0 + 2 * ZTHR / 4.0])


def test_the_horizontal_entry_waits_for_the_vertical_one() -> None:
    """Vertically in band only from 30 s on: the horizontal problem starts there."""
    s, v = [[10_000.0, 0, ZTHR + 60]], [[-CLOSING, 0, -2.0]]
    time_in, _ = wellclear.loss_intervals(s, v, VOLUME, 180)
    horizontal_only = (10_000 - entry_range()) / CLOSING
    assert horizontal_only < 30
    assert time_in == pytest.approx([30.0])


def test_pairs_are_independent_rows_of_one_call() -> None:
    rng = np.random.default_rng(3)
    s = rng.uniform(-20_000, 20_000, (2_000, 3)) * [1, 1, 0.05]
    v = rng.uniform(-300, 300, (2_000, 3)) * [1, 1, 0.05]
    time_in, time_out = wellclear.loss_intervals(s, v, VOLUME, 180)
    for i in range(0, 2_000, 97):
        one_in, one_out = wellclear.loss_intervals(s[i], v[i], VOLUME, 180)
        assert (one_in[0], one_out[0]) == (time_in[i], time_out[i])
    assert 0 < np.isfinite(time_in).sum() < 2_000  # some losses, some not


def test_a_hundred_thousand_pairs_are_one_call() -> None:
    s = np.tile([[10_000.0, 0, 0]], (100_000, 1))
    v = np.tile([[-CLOSING, 0, 0]], (100_000, 1))
    levels = wellclear.raw_levels(s, v, PHASE_ONE)
    assert levels.shape == (100_000,)
    assert (levels == levels[0]).all()


def level_at(time_in_s: float, shown: int = -1, dz_m: float = 0.0) -> int:
    """The raw level of a head-on pair entering the volume in ``time_in_s`` seconds."""
    s, v = head_on(entry_range() + time_in_s * CLOSING, dz_m=dz_m)
    return int(wellclear.raw_levels(s, v, PHASE_ONE, [shown])[0])


@pytest.mark.parametrize(
    ("time_in_s", "level"),
    [(0.0, 3), (24.0, 3), (26.0, 2), (54.0, 2), (56.0, 0), (170.0, 0)],
)
def test_the_level_is_the_most_severe_whose_alerting_time_the_entry_beats(
    time_in_s: float, level: int
) -> None:
    """Phase I: warning (3) within 25 s, corrective (2) within 55 s."""
    assert level_at(time_in_s) == level


def test_between_450_and_700_ft_only_the_preventive_level_fires() -> None:
    assert level_at(10.0, dz_m=600 * FT_M) == 1


def test_a_shown_level_stays_until_its_early_alerting_time() -> None:
    """Early alerting times 75 s (level 2) and 55 s (level 3) apply to the level shown."""
    assert level_at(60.0) == 0
    assert level_at(60.0, shown=2) == 2
    assert level_at(60.0, shown=3) == 0
    assert level_at(30.0, shown=3) == 3
    assert level_at(80.0, shown=2) == 0


def test_an_entry_a_hair_before_the_alerting_time_counts_as_at_it() -> None:
    """DAIDALUS compares times to 13 digits: 55 s less 1e-12 s is 55 s, and level 2 does not
    fire (the pair is already inside level 1's 700 ft)."""
    climb = 1.0  # m/s, from below, horizontally inside and still
    for early_by, level in [(1e-12, 1), (1e-9, 2)]:
        s, v = [[0.0, 0, -(ZTHR + (55 - early_by) * climb)]], [[0.0, 0, climb]]
        time_in = wellclear.times_to_volume(s, v, PHASE_ONE)[0, 1]
        assert time_in == pytest.approx(55 - early_by, abs=1e-13)
        assert wellclear.raw_levels(s, v, PHASE_ONE)[0] == level, early_by


def test_times_to_volume_give_one_column_per_level() -> None:
    s, v = head_on(entry_range() + 40 * CLOSING, dz_m=600 * FT_M)
    times = wellclear.times_to_volume(s, v, PHASE_ONE)
    assert times.shape == (1, 3)
    assert times[0, 0] == pytest.approx(40.0)
    assert times[0, 1:].tolist() == [math.inf, math.inf]


def test_closest_approach_of_an_offset_converging_pair() -> None:
    s = [[8_000.0, 600.0, 300.0]]
    v = [[-CLOSING, 0.0, -2.0]]
    cpa = wellclear.closest_approach(s, v, PHASE_ONE)
    tcpa = 8_000 / CLOSING
    assert cpa.horizontal_separation_m == pytest.approx([math.hypot(8_000, 600)])
    assert cpa.vertical_separation_m == pytest.approx([300.0])
    assert cpa.horizontal_closure_ms == pytest.approx([CLOSING])
    assert cpa.vertical_closure_ms == pytest.approx([2.0])
    assert cpa.tcpa_s == pytest.approx([tcpa])
    assert cpa.dcpa_m == pytest.approx([600.0])
    assert cpa.hmd_m == pytest.approx([600.0])
    assert cpa.tcoa_s == pytest.approx([150.0])
    assert cpa.vmd_m == pytest.approx([0.0])  # co-altitude within the lookahead
    r2 = 8_000**2 + 600**2
    assert cpa.tau_mod_s == pytest.approx([(DTHR**2 - r2) / (8_000 * -CLOSING)])


def test_closest_approach_beyond_the_lookahead_and_of_a_diverging_pair() -> None:
    s = [[200_000.0, 1_000.0, 500.0], [5_000.0, 0.0, 100.0]]
    v = [[-CLOSING, 0.0, -1.0], [CLOSING, 0.0, 1.0]]
    cpa = wellclear.closest_approach(s, v, PHASE_ONE)
    assert cpa.hmd_m[0] == pytest.approx(math.hypot(200_000 - 180 * CLOSING, 1_000))
    assert cpa.vmd_m[0] == pytest.approx(500 - 180)  # co-altitude after 500 s
    assert cpa.tcpa_s[1] == 0 and cpa.dcpa_m[1] == pytest.approx(5_000.0)
    assert cpa.hmd_m[1] == pytest.approx(5_000.0)
    assert np.isnan(cpa.tcoa_s[1]) and np.isnan(cpa.tau_mod_s[1])
    level = wellclear.closest_approach([[1.0, 0, 0]], [[1.0, 0, 0]], PHASE_ONE)
    assert np.isnan(level.tcoa_s[0])  # no vertical closure: no co-altitude
