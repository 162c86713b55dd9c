"""ASTM F3548 operational intents in and out: every InterUSS flight intent of the shared data
(``../shared/data/utm-intents``, placed near Palmyra) filed as a notice and given back as the
same intent (the same vertices, heights and times); a circle kept a circle, a corridor given as
the polygon it covers; a broken intent refused naming the part at fault; and nothing another
party may not see."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.conftest import START, Line
from tests.support.shared import shared
from tests.support.theatre import circle, filed, notice, volume

CASES: dict[str, Any] = json.loads((shared("utm-intents") / "cases.json").read_text())
REFERENCE = START + timedelta(hours=1)
"""The instant the intents' offsets count from: an hour after the clock, so none has begun."""


def when(offset_s: float) -> str:
    return (REFERENCE + timedelta(seconds=offset_s)).isoformat().replace("+00:00", "Z")


def intent(name: str) -> dict[str, Any]:
    """An InterUSS intent as F3548 OperationalIntentDetails."""
    data = CASES["intents"][name]
    return {
        "volumes": [
            {
                "volume": {
                    "outline_polygon": {
                        "vertices": [
                            {"lat": a, "lng": b} for a, b in data["polygon_latlng_palmyra"]
                        ]
                    },
                    "altitude_lower": {
                        "value": data["altitude_lower_m"],
                        "reference": "W84",
                        "units": "M",
                    },
                    "altitude_upper": {
                        "value": data["altitude_upper_m"],
                        "reference": "W84",
                        "units": "M",
                    },
                },
                "time_start": {"value": when(data["start_offset_s"]), "format": "RFC3339"},
                "time_end": {"value": when(data["end_offset_s"]), "format": "RFC3339"},
            }
        ],
        "off_nominal_volumes": [],
        "priority": 0,
    }


def file_intent(line: Line, party: str, details: dict[str, Any], **more: Any) -> Any:
    headers = line.headers(party, **{"Idempotency-Key": str(id(details))})
    return line.client.post("/v1/notices/f3548", json={"details": details, **more}, headers=headers)


def horizon_s() -> float:
    from clearline.model.protocol import Protocol

    return float(Protocol().notice_horizon_s)


@pytest.mark.parametrize("name", sorted(CASES["intents"]))
def test_every_interuss_intent_comes_back_as_it_went_in(line: Line, name: str) -> None:
    sent = intent(name)
    answer = file_intent(line, "IL", sent)
    if CASES["intents"][name]["end_offset_s"] > horizon_s():
        assert answer.status_code == 422 and answer.json()["field"].endswith(".end"), answer.text
        return
    assert answer.status_code == 201, answer.text
    back = line.get("TR", f"/v1/notices/{answer.json()['id']}/f3548").json()
    (went,), (came,) = sent["volumes"], back["volumes"]
    assert came["volume"]["outline_polygon"] == went["volume"]["outline_polygon"]
    for bound in ("altitude_lower", "altitude_upper"):
        assert came["volume"][bound]["value"] == pytest.approx(
            went["volume"][bound]["value"], abs=1e-9
        )
        assert (came["volume"][bound]["reference"], came["volume"][bound]["units"]) == ("W84", "M")
    for edge in ("time_start", "time_end"):
        assert datetime.fromisoformat(came[edge]["value"]) == datetime.fromisoformat(
            went[edge]["value"]
        )
    assert back["priority"] == 0 and back["off_nominal_volumes"] == []


def test_a_circle_stays_a_circle_and_a_corridor_goes_out_as_its_polygon(line: Line) -> None:
    route = {"type": "LineString", "coordinates": [[38.2, 34.5], [38.4, 34.5]]}
    flight = filed(
        line,
        "TR",
        notice("uav_flight", volume(circle(radius_m=4_000)), volume(route, width_m=2_000)),
    )
    ring, corridor = line.get("IL", f"/v1/notices/{flight['id']}/f3548").json()["volumes"]
    assert ring["volume"]["outline_circle"] == {
        "center": {"lat": 34.55, "lng": 38.27},
        "radius": {"value": 4_000, "units": "M"},
    }
    vertices = corridor["volume"]["outline_polygon"]["vertices"]
    lats = [v["lat"] for v in vertices]
    assert (max(lats) - min(lats)) * 111_000 == pytest.approx(2_000, rel=0.02)  # its true width


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda v: v["volume"].pop("altitude_upper"), "details.volumes.0.volume.altitude_upper"),
        (
            lambda v: v["volume"]["altitude_lower"].update(reference="SFC"),
            "details.volumes.0.volume.altitude_lower.reference",
        ),
        (lambda v: v.pop("time_end"), "details.volumes.0.time_end"),
        (
            lambda v: v["volume"].update(
                outline_circle={
                    "center": {"lat": 34.5, "lng": 38.2},
                    "radius": {"value": 1, "units": "M"},
                }
            ),
            "details.volumes.0.volume",
        ),
        (lambda v: v["time_start"].update(value="tomorrow"), "details.volumes.0.time_start.value"),
    ],
)
def test_a_broken_intent_is_refused_naming_the_part_at_fault(
    line: Line, change: Any, field: str
) -> None:
    details = intent("conflicting_flights/flight1_planned")
    change(details["volumes"][0])
    answer = file_intent(line, "IL", details)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


def test_a_blind_notice_is_no_one_elses_intent(line: Line) -> None:
    hidden = filed(line, "TR", notice("uav_flight", volume(), sharing="blind"))
    answer = line.get("IL", f"/v1/notices/{hidden['id']}/f3548")
    assert answer.status_code == 404
    assert "outline" not in answer.text and "34.55" not in answer.text
