"""The notice, zone, position and conflict endpoints over HTTP, on both back-ends: idempotent
filing, every refusal naming its field, roles, and nothing stored by a refused request."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Line
from tests.support.theatre import PALMYRA, circle, notice, square, volume

RING_OF_1001 = [[38.0 + 0.1 * (i % 2), 34.0 + 0.0001 * i] for i in range(1_000)] + [[38.0, 34.0]]


def problem(answer: Any) -> tuple[int, str]:
    return answer.status_code, answer.json()["field"]


# --- idempotency --------------------------------------------------------------------------------


def test_the_same_key_and_body_give_the_same_notice_once(line: Line) -> None:
    first = line.file("IL", notice(), key="plan-7")
    again = line.file("IL", notice(), key="plan-7")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert len(line.get("IL", "/v1/notices").json()["notices"]) == 1


def test_the_same_key_with_another_body_is_refused(line: Line) -> None:
    line.file("IL", notice(), key="plan-7")
    other = line.file("IL", notice("air_patrol"), key="plan-7")
    assert problem(other) == (409, "Idempotency-Key")


# --- refusals -----------------------------------------------------------------------------------


def bowtie() -> dict[str, Any]:
    ring = [[38.0, 34.0], [38.1, 34.1], [38.1, 34.0], [38.0, 34.1], [38.0, 34.0]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.mark.parametrize(
    ("request_", "field", "words"),
    [
        (notice(volumes=[]), "volumes", "at least 1"),
        (notice("picnic"), "kind", ""),
        (notice("uav_flight", volume(bowtie())), "volumes.0.geometry.coordinates", "self-inter"),
        (
            notice("uav_flight", volume({"type": "Polygon", "coordinates": [RING_OF_1001]})),
            "volumes.0.geometry.coordinates",
            "at most 1000",
        ),
        (
            notice(
                "uav_flight",
                volume(
                    {"type": "Polygon", "coordinates": [[[38, 34], [38.1, 34.1], [38.2, 34.2]]]}
                ),
            ),
            "volumes.0.geometry.coordinates",
            "degenerate",
        ),
        (
            notice("uav_flight", volume(circle((190.0, 34.0)))),
            "volumes.0.geometry.coordinates",
            "longitude",
        ),
        (
            notice("uav_flight", volume(circle((38.0, 91.0)))),
            "volumes.0.geometry.coordinates",
            "latitude",
        ),
        (notice("uav_flight", volume(lower=9_000, upper=8_000)), "volumes.0.alt_upper_ft", "below"),
        (notice("uav_flight", volume(upper="FL9999")), "volumes.0.alt_upper_ft", "flight level"),
        (notice("uav_flight", volume(hours=-1)), "volumes.0.end", "after start"),
        (notice("uav_flight", volume(hours=24 * 7 + 1)), "volumes.0.end", "maximum of 168 h"),
        (notice("uav_flight", volume(start=-3, hours=1)), "volumes.0.end", "ended already"),
        (
            notice("uav_flight", volume({"type": "Point", "coordinates": list(PALMYRA)})),
            "volumes.0",
            "radius_m",
        ),
        (
            notice("uav_flight", {**volume(), "geometry": None, "mgrs": "37SZZ", "radius_m": 9}),
            "volumes.0.mgrs",
            "not a valid MGRS",
        ),
    ],
)
def test_a_bad_notice_is_refused_naming_the_field_and_stores_nothing(
    line: Line, request_: dict[str, Any], field: str, words: str
) -> None:
    answer = line.file("IL", request_)
    assert problem(answer) == (422, field), answer.text
    assert words in answer.json()["reason"]
    assert line.get("IL", "/v1/notices").json()["notices"] == []


def test_a_notice_by_mgrs_is_a_disc_around_the_squares_centre(line: Line) -> None:
    answer = line.file(
        "IL",
        notice(
            "uav_flight", {**volume(), "geometry": None, "mgrs": "37SDU3323", "radius_m": 2_000}
        ),
    )
    assert answer.status_code == 201, answer.text


# --- roles --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("party", "role", "file", "read"),
    [
        ("IL", "duty_officer", 201, 200),
        ("IL", "system", 201, 200),
        ("IL", "auditor", 403, 200),
        ("AZ", "mediator", 403, 403),
    ],
)
def test_who_may_file_and_read_notices(
    line: Line, party: str, role: str, file: int, read: int
) -> None:
    headers = line.headers(party, role, **{"Idempotency-Key": "k"})
    assert line.client.post("/v1/notices", json=notice(), headers=headers).status_code == file
    assert line.get(party, "/v1/notices", role).status_code == read
    assert line.get(party, "/v1/conflicts", role).status_code == read


def test_zones_are_added_by_a_liaison_officer_for_their_own_party(line: Line) -> None:
    zone = {
        "name": "Golan buffer",
        "kind": "buffer_zone",
        "owner": "IL",
        "geometry": square(35.9, 33.1),
    }
    assert problem(line.post("IL", "/v1/zones", json=zone)) == (403, "owner")
    assert problem(line.post("TR", "/v1/zones", "liaison_officer", json=zone)) == (403, "owner")
    assert line.post("IL", "/v1/zones", "liaison_officer", json=zone).status_code == 201
    again = line.post("IL", "/v1/zones", "liaison_officer", json=zone)
    assert problem(again) == (409, "zone.name")
    assert len(line.get("AZ", "/v1/zones", "mediator").json()["features"]) == 1


@pytest.mark.parametrize(
    ("zone", "field"),
    [
        ({"kind": "deconfliction_line", "geometry": square(38, 35)}, "request"),
        ({"kind": "buffer_zone", "geometry": bowtie()}, "zone.geometry.coordinates"),
        (
            {
                "kind": "buffer_zone",
                "geometry": square(38, 35),
                "alt_lower_ft": 5,
                "alt_upper_ft": 1,
            },
            "request",
        ),
    ],
)
def test_a_bad_zone_is_refused_naming_the_field(
    line: Line, zone: dict[str, Any], field: str
) -> None:
    answer = line.post(
        "IL", "/v1/zones", "liaison_officer", json={"name": "z", "owner": "IL", **zone}
    )
    assert problem(answer) == (422, field), answer.text
    assert line.get("IL", "/v1/zones").json()["features"] == []


@pytest.mark.parametrize(
    ("position", "field"),
    [
        ({"kind": "base"}, "request"),
        ({"kind": "base", "lat": 95, "lon": 38}, "lat"),
        ({"kind": "castle", "lat": 34, "lon": 38}, "kind"),
        ({"kind": "base", "mgrs": "nonsense"}, "mgrs"),
    ],
)
def test_a_bad_position_is_refused_naming_the_field(
    line: Line, position: dict[str, Any], field: str
) -> None:
    answer = line.post("IL", "/v1/positions", json={"name": "HQ", **position})
    assert problem(answer) == (422, field), answer.text
    assert line.get("IL", "/v1/positions").json()["positions"] == []


# --- what-if ------------------------------------------------------------------------------------


def test_a_plan_is_checked_against_what_is_filed_without_filing_it(line: Line) -> None:
    filed = line.file("TR", notice("uav_flight", volume(), sharing="blind")).json()
    plan = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": circle(PALMYRA),
                "properties": {
                    "id": "strike-1",
                    "party": "IL",
                    "kind": "air_strike",
                    "alt_lower_ft": 0,
                    "alt_upper_ft": 30_000,
                    "start": volume()["start"],
                    "end": volume()["end"],
                },
            }
        ],
    }
    answer = line.post("IL", "/v1/conflicts/check", json={"plan": plan})
    assert answer.status_code == 200, answer.text
    # The whole answer: that the plan conflicts with something hidden, and nothing of what.
    assert answer.json() == {
        "type": "FeatureCollection",
        "features": [],
        "blind": {"checked": True, "conflicts": True, "budget_left": 19},
    }
    assert line.get("IL", "/v1/notices").json()["notices"] == []
    assert line.conflicts("TR") == []  # nothing was filed, so nothing conflicts
    touched = line.get("TR", "/v1/conflicts/checks").json()["touches"]
    assert [(t["by"], t["notice_id"], t["checks"]) for t in touched] == [("IL", filed["id"], 1)]
