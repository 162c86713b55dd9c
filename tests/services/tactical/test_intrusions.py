"""Tracks against the theatre, on both back-ends: a Turkish UAV heading for an Israeli zone,
within the standoff of an Israeli base, or into an Israeli notice's volume opens an encounter
for both; a party's own zones and positions, and zones whose rule does not cover what the asset
does, raise nothing; a blind notice is named by its party alone."""

from __future__ import annotations

from typing import Any

from clearline.clock import FixedClock
from tests.conftest import Line
from tests.support.theatre import circle, filed, notice, volume
from tests.support.tracks import fly, moved, report

T4 = (37.63, 34.52)


def heading_for_t4(clock: FixedClock, party: str = "TR") -> dict[str, Any]:
    """A UAV 15 km east of T4 flying west at 150 kt (77 m/s): within 5 km in about 130 s."""
    values = {"ground_speed_kt": 150, "track_deg": 270, "alt_ft": 8_000}
    return report(f"{party}-UAV", "uav", T4[1], T4[0] + 0.164, clock.now(), **values)


def zone(line: Line, **rule: Any) -> None:
    request = {
        "name": "T4 red line",
        "kind": "red_line_zone",
        "owner": "IL",
        "geometry": circle(T4, 5_000),
        **({"rule": rule} if rule else {}),
    }
    answer = line.post("IL", "/v1/zones", "liaison_officer", json=request)
    assert answer.status_code == 201, answer.text


def test_a_uav_heading_into_another_partys_zone_opens_an_encounter(
    line: Line, clock: FixedClock
) -> None:
    zone(line)
    uav = heading_for_t4(clock)
    fly(line, clock, 60, ("TR", uav))
    assert line.encounters("TR") == []  # entry still 70 s ahead, more than 55 s
    fly(line, clock, 20, ("TR", moved(uav, 60)))
    (encounter,) = line.encounters("IL")
    assert encounter["counterpart"]["kind"] == "zone"
    assert encounter["parties"] == ["TR", "IL"] and encounter["level"] == 2
    inbox = line.get("TR", "/v1/messages", box="inbox").json()["messages"]
    (alert,) = [m for m in inbox if m["type"] == "track_alert"]
    assert alert["body"]["against"] == "zone" and alert["precedence"] == "IMMEDIATE"


def test_a_zone_rule_about_other_activities_raises_nothing(line: Line, clock: FixedClock) -> None:
    zone(line, kinds=["air_defence_deployment", "radar_ew_emission"])
    fly(line, clock, 100, ("TR", heading_for_t4(clock)))
    assert line.encounters("TR") == []


def test_a_track_near_another_partys_declared_base_opens_an_encounter(
    line: Line, clock: FixedClock
) -> None:
    base = {"name": "T4", "kind": "base", "lat": T4[1], "lon": T4[0]}
    assert line.post("IL", "/v1/positions", json=base).status_code == 201
    fly(line, clock, 110, ("TR", heading_for_t4(clock)))
    (encounter,) = line.encounters("TR")
    assert encounter["counterpart"]["kind"] == "position"
    assert encounter["level"] == 3  # within 25 s of the 5 km standoff


def test_a_partys_own_zone_and_base_raise_nothing(line: Line, clock: FixedClock) -> None:
    zone(line)
    line.post(
        "IL", "/v1/positions", json={"name": "T4", "kind": "base", "lat": 34.52, "lon": 37.63}
    )
    fly(line, clock, 150, ("IL", heading_for_t4(clock, "IL")))
    assert line.encounters("IL") == []


def test_a_blind_notice_is_named_by_its_party_alone(line: Line, clock: FixedClock) -> None:
    planned = notice("uav_flight", volume(geometry=circle(T4, 3_000), start=0, hours=2))
    filed(line, "IL", {**planned, "sharing": "blind"})
    fly(line, clock, 100, ("TR", heading_for_t4(clock)))
    (seen,) = line.encounters("TR")
    assert seen["counterpart"] == {"kind": "notice", "id": None}
    (own,) = line.encounters("IL")
    assert own["counterpart"]["id"] is not None
