"""Screening, through the running line on both back-ends: each source of conflict and what
both sides are told.

Sources, as the brief names them: (a) other parties' volumes closer than the separation minima,
(b) zones whose rule a notice breaks, (c) declared positions within the standoff of a strike,
(d) deconfliction lines crossed without an approved crossing request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from pyproj import Geod

from clearline.geo.volumes import _OUTSIDE
from tests.conftest import Line
from tests.support.theatre import CENTRE, PALMYRA, T4, at, circle, filed, notice, square, volume

GEOD = Geod(ellps="WGS84")


def alerts(line: Line, party: str) -> list[dict[str, Any]]:
    found = line.get(party, "/v1/messages", box="inbox", type="conflict_alert").json()
    return list(found["messages"])


def toward(point: tuple[float, float], azimuth: float, metres: float) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(point[0], point[1], azimuth, metres)
    return lon, lat


def east_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    return toward(point, 90, metres)


# --- (a) other parties' volumes --------------------------------------------------------------


def test_two_parties_planning_the_same_airspace_are_both_told_in_their_own_language(
    line: Line,
) -> None:
    ours = filed(line, "IL", notice("uav_flight", volume(circle(PALMYRA))))
    theirs = filed(line, "TR", notice("air_patrol", volume(circle(east_of(PALMYRA, 15_000)))))
    (conflict,) = line.conflicts("IL")
    assert conflict["source"] == "volumes"
    assert set(conflict["parties"]) == {"IL", "TR"}
    assert {conflict["a"]["notice_id"], conflict["b"]["notice_id"]} == {ours["id"], theirs["id"]}
    assert conflict["region"]["type"] in ("Polygon", "MultiPolygon")
    window = [datetime.fromisoformat(conflict[k]) for k in ("window_start", "window_end")]
    assert window == [datetime.fromisoformat(at(2)), datetime.fromisoformat(at(4))]
    assert line.conflicts("TR")[0]["id"] == conflict["id"]
    (il_alert,), (tr_alert,) = alerts(line, "IL"), alerts(line, "TR")
    assert il_alert["id"] == tr_alert["id"]  # one alert on the IL–TR line, to both sides
    assert il_alert["body"]["conflict_id"] == conflict["id"]
    assert (il_alert["rendered"]["language"], tr_alert["rendered"]["language"]) == ("he", "tr")
    assert il_alert["rendered"]["direction"] == "rtl"


def test_a_party_never_conflicts_with_itself(line: Line) -> None:
    filed(line, "IL", notice("uav_flight", volume()))
    filed(line, "IL", notice("air_strike", volume()))
    assert line.conflicts("IL") == []


@pytest.mark.parametrize(("gap_s", "conflict"), [(0, True), (299, True), (300, True), (301, False)])
def test_time_separation_is_lost_at_five_minutes_or_less(
    line: Line, gap_s: int, conflict: bool
) -> None:
    filed(line, "IL", notice("uav_flight", volume(start=2, hours=1)))
    later = volume(start=3 + gap_s / 3_600, hours=1)
    filed(line, "TR", notice("uav_flight", later))
    assert bool(line.conflicts("IL")) is conflict


@pytest.mark.parametrize(
    ("lower", "conflict"), [(15_000, True), (16_000, True), (16_001, False), ("FL161", False)]
)
def test_vertical_separation_is_lost_at_a_thousand_feet_or_less(
    line: Line, lower: float | str, conflict: bool
) -> None:
    filed(line, "IL", notice("uav_flight", volume(lower=0, upper=15_000)))
    filed(line, "TR", notice("uav_flight", volume(lower=lower, upper=30_000)))
    assert bool(line.conflicts("IL")) is conflict


@pytest.mark.parametrize(("offset_m", "conflict"), [(-1, True), (0, True), (1, False)])
def test_horizontal_separation_is_lost_at_five_kilometres_or_less(
    line: Line, offset_m: float, conflict: bool
) -> None:
    """Two discs of 1 km radius on either side of the theatre's centre, their edges 5 km apart
    (plus the offset). Distances through the centre of the azimuthal equidistant projection are
    exact, so the minimum is met to the millimetre; elsewhere the projection is within 0.1 %.
    Discs are circumscribed polygons, their vertices due east and west 0.0075 % further out."""
    edge = 1_000 * _OUTSIDE
    here = {"type": "Point", "coordinates": list(toward(CENTRE, 270, 2_500 + edge))}
    far = 2_500 + edge + offset_m
    there = {"type": "Point", "coordinates": list(toward(CENTRE, 90, far))}
    filed(line, "IL", notice("uav_flight", volume(here, radius_m=1_000)))
    filed(line, "TR", notice("uav_flight", volume(there, radius_m=1_000)))
    assert bool(line.conflicts("IL")) is conflict


def test_a_notice_is_checked_in_bulk_against_every_volume_it_has(line: Line) -> None:
    """Three volumes, two of them clashing with two different TR notices: two conflicts."""
    far = square(41.0, 36.5)
    first = filed(line, "TR", notice("uav_flight", volume(circle(PALMYRA))))
    second = filed(line, "TR", notice("uav_flight", volume(circle(T4))))
    filed(
        line, "IL", notice("air_patrol", volume(circle(PALMYRA)), volume(circle(T4)), volume(far))
    )
    others = {c["b"]["notice_id"] for c in line.conflicts("IL")}
    assert others == {first["id"], second["id"]}


# --- (b) zones ----------------------------------------------------------------------------------


def red_line(**rule: Any) -> dict[str, Any]:
    """Israel's red line around T4: no foreign air defence or radar within 60 km."""
    return {
        "name": "T4 red line",
        "kind": "red_line_zone",
        "owner": "IL",
        "geometry": circle(T4, 60_000),
        "rule": {"kinds": ["air_defence_deployment", "radar_ew_emission"], **rule},
    }


