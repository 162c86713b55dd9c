"""Scenario steps the demo tests build on: a FLASH warning and a notice, and a scenario of
steps."""

from __future__ import annotations

from typing import Any

WARNING = {
    "at_s": 0,
    "as": "il-duty-officer",
    "do": "message",
    "to": "TR",
    "type": "warning",
    "precedence": "FLASH",
    "body": {"hazard": "air_strike", "location": {"lat": 34.52, "lon": 37.63}, "radius_m": 5000},
}
NOTICE = {
    "at_s": 0,
    "as": "il-duty-officer",
    "do": "notice",
    "id": "strike",
    "kind": "air_strike",
    "volumes": [
        {
            "geometry": {"type": "Circle", "coordinates": [37.63, 34.52], "radius_m": 3000},
            "alt_lower_ft": 0,
            "alt_upper_ft": 30000,
            "start_s": 1200,
            "end_s": 2400,
        }
    ],
}


def scenario(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"name": "test", "timeline": list(steps)}
