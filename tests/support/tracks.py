"""Builders for track reports over Syria, and a line client that reports them.

The standard encounter: an Israeli jet flying east and a Turkish UAV flying west, head-on at
15,000 ft north of Palmyra, 20 km apart at the fixed clock's start, closing at 450 kt: level 2
shows at the first step, level 3 about 26 s later, and the pair passes at about 87 s.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from clearline.clock import FixedClock
from clearline.model.wellclear import KNOT_MS
from tests.support.acting import ActsAs

NORTH_OF_PALMYRA = 34.70
JET_LON, UAV_LON = 38.16, 38.38
"""About 20 km apart at that latitude."""


def report(
    track_id: str,
    kind: str,
    lat: float,
    lon: float,
    when: datetime,
    alt_ft: float = 15_000,
    ground_speed_kt: float = 300,
    track_deg: float = 90,
    **more: Any,
) -> dict[str, Any]:
    return {
        "track_id": track_id,
        "kind": kind,
        "lat": lat,
        "lon": lon,
        "alt_ft": alt_ft,
        "ground_speed_kt": ground_speed_kt,
        "track_deg": track_deg,
        "time": when.isoformat(),
        **more,
    }


def jet(when: datetime, **more: Any) -> dict[str, Any]:
    return {**report("F-16-1", "fixed_wing", NORTH_OF_PALMYRA, JET_LON, when), **more}


def uav(when: datetime, **more: Any) -> dict[str, Any]:
    values = {"ground_speed_kt": 150, "track_deg": 270, **more}
    return {**report("ANKA-3", "uav", NORTH_OF_PALMYRA, UAV_LON, when), **values}


class Reports(ActsAs):
    """Mixed into the line client: report tracks, read tracks and encounters."""

    def report(self, party: str, *reports: dict[str, Any], role: str = "system") -> Any:
        return self.post(party, "/v1/tracks", role, json={"reports": list(reports)})

    def tracks(self, party: str) -> list[dict[str, Any]]:
        answer = self.get(party, "/v1/tracks")
        assert answer.status_code == 200, answer.text
        return list(answer.json()["tracks"])

    def encounters(self, party: str, **params: Any) -> list[dict[str, Any]]:
        answer = self.get(party, "/v1/encounters", **params)
        assert answer.status_code == 200, answer.text
        return list(answer.json()["encounters"])


def moved(report: dict[str, Any], seconds: float) -> dict[str, Any]:
    """The same asset ``seconds`` later, flown straight on (flat earth: fine over minutes)."""
    angle = math.radians(report["track_deg"])
    metres = report["ground_speed_kt"] * KNOT_MS * seconds
    lat = report["lat"] + metres * math.cos(angle) / 111_320
    lon = report["lon"] + metres * math.sin(angle) / (111_320 * math.cos(math.radians(lat)))
    when = datetime.fromisoformat(report["time"]) + timedelta(seconds=seconds)
    return {**report, "lat": lat, "lon": lon, "time": when.isoformat()}


def fly(
    line: Any, clock: FixedClock, seconds: int, *feeds: tuple[str, dict[str, Any]]
) -> list[int]:
    """Step the clock a second at a time, screening at each; each feed (party, first report)
    reports its asset again every second, as a real feed does. What each watch changed."""
    changed = []
    start = clock.now()
    for _ in range(seconds):
        clock.advance(1)
        for party, first in feeds:
            elapsed = (clock.now() - start).total_seconds()
            assert line.report(party, moved(first, elapsed)).status_code == 200
        changed.append(line.watch())
    return changed
