"""Conformance with NASA's DAIDALUS: every reference encounter replayed, raw and filtered, gives
DaidalusAlerting's report: the same alert level at every step, the time to each level's volume
within 1e-4 s, and every other column within 1e-5 of the report's units (nmi, ft, knot, fpm, s;
the report prints 6 decimals).

Also: reading DAIDALUS's ``.daa`` and ``.conf`` files, and writing a ``.daa`` of the line's own
tracks that replays the same.
"""

from __future__ import annotations

import io
import math
import re
from itertools import pairwise
from pathlib import Path

import pytest

from clearline.model.wellclear import FT_M, KNOT_MS, WellClear
from clearline.services.tactical import replay
from tests.support.daidalus import CONF, DATA, differences, expected_report, report

ENCOUNTERS = sorted(path.stem for path in (DATA / "scenarios").glob("*.daa"))


def test_every_encounter_has_both_expected_reports() -> None:
    assert len(ENCOUNTERS) >= 4
    for encounter in ENCOUNTERS:
        assert expected_report(encounter, raw=True) and expected_report(encounter, raw=False)


@pytest.mark.parametrize("raw", [False, True], ids=["filtered", "raw"])
@pytest.mark.parametrize("encounter", ENCOUNTERS)
def test_the_replay_is_daidalus_alerting(encounter: str, raw: bool) -> None:
    well_clear = replay.read_conf(CONF)
    steps = replay.read_daa(DATA / "scenarios" / f"{encounter}.daa")
    rows = replay.replay(steps, well_clear.raw() if raw else well_clear)
    expected = expected_report(encounter, raw)
    assert len(rows) == len(expected.splitlines()) - 2 > 100
    assert differences(report(rows), expected) == []


def changes(rows: list[replay.AlertingRow]) -> list[tuple[float, int]]:
    """(time, new level) wherever the level changes."""
    return [(b.time_s, b.alert_level) for a, b in pairwise(rows) if a.alert_level != b.alert_level]


def test_the_filter_raises_a_step_late_and_drops_two_steps_late() -> None:
    """H1 as DAIDALUS reports it: with 2 of 4, a level shows once two steps had it, and stays
    while two of the last four had it (the warning lasts until 206 s, the raw one 204 s)."""
    steps = replay.read_daa(DATA / "scenarios" / "H1.daa")
    well_clear = replay.read_conf(CONF)
    assert changes(replay.replay(steps, well_clear.raw())) == [(111, 2), (141, 3), (204, 0)]
    assert changes(replay.replay(steps, well_clear)) == [(112, 2), (142, 3), (206, 0)]


def test_the_reference_conf_is_do_365_phase_one() -> None:
    assert replay.read_conf(CONF) == WellClear()


def conf_without(tmp_path: Path, key: str, replacement: str | None = None) -> Path:
    lines = [line for line in CONF.read_text().splitlines() if not line.startswith(f"{key} ")]
    path = tmp_path / "edited.conf"
    path.write_text("\n".join([*lines, *([replacement] if replacement else [])]) + "\n")
    return path


@pytest.mark.parametrize(
    "key",
    [
        "DWC_Phase_I_alert_2_early_alerting_time",
        "DWC_Phase_I_alert_3_detector",
        "DWC_Phase_I_det_1_WCV_DTHR",
        "DWC_Phase_I_det_3_WCV_ZTHR",
        "DWC_Phase_I_det_2_WCV_TTHR",
        "lookahead_time",
        "alerting_m",
        "alerting_n",
        "hysteresis_time",
        "persistence_time",
    ],
)
def test_a_conf_missing_a_key_is_refused_naming_it(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match=key):
        replay.read_conf(conf_without(tmp_path, key))


@pytest.mark.parametrize(
    ("key", "line"),
    [
        ("lookahead_time", "lookahead_time = 180.0 [nmi]"),
        ("DWC_Phase_I_det_1_WCV_ZTHR", "DWC_Phase_I_det_1_WCV_ZTHR = 700.0 [furlong]"),
        ("DWC_Phase_I_det_1_WCV_TCOA", "DWC_Phase_I_det_1_WCV_TCOA = 20.0 [s]"),
        (
            "DWC_Phase_I_load_core_detection_det_2",
            "DWC_Phase_I_load_core_detection_det_2 = gov.nasa.larcfm.ACCoRD.CDCylinder",
        ),
        ("hysteresis_time", "hysteresis_time = soon [s]"),
    ],
)
def test_a_conf_this_alerting_cannot_follow_is_refused_naming_the_key(
    tmp_path: Path, key: str, line: str
) -> None:
    with pytest.raises(ValueError, match=key):
        replay.read_conf(conf_without(tmp_path, key, line))