def test_an_air_defence_deployment_across_a_red_line_is_a_conflict_at_the_zones_severity(
    line: Line,
) -> None:
    zone = line.post("IL", "/v1/zones", "liaison_officer", json=red_line(severity="critical"))
    assert zone.status_code == 201, zone.text
    filed(line, "TR", notice("air_defence_deployment", volume(circle(east_of(T4, 40_000), 3_000))))
    (conflict,) = line.conflicts("TR")
    assert (conflict["source"], conflict["severity"]) == ("zone", "critical")
    assert conflict["b"]["zone_id"] == zone.json()["id"]
    (alert,) = alerts(line, "TR")
    assert alert["precedence"] == "FLASH"


def test_a_zones_rule_names_the_kinds_and_parties_it_applies_to(line: Line) -> None:
    line.post("IL", "/v1/zones", "liaison_officer", json=red_line())
    filed(line, "TR", notice("uav_flight", volume(circle(T4, 3_000))))  # not in the rule
    owners = volume(circle(T4, 3_000), start=80)  # later than TR's, by the lead time
    filed(line, "IL", notice("air_defence_deployment", owners))  # the owner
    assert line.conflicts("TR") == [] and line.conflicts("IL") == []


def test_a_zone_added_later_finds_the_notices_already_filed(line: Line) -> None:
    filed(line, "TR", notice("radar_ew_emission", volume(circle(T4, 3_000))))
    assert line.conflicts("TR") == []
    line.post("IL", "/v1/zones", "liaison_officer", json=red_line())
    assert [c["source"] for c in line.conflicts("TR")] == ["zone"]


def test_a_zone_is_a_band_of_altitude(line: Line) -> None:
    low = {**red_line(), "alt_upper_ft": 5_000}
    line.post("IL", "/v1/zones", "liaison_officer", json=low)
    filed(
        line, "TR", notice("air_defence_deployment", volume(circle(T4), lower=5_001, upper=9_000))
    )
    assert line.conflicts("TR") == []


# --- (c) declared positions -------------------------------------------------------------------


