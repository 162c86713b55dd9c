"""Unknown objects, on both back-ends: one near a party's forces makes the line ask every other
party "is this yours?" at IMMEDIATE, once; "ours" attaches it to the answering party, "not ours"
from everyone makes it hostile-unknown for the party that asked, and silence escalates."""

from __future__ import annotations

from typing import Any

import pytest

from clearline.clock import FixedClock
from tests.conftest import Line
from tests.support.tracks import fly, jet, report

T4_BASE = {"name": "T4", "kind": "base", "lat": 34.52, "lon": 37.63}


def drone(clock: FixedClock, lat: float = 34.58, lon: float = 37.70) -> dict[str, Any]:
    """A small drone TR's radar sees about 9 km north-east of T4, drifting slowly."""
    values = {"ground_speed_kt": 40, "track_deg": 200, "alt_ft": 3_000}
    return report("RADAR-77", "unknown_object", lat, lon, clock.now(), **values)


def queries(line: Line, party: str) -> list[dict[str, Any]]:
    inbox = line.get(party, "/v1/messages", box="inbox").json()["messages"]
    return [m for m in inbox if m["type"] == "identification_query"]


def answer(line: Line, query: dict[str, Any], word: str) -> None:
    reply = {
        "to": query["sender_party"],
        "type": "identification_reply",
        "precedence": "IMMEDIATE",
        "body": {"answer": word},
        "in_reply_to": query["id"],
    }
    sent = line.send("TR", reply)
    assert sent.status_code == 201, sent.text


def test_an_unknown_near_a_declared_position_raises_one_query(
    line: Line, clock: FixedClock
) -> None:
    assert line.post("IL", "/v1/positions", json=T4_BASE).status_code == 201
    line.report("TR", drone(clock))
    fly(line, clock, 3)
    (query,) = queries(line, "TR")
    assert query["sender_party"] == "IL" and query["sender_user"] is None
    assert query["precedence"] == "IMMEDIATE"
    assert query["body"]["object_kind"] == "unknown_object"
    assert abs(query["body"]["location"]["lat"] - 34.58) < 0.01
    assert queries(line, "IL") == []


def test_an_unknown_far_from_everyone_raises_nothing(line: Line, clock: FixedClock) -> None:
    line.post("IL", "/v1/positions", json=T4_BASE)
    line.report("TR", drone(clock, lat=36.2, lon=40.5))
    fly(line, clock, 3)
    assert queries(line, "TR") == [] and queries(line, "IL") == []


def test_an_unknown_near_a_partys_aircraft_raises_a_query(line: Line, clock: FixedClock) -> None:
    line.report("IL", jet(clock.now()))
    line.report("TR", drone(clock, lat=34.75, lon=38.2))
    fly(line, clock, 1)
    assert [q["sender_party"] for q in queries(line, "TR")] == ["IL"]


@pytest.mark.parametrize("word", ["ours", "partner_force"])
def test_a_claim_attaches_the_object_to_the_answering_party(
    line: Line, clock: FixedClock, word: str
) -> None:
    line.post("IL", "/v1/positions", json=T4_BASE)
    line.report("TR", drone(clock))
    fly(line, clock, 1)
    answer(line, queries(line, "TR")[0], word)
    (track,) = line.tracks("TR")
    assert track["owner"] == "TR" and track["status"] == "attributed"
    events = line.get("IL", "/v1/events").json()["events"]
    (told,) = [e for e in events if e["type"] == "track.attributed"]
    assert told["payload"]["track"]["owner"] == "TR"
    fly(line, clock, 3)
    assert len(queries(line, "TR")) == 1  # a claimed object is not asked about again


def test_not_ours_from_everyone_makes_it_hostile_unknown_for_the_asker(
    line: Line, clock: FixedClock
) -> None:
    line.post("IL", "/v1/positions", json=T4_BASE)
    line.report("TR", drone(clock))
    fly(line, clock, 1)
    answer(line, queries(line, "TR")[0], "checking")
    assert line.tracks("TR")[0]["status"] == "unknown"
    answer(line, queries(line, "TR")[0], "not_ours")
    (track,) = line.tracks("TR")
    assert track["status"] == "hostile_unknown" and track["hostile_for"] == ["IL"]
    assert track["owner"] is None


def test_an_unanswered_query_escalates_like_any_message(line: Line, clock: FixedClock) -> None:
    line.post("IL", "/v1/positions", json=T4_BASE)
    line.report("TR", drone(clock))
    fly(line, clock, 1)
    clock.advance(600)  # IMMEDIATE: 10 minutes to acknowledge
    line.watch()
    events = line.get("TR", "/v1/events").json()["events"]
    assert "message.escalated" in [e["type"] for e in events]


def test_a_claimed_object_is_screened_as_its_claimants(line: Line, clock: FixedClock) -> None:
    line.post("IL", "/v1/positions", json=T4_BASE)
    line.report("TR", drone(clock))
    fly(line, clock, 1)
    assert line.encounters("IL") == []
    answer(line, queries(line, "TR")[0], "ours")
    towards = {"ground_speed_kt": 200, "track_deg": 90, "alt_ft": 3_000}
    line.report("IL", report("HERON-2", "uav", 34.58, 37.67, clock.now(), **towards))
    line.report("TR", drone(clock))
    fly(line, clock, 1)
    (encounter,) = line.encounters("IL")
    assert set(encounter["parties"]) == {"IL", "TR"}
    assert encounter["counterpart"]["kind"] == "track"
