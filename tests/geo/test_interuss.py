"""External cases: the strategic-conflict flight intents of InterUSS (ASTM F3548-21).

Every case of ``shared/data/utm-intents/cases.json`` goes through the planners' what-if check
(``deconfliction.planning.check``) as two volumes of two different parties, with every separation
minimum at zero: a conflict is then any intersection in all four dimensions, touching
included. Each case is run in both placements the data gives: the original one near latitude 0,
longitude 0 (some 4,000 km from the theatre's centre, where the projection is far from exact)
and the same shapes moved metre for metre to Palmyra. The expected answers are InterUSS's; see
the data's README. Among them: footprints whose bounding boxes overlap while the polygons do not,
an overlap of about 1.1 cm, and volumes separated by altitude alone.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from clearline.model.protocol import Separation
from clearline.services.deconfliction import planning
from tests.support.shared import shared

# CI clones the repository with shared/ beside it (as for tests/services/record/test_merkle.py).
DATA = shared("utm-intents")
CASES: dict[str, Any] = json.loads((DATA / "cases.json").read_text())
PLACEMENTS = ["polygon_latlng", "polygon_latlng_palmyra"]
NO_MINIMA = Separation(horizontal_m=0, vertical_ft=0, time_s=0)
REFERENCE = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)
"""The one instant every intent's offsets are counted from."""
FOOT_M = 0.3048


def _case_id(case: dict[str, Any]) -> str:
    return f"{case['a']}--{case['b']}"


def feature(name: str, party: str, placement: str) -> dict[str, Any]:
    """An intent as a plan feature: [lat, lng] vertices turned round to GeoJSON's [lng, lat]."""
    intent = CASES["intents"][name]
    ring = [[lng, lat] for lat, lng in intent[placement]]
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {
            "id": name,
            "party": party,
            "kind": "uav_flight",
            "alt_lower_ft": intent["altitude_lower_m"] / FOOT_M,
            "alt_upper_ft": intent["altitude_upper_m"] / FOOT_M,
            "start": (REFERENCE + timedelta(seconds=intent["start_offset_s"])).isoformat(),
            "end": (REFERENCE + timedelta(seconds=intent["end_offset_s"])).isoformat(),
        },
    }


def test_the_cases_are_there() -> None:
    # A missing file would fail at import; an empty one would turn the cases into nothing.
    assert len(CASES["cases"]) == 15
    assert CASES["separation_minima"] == {"horizontal_m": 0, "vertical_m": 0, "time_s": 0}
    assert {c["conflict"] for c in CASES["cases"]} == {True, False}
    for case in CASES["cases"]:
        for side in ("a", "b"):
            assert set(PLACEMENTS) <= set(CASES["intents"][case[side]])


@pytest.mark.parametrize("placement", PLACEMENTS)
@pytest.mark.parametrize("case", CASES["cases"], ids=_case_id)
def test_the_engine_agrees_with_interuss(case: dict[str, Any], placement: str) -> None:
    plan = {
        "type": "FeatureCollection",
        "features": [feature(case["a"], "IL", placement), feature(case["b"], "TR", placement)],
    }
    found = planning.check(plan, NO_MINIMA, REFERENCE).features
    assert bool(found) is case["conflict"], case["why"]
    if case["conflict"]:
        assert len(found) == 1
        assert {found[0]["properties"]["a"], found[0]["properties"]["b"]} == {
            case["a"],
            case["b"],
        }
        assert found[0]["properties"]["overlap"] is True  # with no minima, only a true overlap