def declare(line: Line, party: str, lon: float, lat: float) -> dict[str, Any]:
    answer = line.post(
        party, "/v1/positions", json={"name": "T4", "kind": "base", "lat": lat, "lon": lon}
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_a_strike_near_the_other_sides_declared_forces_is_a_conflict(line: Line) -> None:
    base = declare(line, "TR", *T4)
    near = circle(east_of(T4, 4_000), 500)
    filed(line, "IL", notice("air_strike", volume(near, start=1)))
    (conflict,) = line.conflicts("IL")
    assert (conflict["source"], conflict["b"]["position_id"]) == ("position", base["id"])
    assert conflict["severity"] in ("high", "critical")


def test_only_strikes_artillery_and_air_defence_are_held_to_the_standoff(line: Line) -> None:
    declare(line, "TR", *T4)
    filed(line, "IL", notice("uav_flight", volume(circle(T4, 500))))
    filed(line, "IL", notice("air_strike", volume(circle(east_of(T4, 8_000), 500))))
    assert line.conflicts("IL") == []


def test_a_position_declared_after_a_strike_notice_finds_it(line: Line) -> None:
    filed(line, "IL", notice("artillery_fire", volume(circle(T4, 1_000))))
    declare(line, "TR", *T4)
    assert [c["source"] for c in line.conflicts("IL")] == ["position"]


def test_a_declared_position_is_kept_only_to_the_agreed_square(line: Line) -> None:
    position = declare(line, "TR", 37.63271, 34.52388)
    assert len(position["mgrs"]) == len("37SCU7420")  # 1 km precision
    assert position["square"]["type"] == "Polygon"


# --- (d) deconfliction lines ------------------------------------------------------------------


EUPHRATES = {
    "name": "Euphrates line",
    "kind": "deconfliction_line",
    "owner": "IL",
    "side": "left",
    "width_m": 2_000,
    "geometry": {"type": "LineString", "coordinates": [[38.0, 35.0], [39.0, 36.0]]},
}
"""Israel's side is the left, north-west of the line looking from its first point."""


def crossing_request(line: Line, start: float, hours: float) -> int:
    request = {
        "to": "IL",
        "type": "crossing_request",
        "precedence": "IMMEDIATE",
        "body": {
            "line_name": "Euphrates line",
            "crossing_point": {"lat": 35.5, "lon": 38.5},
            "window_start": at(start),
            "window_end": at(start + hours),
        },
    }
    answer = line.send("TR", request)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def decide(line: Line, request_id: int, decision: str = "approved") -> None:
    reply = {
        "to": "TR",
        "type": "crossing_decision",
        "precedence": "IMMEDIATE",
        "body": {"decision": decision},
        "in_reply_to": request_id,
    }
    assert line.send("IL", reply).status_code == 201


def test_crossing_a_deconfliction_line_without_approval_is_a_conflict(line: Line) -> None:
    assert line.post("IL", "/v1/zones", "liaison_officer", json=EUPHRATES).status_code == 201
    filed(line, "TR", notice("ground_movement", volume(circle((38.3, 35.6), 3_000))))  # left
    filed(line, "TR", notice("ground_movement", volume(circle((38.7, 35.2), 3_000))))  # right
    assert [c["source"] for c in line.conflicts("TR")] == ["crossing"]


def test_an_approved_crossing_request_clears_the_crossing(line: Line) -> None:
    line.post("IL", "/v1/zones", "liaison_officer", json=EUPHRATES)
    decide(line, crossing_request(line, start=1, hours=4))
    filed(line, "TR", notice("ground_movement", volume(circle((38.5, 35.5), 3_000))))
    assert line.conflicts("TR") == []


def test_an_approval_that_comes_after_the_notice_resolves_its_conflict(line: Line) -> None:
    line.post("IL", "/v1/zones", "liaison_officer", json=EUPHRATES)
    asked = crossing_request(line, start=1, hours=4)
    filed(line, "TR", notice("ground_movement", volume(circle((38.5, 35.5), 3_000))))
    assert [c["state"] for c in line.conflicts("TR")] == ["open"]
    decide(line, asked)
    assert [c["state"] for c in line.conflicts("TR")] == ["resolved"]


def test_a_denied_or_too_short_crossing_leaves_the_conflict(line: Line) -> None:
    line.post("IL", "/v1/zones", "liaison_officer", json=EUPHRATES)
    decide(line, crossing_request(line, start=1, hours=4), "denied")
    decide(line, crossing_request(line, start=2, hours=1))  # the notice runs 2 h to 4 h
    filed(line, "TR", notice("ground_movement", volume(circle((38.5, 35.5), 3_000))))
    assert [c["source"] for c in line.conflicts("TR")] == ["crossing"]
