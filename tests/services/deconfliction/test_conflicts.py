"""The life of a conflict, on both back-ends: open, acknowledged by each party involved, then
resolved by the engine when an amendment or cancellation removes it, or accepted with a reason by
a liaison officer, then closed once its window has passed. And blind mode: a party learns of
another's blind notice only the conflict it causes, its region and window."""

from __future__ import annotations

import json
from typing import Any

from shapely.geometry import shape

from clearline.clock import FixedClock
from clearline.model.message import Precedence
from clearline.model.protocol import Urgency
from clearline.model.zone import Severity
from clearline.services.deconfliction.conflicts import precedence
from tests.conftest import Line
from tests.support.theatre import PALMYRA, circle, filed, notice, square, volume


def clash(line: Line) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """IL and TR both plan UAV flights over Palmyra: one conflict."""
    ours = filed(line, "IL", notice("uav_flight", volume()))
    theirs = filed(line, "TR", notice("uav_flight", volume()))
    (conflict,) = line.conflicts("IL")
    return ours, theirs, conflict


def state(line: Line, conflict: dict[str, Any], party: str = "IL") -> str:
    return str(line.get(party, f"/v1/conflicts/{conflict['id']}").json()["state"])


def test_a_conflict_says_how_long_until_the_clash_starts(line: Line, clock: FixedClock) -> None:
    _, _, conflict = clash(line)
    assert conflict["starts_in_s"] == 2 * 3_600
    clock.advance(3_600)
    assert line.conflicts("TR")[0]["starts_in_s"] == 3_600
    clock.advance(2 * 3_600)
    assert line.conflicts("TR")[0]["starts_in_s"] == 0


# --- acknowledged --------------------------------------------------------------------------------


def test_a_conflict_is_acknowledged_once_every_party_involved_has_seen_it(line: Line) -> None:
    _, _, conflict = clash(line)
    first = line.post("IL", f"/v1/conflicts/{conflict['id']}/ack").json()
    assert first["state"] == "open" and list(first["acknowledged"]) == ["IL"]
    second = line.post("TR", f"/v1/conflicts/{conflict['id']}/ack").json()
    assert second["state"] == "acknowledged"
    assert set(second["acknowledged"]) == {"IL", "TR"}


def test_acknowledging_the_alert_on_the_line_acknowledges_the_conflict(line: Line) -> None:
    _, _, conflict = clash(line)
    for party in ("IL", "TR"):
        (alert,) = line.get(party, "/v1/messages", type="conflict_alert").json()["messages"]
        assert line.post(party, f"/v1/messages/{alert['id']}/ack").status_code == 200
    assert state(line, conflict) == "acknowledged"


def test_acknowledging_the_conflict_stops_its_alert_escalating(
    line: Line, clock: FixedClock
) -> None:
    _, _, conflict = clash(line)
    line.post("IL", f"/v1/conflicts/{conflict['id']}/ack")
    clock.advance(3 * 3_600)
    line.watch()
    (alert,) = line.get("IL", "/v1/messages", type="conflict_alert").json()["messages"]
    mine = next(r for r in alert["recipients"] if r["party"] == "IL")
    assert (mine["state"], mine["escalation_level"]) == ("acknowledged", 0)
    theirs = line.get("TR", "/v1/messages", type="conflict_alert").json()["messages"][0]
    assert theirs["recipients"][0]["escalation_level"] > 0  # TR never answered: escalated


def test_only_a_human_on_the_watch_acknowledges(line: Line) -> None:
    _, _, conflict = clash(line)
    answer = line.post("IL", f"/v1/conflicts/{conflict['id']}/ack", "system")
    assert (answer.status_code, answer.json()["field"]) == (403, "role")


# --- resolved -------------------------------------------------------------------------------------


def test_an_amendment_that_removes_the_clash_resolves_it_by_itself(line: Line) -> None:
    _, theirs, conflict = clash(line)
    moved = line.amend("TR", theirs["id"], volume(square(41.5, 36.8)))
    assert moved.status_code == 200
    resolved = line.get("IL", f"/v1/conflicts/{conflict['id']}").json()
    assert resolved["state"] == "resolved"
    assert resolved["resolution"] == f"notice {theirs['id']} version 2 no longer conflicts"


def test_an_amendment_that_only_moves_the_clash_updates_the_same_conflict(line: Line) -> None:
    _, theirs, conflict = clash(line)
    line.amend("TR", theirs["id"], volume(circle((38.30, 34.55))))
    (again,) = line.conflicts("IL")
    assert again["id"] == conflict["id"] and again["state"] == "open"
    assert again["region"] != conflict["region"]


def test_a_cancellation_resolves_every_conflict_of_the_notice(line: Line) -> None:
    _, theirs, conflict = clash(line)
    line.post("TR", f"/v1/notices/{theirs['id']}/cancel")
    found = line.get("TR", f"/v1/conflicts/{conflict['id']}").json()
    assert (found["state"], found["resolution"]) == (
        "resolved",
        f"notice {theirs['id']} cancelled",
    )


def test_refiling_after_a_resolution_opens_a_new_conflict(line: Line) -> None:
    _, theirs, _ = clash(line)
    line.amend("TR", theirs["id"], volume(square(41.5, 36.8)))
    line.amend("TR", theirs["id"], volume())
    assert [c["state"] for c in line.conflicts("IL")] == ["open", "resolved"]


# --- accepted and closed -------------------------------------------------------------------------


