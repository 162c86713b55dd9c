"""A notice as an ICAO NOTAM draft, checked field by field: the Q line (FIR, code, traffic,
purpose, scope, flight levels, the circle that holds it), items A to G; a schedule where the
windows leave gaps; what is no aviation hazard refused; and nothing a party may not see."""

from __future__ import annotations

import pytest

from tests.conftest import Line
from tests.support.theatre import circle, filed, notice, square, volume


def notam(line: Line, party: str, notice_id: int, **params: str) -> str:
    answer = line.get(party, f"/v1/notices/{notice_id}/notam", **params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return str(answer.text)


def test_a_uav_flight_is_a_notam_field_by_field(line: Line) -> None:
    flight = filed(line, "TR", notice("uav_flight", volume(circle(radius_m=10_000))))
    text = notam(line, "IL", flight["id"])  # the other party reads it as TR's office would
    lines = text.splitlines()
    assert lines[0] == "(NOTAMN"
    assert lines[1] == "Q) OSTT/QWULW/IV/BO/W/000/150/3433N03816E006"  # 10 km: 5.4 NM, 6
    assert lines[2] == "A) OSTT B) 2611221730 C) 2611221930"
    assert lines[3] == (
        f"E) UAV FLIGHT BY TR (NOTICE {flight['id']} VERSION 1). "
        "WI 5.4NM RADIUS OF 343300N0381612E."
    )
    assert lines[4] == "F) SFC G) FL150)"


def test_an_area_in_two_windows_has_its_corners_and_a_schedule(line: Line) -> None:
    area = square(38.0, 34.5, half_deg=0.1)
    first, second = volume(area, start=2, hours=1, lower=5_000), volume(area, start=5, hours=1)
    strike = filed(line, "IL", notice("artillery_fire", first, second, free_text="Range 4"))
    lines = notam(line, "IL", strike["id"], fir="OSTT").splitlines()
    assert lines[1].startswith("Q) OSTT/QWMLW/IV/BO/W/000/150/3430N03800E")
    assert lines[2] == "A) OSTT B) 2611221730 C) 2611222130"
    assert lines[3] == "D) 221730-221830 222030-222130"
    assert "WI AREA 342400N0375400E 342400N0380600E 343600N0380600E 343600N0375400E." in lines[4]
    assert lines[4].endswith(" RANGE 4")
    assert lines[5] == "F) SFC G) FL150)"
    low = filed(line, "IL", notice("exercise", volume(area, lower=2_000, upper=8_000)))
    assert notam(line, "IL", low["id"]).splitlines()[-1] == "F) 2000FT AMSL G) 8000FT AMSL)"


def test_the_partys_own_words_are_left_out_where_they_are_not_icaos_alphabet(line: Line) -> None:
    flight = filed(line, "IL", notice("uav_flight", volume(), free_text="טיסה חשאית"))
    assert "טיסה" not in notam(line, "IL", flight["id"])


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [("ground_movement", {}, "kind"), ("uav_flight", {"fir": "damascus"}, "fir")],
)
def test_what_is_no_aviation_hazard_or_no_fir_is_refused(
    line: Line, kind: str, params: dict[str, str], field: str
) -> None:
    filed_ = filed(line, "IL", notice(kind, volume()))
    answer = line.get("IL", f"/v1/notices/{filed_['id']}/notam", **params)
    assert answer.status_code == 422 and answer.json()["field"] == field


def test_a_blind_notice_is_no_one_elses_notam(line: Line) -> None:
    hidden = filed(line, "TR", notice("uav_flight", volume(), sharing="blind"))
    answer = line.get("IL", f"/v1/notices/{hidden['id']}/notam")
    assert answer.status_code == 404
    assert "QWULW" not in answer.text and "343300N" not in answer.text
