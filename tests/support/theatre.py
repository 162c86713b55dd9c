"""Builders for notices, volumes, zones and positions over Syria, for every test that files them.

Places are real: Palmyra and T4 (Tiyas) in the centre, the Golan buffer zone in the south-west.
Times are relative to the fixed clock's start (``tests.conftest.START``).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from tests.support.acting import ActsAs

START = datetime.fromisoformat("2026-11-22T15:30:00+00:00")
PALMYRA = (38.27, 34.55)
"""Longitude, latitude (GeoJSON order)."""
T4 = (37.63, 34.52)
CENTRE = (38.5, 34.8)
"""The demo protocol's theatre centre, where its projection measures distances exactly."""


def at(hours: float) -> str:
    """The fixed clock's start plus ``hours``, as ISO 8601."""
    return (START + timedelta(hours=hours)).isoformat()


def circle(centre: tuple[float, float] = PALMYRA, radius_m: float = 10_000) -> dict[str, Any]:
    return {"type": "Circle", "coordinates": list(centre), "radius_m": radius_m}


def square(lon: float, lat: float, half_deg: float = 0.05) -> dict[str, Any]:
    ring = [
        [lon - half_deg, lat - half_deg],
        [lon + half_deg, lat - half_deg],
        [lon + half_deg, lat + half_deg],
        [lon - half_deg, lat + half_deg],
        [lon - half_deg, lat - half_deg],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def volume(
    geometry: dict[str, Any] | None = None,
    start: float = 2,
    hours: float = 2,
    lower: float | str = 0,
    upper: float | str = 15_000,
    **more: Any,
) -> dict[str, Any]:
    """A volume ``start`` hours after the clock's start, lasting ``hours``."""
    return {
        "geometry": geometry or circle(),
        "alt_lower_ft": lower,
        "alt_upper_ft": upper,
        "start": at(start),
        "end": at(start + hours),
        **more,
    }


def notice(kind: str = "uav_flight", *volumes: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"kind": kind, "volumes": list(volumes) or [volume()], **more}


def filed(line: Files, party: str, request: dict[str, Any]) -> dict[str, Any]:
    """File ``request`` as ``party``'s duty officer; the notice, which must be created."""
    answer = line.file(party, request)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


class Files(ActsAs):
    """Filing and changing notices as any demo user."""

    def file(self, party: str, request: dict[str, Any], key: str | None = None) -> Any:
        headers = self.headers(party, **{"Idempotency-Key": key or uuid.uuid4().hex})
        return self.client.post("/v1/notices", json=request, headers=headers)

    def amend(self, party: str, notice_id: int, *volumes: dict[str, Any], **more: Any) -> Any:
        return self.post(
            party, f"/v1/notices/{notice_id}/amend", json={"volumes": list(volumes), **more}
        )

    def conflicts(self, party: str, **params: Any) -> list[dict[str, Any]]:
        answer = self.get(party, "/v1/conflicts", **params)
        assert answer.status_code == 200, answer.text
        return list(answer.json()["conflicts"])
