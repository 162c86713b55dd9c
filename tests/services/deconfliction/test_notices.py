"""Notices through the running line, on both back-ends: filed, stamped late, amended into new
versions, cancelled, moved through their states by the clock, and seen only by whom they were
shared with."""

from __future__ import annotations

from typing import Any

import pytest

from clearline.clock import FixedClock
from tests.conftest import Line
from tests.support.theatre import PALMYRA, at, circle, filed, notice, square, volume


def events(line: Line, party: str, type: str, role: str = "duty_officer") -> list[dict[str, Any]]:
    found = line.get(party, "/v1/events", role, limit=5_000).json()["events"]
    return [e for e in found if e["type"] == type]


# --- filing -----------------------------------------------------------------------------------


def test_a_notice_keeps_what_was_filed_and_the_footprint_it_stands_for(line: Line) -> None:
    request = notice("uav_flight", volume(circle(PALMYRA, 10_000), upper="FL150"))
    got = filed(line, "IL", request)
    assert (got["party"], got["kind"], got["state"]) == ("IL", "uav_flight", "planned")
    (version,) = got["versions"]
    (stored,) = version["volumes"]
    assert stored["input"]["geometry"]["type"] == "Circle"
    assert stored["alt_upper_ft"] == 15_000  # FL150
    assert stored["footprint"]["type"] == "Polygon"
    assert version["lead_s"] == 2 * 3_600 and version["late_s"] == 0


@pytest.mark.parametrize(
    ("kind", "lead_minutes", "late_minutes"),
    [
        ("air_strike", 15, 0),
        ("air_strike", 14, 1),
        ("air_strike", 1, 14),  # the Il-20 case: one minute's notice
        ("uav_flight", 10, 20),
        ("exercise", 60, 71 * 60),
    ],
)
def test_a_late_notice_is_taken_and_stamped_late_by_how_much(
    line: Line, kind: str, lead_minutes: int, late_minutes: int
) -> None:
    got = filed(line, "TR", notice(kind, volume(start=lead_minutes / 60)))
    assert got["versions"][-1]["late_s"] == late_minutes * 60


def test_a_late_notice_says_so_in_the_alert_it_causes(line: Line) -> None:
    filed(line, "IL", notice("uav_flight", volume(start=1)))
    filed(line, "TR", notice("air_strike", volume(start=5 / 60)))  # 10 min late
    (alert,) = line.get("IL", "/v1/messages", type="conflict_alert", lang="en").json()["messages"]
    assert alert["body"]["late_s"] == 600
    assert "notice filed 10 min late" in alert["rendered"]["text"]


def test_a_notice_with_many_volumes_is_one_notice(line: Line) -> None:
    got = filed(line, "IL", notice("air_patrol", volume(), volume(square(37.0, 35.5), start=3)))
    assert len(got["versions"][0]["volumes"]) == 2


# --- amending and cancelling ----------------------------------------------------------------------


def test_every_amendment_is_a_new_version_and_the_history_is_kept(line: Line) -> None:
    got = filed(line, "IL", notice("uav_flight", volume(start=2), free_text="first plan"))
    amended = line.amend("IL", got["id"], volume(start=3)).json()
    again = line.amend("IL", got["id"], volume(start=4), sharing="blind").json()
    assert [v["version"] for v in again["versions"]] == [1, 2, 3]
    assert [v["volumes"][0]["start"] for v in again["versions"]] == [
        at(n).replace("+00:00", "Z") for n in (2, 3, 4)
    ]
    assert again["versions"][-1]["free_text"] == "first plan"  # kept unless replaced
    assert amended["versions"][-1]["sharing"] == "shared"
    assert again["versions"][-1]["sharing"] == "blind"
    assert line.get("IL", f"/v1/notices/{got['id']}").json() == again


def test_only_the_filing_party_may_change_its_notice(line: Line) -> None:
    got = filed(line, "IL", notice())
    answer = line.amend("TR", got["id"], volume())
    assert (answer.status_code, answer.json()["field"]) == (403, "id")
    assert line.post("TR", f"/v1/notices/{got['id']}/cancel").status_code == 403


def test_a_cancelled_notice_cannot_change_again(line: Line) -> None:
    got = filed(line, "IL", notice())
    cancelled = line.post("IL", f"/v1/notices/{got['id']}/cancel")
    assert cancelled.json()["state"] == "cancelled"
    again = line.amend("IL", got["id"], volume())
    assert (again.status_code, again.json()["field"]) == (409, "state")


def test_the_clock_moves_a_notice_from_planned_to_active_to_ended(
    line: Line, clock: FixedClock
) -> None:
    got = filed(line, "IL", notice("uav_flight", volume(start=1, hours=1)))
    clock.advance(3_600)
    line.watch()
    assert line.get("IL", f"/v1/notices/{got['id']}").json()["state"] == "active"
    clock.advance(3_600)
    line.watch()
    assert line.get("IL", f"/v1/notices/{got['id']}").json()["state"] == "ended"
    changes = events(line, "TR", "notice.state_changed")
    assert [e["payload"]["notice"]["state"] for e in changes] == ["active", "ended"]


def test_an_ended_notice_leaves_the_index(line: Line, clock: FixedClock) -> None:
    """TR starts a minute after IL's notice ended: within the time minimum, were it live."""
    filed(line, "IL", notice("uav_flight", volume(start=1, hours=1)))
    clock.advance(2 * 3_600 + 60)
    line.watch()
    filed(line, "TR", notice("uav_flight", volume(start=2 + 60 / 3_600, hours=1)))
    assert line.conflicts("TR") == []


# --- who sees what --------------------------------------------------------------------------------


def test_a_shared_notice_is_seen_by_the_other_party_and_its_events_reach_it(line: Line) -> None:
    got = filed(line, "IL", notice())
    assert [n["id"] for n in line.get("TR", "/v1/notices").json()["notices"]] == [got["id"]]
    assert line.get("TR", f"/v1/notices/{got['id']}").status_code == 200
    assert [e["payload"]["notice"]["id"] for e in events(line, "TR", "notice.filed")] == [got["id"]]


def test_a_blind_notice_is_seen_by_its_own_party_only(line: Line) -> None:
    got = filed(line, "IL", notice(sharing="blind"))
    assert line.get("IL", f"/v1/notices/{got['id']}").status_code == 200
    assert line.get("TR", "/v1/notices").json()["notices"] == []
    assert line.get("TR", f"/v1/notices/{got['id']}").status_code == 404
    assert events(line, "TR", "notice.filed") == []


def test_a_notice_made_blind_later_shows_the_others_only_its_shared_versions(line: Line) -> None:
    got = filed(line, "IL", notice("uav_flight", volume(start=2)))
    line.amend("IL", got["id"], volume(start=3), sharing="blind")
    assert line.get("TR", f"/v1/notices/{got['id']}").status_code == 404
    line.amend("IL", got["id"], volume(start=5), sharing="shared")
    seen = line.get("TR", f"/v1/notices/{got['id']}").json()
    assert [v["version"] for v in seen["versions"]] == [1, 3]


def test_the_mediator_sees_no_notice(line: Line) -> None:
    filed(line, "IL", notice())
    answer = line.get("AZ", "/v1/notices", "mediator")
    assert (answer.status_code, answer.json()["field"]) == (403, "role")
    assert events(line, "AZ", "notice.filed", "mediator") == []
