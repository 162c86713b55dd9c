"""The Il-20 case (Syria, 17 September 2018), on the line: a strike notice filed 60 s before
its window, its location 30 km from where the other party's aircraft was, a FLASH warning sent
with that location a minute before, acknowledged 4 minutes after the strike began.

Times are seconds after the fixed clock's start. Turkey stands in for the party whose aircraft
was lost, Israel for the party that struck; the figures are the case's, not the names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from clearline.clock import FixedClock
from clearline.model.wellclear import KNOT_MS
from tests.support.theatre import START, circle, notice, volume
from tests.support.tracks import report

AIRCRAFT = (34.70, 38.27)
"""Latitude, longitude: where the Turkish aircraft was when the strike began."""
NOTIFIED = (34.70 - 31_000 / 110_900, 38.27)
"""Where the notice and the warning put the strike: 31 km south of it."""
NOTICE_RADIUS_M = 1_000
ORBIT_M, ORBIT_S = 3_000, 240
"""The aircraft's orbit: 3 km round, once every four minutes (about 150 kt)."""
FILED_S, STRIKE_S, STRIKE_END_S, ACK_S, REPORT_S = 60, 120, 300, 360, 400
INCIDENT = {
    "kind": "fire_near_forces",
    "start": (START + timedelta(seconds=STRIKE_S)).isoformat(),
    "end": (START + timedelta(seconds=STRIKE_END_S)).isoformat(),
    "place": {"point": {"lat": AIRCRAFT[0], "lon": AIRCRAFT[1]}},
    "severity": "grave",
    "narrative": "Our aircraft was lost while the strike was under way; the warning came late "
    "and gave the wrong place.",
}


@dataclass
class Il20:
    notice: dict[str, Any]
    warning: dict[str, Any]
    aircraft: int
    """The Turkish aircraft's track id."""
    jet: int
    """Israel's strike jet: a blind track, which Turkey never sees."""


def aircraft(seconds: float) -> dict[str, Any]:
    """The Turkish aircraft on its orbit: ``ORBIT_M`` round a centre north of ``AIRCRAFT``,
    anticlockwise, passing over ``AIRCRAFT`` itself as the strike begins."""
    when = START + timedelta(seconds=seconds)
    angle = 2 * math.pi * (seconds - STRIKE_S) / ORBIT_S - math.pi / 2
    north, east = ORBIT_M * (1 + math.sin(angle)), ORBIT_M * math.cos(angle)
    lat = AIRCRAFT[0] + north / 111_320
    lon = AIRCRAFT[1] + east / (111_320 * math.cos(math.radians(AIRCRAFT[0])))
    speed_kt = 2 * math.pi * ORBIT_M / ORBIT_S / KNOT_MS
    heading = (90 - math.degrees(angle + math.pi / 2)) % 360
    return report(
        "IL20-1",
        "fixed_wing",
        lat,
        lon,
        when,
        alt_ft=22_000,
        ground_speed_kt=speed_kt,
        track_deg=heading,
    )


def jet(seconds: float) -> dict[str, Any]:
    when = START + timedelta(seconds=seconds)
    lat, lon = AIRCRAFT[0] - 0.05, AIRCRAFT[1] - 0.2
    return report("F-16-7", "fixed_wing", lat, lon, when, alt_ft=18_000, share_with=[])


def play(line: Any, clock: FixedClock) -> Il20:
    """Play the case on ``line`` up to the moment Turkey is ready to file it (``REPORT_S``)."""
    at_s = 0.0
    filed_notice = warning = None
    while at_s < REPORT_S:
        assert line.report("TR", aircraft(at_s)).status_code == 200
        assert line.report("IL", jet(at_s)).status_code == 200
        if at_s == FILED_S:
            filed_notice = _strike_notice(line)
            warning = _warning(line)
        if at_s == ACK_S and warning is not None:
            assert line.post("TR", f"/v1/messages/{warning['id']}/ack").status_code == 200
        at_s += 10
        clock.advance(10)
    tracks = {t["track_id"]: t["id"] for t in line.tracks("TR") + line.tracks("IL")}
    assert filed_notice is not None and warning is not None
    return Il20(filed_notice, warning, tracks["IL20-1"], tracks["F-16-7"])


def _strike_notice(line: Any) -> dict[str, Any]:
    centre = (NOTIFIED[1], NOTIFIED[0])
    shape = circle(centre, NOTICE_RADIUS_M)
    request = notice("air_strike", volume(shape, start=STRIKE_S / 3_600, hours=0.5))
    answer = line.file("IL", request)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _warning(line: Any) -> dict[str, Any]:
    body = {
        "hazard": "air_strike",
        "location": {"lat": NOTIFIED[0], "lon": NOTIFIED[1]},
        "radius_m": 20_000,
    }
    request = {"to": "TR", "type": "warning", "precedence": "FLASH", "body": body}
    answer = line.send("IL", request)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())