def test_a_liaison_officer_accepts_the_risk_with_a_reason(line: Line) -> None:
    _, _, conflict = clash(line)
    path = f"/v1/conflicts/{conflict['id']}/accept"
    refused = line.post("IL", path, json={"reason": "coordinated by phone"})
    assert (refused.status_code, refused.json()["field"]) == (403, "role")
    empty = line.post("IL", path, "liaison_officer", json={"reason": ""})
    assert (empty.status_code, empty.json()["field"]) == (422, "reason")
    accepted = line.post("IL", path, "liaison_officer", json={"reason": "coordinated by phone"})
    assert accepted.json()["state"] == "accepted"
    assert accepted.json()["resolution"] == "coordinated by phone"
    again = line.post("TR", path, "liaison_officer", json={"reason": "and again"})
    assert (again.status_code, again.json()["field"]) == (409, "state")


def test_a_settled_conflict_closes_when_its_window_has_passed(
    line: Line, clock: FixedClock
) -> None:
    _, _, conflict = clash(line)
    path = f"/v1/conflicts/{conflict['id']}/accept"
    line.post("IL", path, "liaison_officer", json={"reason": "coordinated"})
    clock.advance(4 * 3_600)
    line.watch()
    assert state(line, conflict) == "accepted"  # the window ends at 4 h: not passed yet
    clock.advance(1)
    line.watch()
    assert state(line, conflict) == "closed"


def test_every_change_of_a_conflict_reaches_both_parties_as_an_event(line: Line) -> None:
    _, theirs, conflict = clash(line)
    line.post("IL", f"/v1/conflicts/{conflict['id']}/ack")
    line.amend("TR", theirs["id"], volume(square(41.5, 36.8)))
    for party in ("IL", "TR"):
        found = line.get(party, "/v1/events", limit=5_000).json()["events"]
        kinds = [e["type"] for e in found if e["type"].startswith("conflict.")]
        assert kinds == ["conflict.opened", "conflict.acknowledged", "conflict.resolved"]


def test_a_third_party_never_sees_the_conflict(line: Line) -> None:
    _, _, conflict = clash(line)
    answer = line.get("AZ", f"/v1/conflicts/{conflict['id']}", "mediator")
    assert answer.status_code == 403
    events = line.get("AZ", "/v1/events", "mediator", limit=5_000).json()["events"]
    assert not [e for e in events if e["type"].startswith("conflict.")]


# --- blind mode --------------------------------------------------------------------------------


def test_a_blind_notice_shows_the_other_side_only_its_conflict_region_and_window(
    line: Line,
) -> None:
    """TR files blind: two volumes, one far from anything, and text meant for its own staff.
    IL is told of the conflict; nothing IL can read holds TR's notice id, its kind, its far
    volume or its text."""
    ours = filed(line, "IL", notice("uav_flight", volume(circle(PALMYRA, 5_000))))
    far = square(41.9, 36.9, 0.02)
    secret = "SECRET: 3 x F-16, call sign KARTAL"
    theirs = filed(
        line,
        "TR",
        notice(
            "air_strike",
            volume(circle((38.32, 34.55), 4_000), start=1),
            volume(far, start=1),
            sharing="blind",
            free_text=secret,
        ),
    )
    (conflict,) = line.conflicts("IL")
    assert conflict["a"] == {"party": "TR", "blind": True, **none("notice_id", "notice_version")}
    assert conflict["b"]["notice_id"] == ours["id"]
    region = shape(conflict["region"])
    assert region.intersects(shape(ours["versions"][0]["volumes"][0]["footprint"]))
    assert not region.intersects(shape(theirs["versions"][0]["volumes"][1]["footprint"]))
    everything = json.dumps(all_il_can_read(line))
    assert secret not in everything and "air_strike" not in everything
    assert f'"notice_id": {theirs["id"]}' not in everything
    assert str(far["coordinates"][0][0][0]) not in everything
    own = line.get("TR", f"/v1/conflicts/{conflict['id']}").json()
    assert own["a"]["notice_id"] == theirs["id"]  # TR sees its own notice in full


def none(*fields: str) -> dict[str, Any]:
    return dict.fromkeys([*fields, "zone_id", "position_id"])


def all_il_can_read(line: Line) -> list[Any]:
    paths = ["/v1/notices", "/v1/conflicts", "/v1/messages", "/v1/zones", "/v1/positions"]
    answers: list[Any] = [line.get("IL", path).json() for path in paths]
    answers.append(line.get("IL", "/v1/events", limit=5_000).json())
    for conflict in line.conflicts("IL"):
        answers.append(line.get("IL", f"/v1/conflicts/{conflict['id']}").json())
    return answers


# --- precedence ---------------------------------------------------------------------------------


def test_the_alerts_precedence_rises_with_severity_and_nearness() -> None:
    hour, urgency = 3_600, Urgency()

    def carried(severity: Severity, starts_in_s: float) -> Precedence:
        return precedence(severity, starts_in_s, urgency)

    assert carried(Severity.CRITICAL, 10 * hour) is Precedence.FLASH
    assert carried(Severity.HIGH, hour) is Precedence.FLASH
    assert carried(Severity.HIGH, hour + 1) is Precedence.IMMEDIATE
    assert carried(Severity.MEDIUM, hour) is Precedence.IMMEDIATE
    assert carried(Severity.MEDIUM, hour + 1) is Precedence.PRIORITY
    assert carried(Severity.LOW, hour) is Precedence.PRIORITY
    assert carried(Severity.LOW, hour + 1) is Precedence.ROUTINE


def test_soon_is_what_the_protocol_says() -> None:
    two_hours = Urgency(soon_s=7_200, imminent_s=900)
    assert precedence(Severity.HIGH, 5_000, two_hours) is Precedence.FLASH
    assert precedence(Severity.HIGH, 5_000, Urgency()) is Precedence.IMMEDIATE