def test_a_conf_without_the_alerter_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.conf"
    path.write_text("lookahead_time = 180.0 [s]\n")
    with pytest.raises(ValueError, match="DWC_Phase_I_alert_1_alerting_time"):
        replay.read_conf(path)


def test_both_daa_layouts_read_as_degrees_metres_and_metres_per_second() -> None:
    """H1 gives east/north components in knots, C0 track and ground speed; both give fpm."""
    h1 = replay.read_daa(DATA / "scenarios" / "H1.daa")
    c0 = replay.read_daa(DATA / "scenarios" / "C0_0_120.daa")
    assert len(h1) == 230 and len(c0) == 121
    own, (intruder,) = h1[0].ownship, h1[0].traffic
    assert (own.name, intruder.name, h1[1].time_s) == ("Ownship", "Intruder", 1.0)
    assert own.alt_m == pytest.approx(17_000 * FT_M)
    assert (own.track_deg, own.ground_speed_ms) == (0.0, pytest.approx(200 * KNOT_MS))
    assert intruder.track_deg == pytest.approx(180.0)
    assert intruder.ground_speed_ms == pytest.approx(600 * KNOT_MS)
    assert c0[0].ownship.lat_deg == 40.588997
    assert (c0[0].traffic[0].track_deg, c0[0].traffic[0].ground_speed_ms) == (
        90.0,
        pytest.approx(120 * KNOT_MS),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no header"),
        ("NAME lat lon alt time\n", "header lacks trk, gs, vs"),
        ("NAME lat lon trk gs vs time\n", "header lacks alt"),
        (
            "NAME lat lon alt trk gs vs time\nown 1 2 3 4 5 6 0\nint 1 2 x 4 5 6 0\n",
            "line 3: alt 'x'",
        ),
        ("NAME lat lon alt trk gs vs time\nown 1 2 3 4 5 6\n", "line 2: 7 fields for 8"),
        (
            "NAME lat lon alt trk gs vs time\n[none] [deg] [deg] [knot] [deg] [knot] [fpm] [s]\n",
            "line 2: unit [knot]",
        ),
    ],
)
def test_a_daa_that_cannot_be_read_is_refused_naming_the_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.daa"
    path.write_text(text)
    with pytest.raises(ValueError, match=re.escape(message)):
        replay.read_daa(path)


def test_a_written_daa_replays_the_same_with_another_intruder(tmp_path: Path) -> None:
    """The line's export: the C0 encounter plus an intruder 2,000 ft above, written and read
    back, alerts C0's intruder as DAIDALUS did and never the other."""
    states = []
    for step in replay.read_daa(DATA / "scenarios" / "C0_0_120.daa"):
        intruder = step.traffic[0]
        for name, aircraft, climb_ft in [
            ("Ownship", step.ownship, 0),
            ("Intruder", intruder, 0),
            ("Above", intruder, 2_000),
        ]:
            states.append(
                (
                    step.time_s,
                    name,
                    aircraft.lat_deg,
                    aircraft.lon_deg,
                    aircraft.alt_m / FT_M + climb_ft,
                    aircraft.track_deg,
                    aircraft.ground_speed_ms / KNOT_MS,
                    aircraft.vertical_speed_ms * 60 / FT_M,
                )
            )
    path = tmp_path / "export.daa"
    with path.open("w") as out:
        replay.write_daa(states, out)
    rows = replay.replay(replay.read_daa(path), WellClear())
    assert [row.traffic for row in rows[:2]] == ["Intruder", "Above"]
    ours = report([row for row in rows if row.traffic == "Intruder"])
    assert differences(ours, expected_report("C0_0_120", raw=False)) == []
    assert {row.alert_level for row in rows if row.traffic == "Above"} == {0}


def test_a_name_the_daa_format_cannot_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="name"):
        replay.write_daa([(0.0, "Viper 1", 34.0, 38.0, 15_000, 90, 400, 0)], io.StringIO())


def test_infinite_times_and_missing_tcoa_and_tau_mod_print_as_daidalus_prints_them() -> None:
    row = replay.AlertingRow(
        time_s=3.0,
        ownship="Ownship",
        traffic="Intruder",
        alerter=1,
        alert_level=0,
        time_to_volume_s=(math.inf, 12.5, -0.0),
        horizontal_separation_m=1_852.0,
        vertical_separation_m=0.0,
        horizontal_closure_ms=KNOT_MS,
        vertical_closure_ms=0.0,
        hmd_m=1e-9,
        vmd_m=0.0,
        tcpa_s=0.0,
        dcpa_m=0.0,
        tcoa_s=math.nan,
        tau_mod_s=-4.0,
    )
    line = report([row]).splitlines()[2]
    assert line == (
        "3.0, Ownship, Intruder, 1, 0, infty, 12.5, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, , "
    )
