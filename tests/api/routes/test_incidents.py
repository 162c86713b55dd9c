"""Incidents through the API: the Il-20 case filed by the party that lost its aircraft, the facts
the line computes from its own record, the review moving in order between the parties involved,
each step on both lines in each reader's language, referral to the mediator, and every bad
input refused naming its field with nothing stored."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from tests.conftest import START, Line
from tests.support.incidents import AIRCRAFT, INCIDENT, Il20, play
from tests.support.refusals import refused

INCIDENTS = "/v1/incidents"
LIAISON = "liaison_officer"


@pytest.fixture
def il20(line: Line, clock: FixedClock) -> Il20:
    return play(line, clock)


def filed(line: Line, party: str = "TR", **changes: Any) -> dict[str, Any]:
    answer = line.post(party, INCIDENTS, json={**INCIDENT, **changes})
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


def moved(line: Line, party: str, incident: int, state: str, status: int = 200) -> Any:
    answer = line.post(party, f"{INCIDENTS}/{incident}/state", LIAISON, json={"state": state})
    assert answer.status_code == status, answer.text
    return answer.json()


def facts(case: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for fact in case["facts"]:
        found.setdefault(fact["kind"], []).append(fact)
    return found


def test_the_il20_case_gives_the_facts_the_dispute_is_about(line: Line, il20: Il20) -> None:
    case = filed(line, tracks=[il20.aircraft])
    found = facts(case)
    (lead,) = found["notice_lead"]
    assert lead["text"] == (
        f"notice {il20.notice['id']} (air_strike) of IL was filed 60 s before its window, "
        "against a lead time of 900 s: 840 s late"
    )
    assert lead["values"] == {
        "notice": il20.notice["id"],
        "lead_s": 60,
        "late_s": 840,
        "required_s": 900,
    }
    (distance,) = found["notice_distance"]
    assert distance["values"]["distance_km"] == pytest.approx(30, abs=0.2)
    (located,) = found["message_distance"]
    assert located["values"]["distance_km"] == pytest.approx(31, abs=0.2)
    (ack,) = found["acknowledgement"]
    assert (ack["values"]["sent_s"], ack["values"]["acknowledged_s"]) == (-60, 240)
    assert "TR acknowledged it 240 s after it began" in ack["text"]
    (closest,) = found["track_distance"]
    assert (closest["values"]["track"], closest["values"]["distance_km"]) == (il20.aircraft, 0)


def test_each_fact_names_the_evidence_it_comes_from(line: Line, il20: Il20) -> None:
    case = filed(line, tracks=[il20.aircraft])
    evidence = {item["seq"]: item["type"] for item in case["evidence"]}
    for fact in case["facts"]:
        assert fact["items"] and set(fact["items"]) <= set(evidence), fact
    (ack,) = facts(case)["acknowledgement"]
    assert [evidence[seq] for seq in ack["items"]] == ["message.sent", "message.acknowledged"]


def test_the_timeline_orders_the_record_with_each_recipients_receipts(
    line: Line, il20: Il20
) -> None:
    case = filed(line, tracks=[il20.aircraft])
    timeline = case["timeline"]
    assert [e["time"] for e in timeline] == sorted(e["time"] for e in timeline)
    (warning,) = [e for e in timeline if e["type"] == "message.sent"]
    acknowledged = START + timedelta(seconds=360)
    assert warning["receipts"]["TR"]["acknowledged"] == acknowledged.isoformat().replace(
        "+00:00", "Z"
    )
    assert warning["text"] == f"IL sent FLASH warning {il20.warning['id']} to TR"
    assert timeline[-1]["type"] == "incident.reported" and timeline[-1]["owner"] == "TR"


def test_the_parties_see_the_record_each_saw_and_its_tracks_as_each_saw_them(
    line: Line, il20: Il20
) -> None:
    case = filed(line, tracks=[il20.aircraft])
    theirs = line.get("IL", f"{INCIDENTS}/{case['incident']['id']}").json()
    tracks = {
        party: {i["payload"]["track"]["id"] for i in view["evidence"] if "track" in i["payload"]}
        for party, view in (("TR", case), ("IL", theirs))
    }
    assert tracks == {"TR": {il20.aircraft}, "IL": {il20.aircraft, il20.jet}}
    assert theirs["incident"]["narratives"]["TR"]["text"] == INCIDENT["narrative"]


def test_the_other_party_acknowledges_then_both_review_and_agree_the_findings(
    line: Line, il20: Il20
) -> None:
    number = filed(line)["incident"]["id"]
    refusal = moved(line, "TR", number, "acknowledged", 403)
    assert refusal["field"] == "state"
    out_of_order = moved(line, "IL", number, "closed", 409)
    assert (out_of_order["field"], "next: acknowledged" in out_of_order["reason"]) == (
        "state",
        True,
    )
    moved(line, "IL", number, "acknowledged")
    moved(line, "TR", number, "under_review")
    assert "no finding" in moved(line, "IL", number, "findings_agreed", 409)["reason"]
    finding = {"factor": "late_or_wrong_notification", "text": "The notice came 60 s ahead."}
    assert line.post("TR", f"{INCIDENTS}/{number}/findings", LIAISON, json=finding).is_success
    held = moved(line, "TR", number, "findings_agreed", 409)
    assert held["reason"] == "finding 1 is not agreed by IL"
    position = {"position": "agree"}
    agreed = line.client.put(
        f"{INCIDENTS}/{number}/findings/1/position",
        json=position,
        headers=line.headers("IL", LIAISON),
    )
    assert agreed.status_code == 200, agreed.text
    assert moved(line, "IL", number, "findings_agreed")["incident"]["state"] == "findings_agreed"
    closed = moved(line, "TR", number, "closed")
    steps = [(c["state"], c["by"]) for c in closed["incident"]["history"]]
    assert steps == [
        ("reported", "TR"),
        ("acknowledged", "IL"),
        ("under_review", "TR"),
        ("findings_agreed", "IL"),
        ("closed", "TR"),
    ]
    late = line.client.put(
        f"{INCIDENTS}/{number}/narrative", json={"text": "..."}, headers=line.headers("IL")
    )
    assert (late.status_code, late.json()["field"]) == (409, "incident")


def test_a_disputed_case_closes_with_both_positions_on_record(line: Line, il20: Il20) -> None:
    number = filed(line)["incident"]["id"]
    moved(line, "IL", number, "acknowledged")
    moved(line, "IL", number, "under_review")
    answer = line.post(
        "IL",
        f"{INCIDENTS}/{number}/state",
        LIAISON,
        json={"state": "disputed", "note": "The notice was on time by our clock."},
    )
    assert answer.json()["incident"]["state"] == "disputed"
    written = line.client.put(
        f"{INCIDENTS}/{number}/narrative",
        json={"text": "Our strike notice went out as the protocol asks."},
        headers=line.headers("IL", LIAISON),
    )
    assert written.status_code == 200, written.text
    closed = moved(line, "TR", number, "closed")
    assert set(closed["incident"]["narratives"]) == {"TR", "IL"}
    assert closed["incident"]["history"][3]["note"] == "The notice was on time by our clock."


def test_each_step_reaches_both_lines_in_each_readers_language(line: Line, il20: Il20) -> None:
    number = filed(line)["incident"]["id"]
    moved(line, "IL", number, "acknowledged")
    for party, title in (("IL", "אירוע"), ("TR", "Olay")):
        inbox = line.get(party, "/v1/messages", box="all", type="incident_update").json()
        updates = [m for m in inbox["messages"] if m["type"] == "incident_update"]
        assert [m["body"]["state"] for m in updates] == ["acknowledged", "reported"]
        assert {m["rendered"]["title"] for m in updates} == {title}


def test_a_step_is_on_the_ledger_for_each_party_as_it_sees_the_case(line: Line, il20: Il20) -> None:
    number = filed(line, tracks=[il20.aircraft])["incident"]["id"]
    seen = {}
    for party in ("IL", "TR", "AZ"):
        role = "mediator" if party == "AZ" else "duty_officer"
        events = line.get(party, "/v1/events", role, limit=5_000).json()["events"]
        seen[party] = [e for e in events if e["type"] == "incident.filed"]
    assert seen["AZ"] == []
    (il,), (tr,) = seen["IL"], seen["TR"]
    assert il["payload"]["incident"]["id"] == tr["payload"]["incident"]["id"] == number
    assert set(tr["payload"]["evidence"]) < set(il["payload"]["evidence"]), "IL's blind jet"


def test_a_referral_opens_the_case_to_the_mediator_but_only_what_is_shown_it(
    line: Line, il20: Il20
) -> None:
    case = filed(line, tracks=[il20.aircraft])
    number = case["incident"]["id"]
    assert line.get("AZ", f"{INCIDENTS}/{number}", "mediator").status_code == 404
    referred = line.post(
        "TR", f"{INCIDENTS}/{number}/referral", json={"note": "We ask Baku to review it."}
    )
    assert referred.status_code == 200, referred.text
    again = line.post("IL", f"{INCIDENTS}/{number}/referral", json={"note": "And us."})
    assert (again.status_code, again.json()["field"]) == (409, "incident")
    theirs = line.get("AZ", f"{INCIDENTS}/{number}", "mediator").json()
    assert (theirs["evidence"], theirs["incident"]["narratives"]) == ([], {})
    assert theirs["incident"]["referral"]["note"] == "We ask Baku to review it."

    track = next(i["seq"] for i in case["evidence"] if i["type"] == "incident.evidence")
    shown = line.post(
        "TR",
        f"{INCIDENTS}/{number}/share",
        json={"with": "AZ", "items": [track], "narrative": True},
    )
    assert shown.status_code == 200, shown.text
    theirs = line.get("AZ", f"{INCIDENTS}/{number}", "mediator").json()
    assert [i["seq"] for i in theirs["evidence"]] == [track]
    assert set(theirs["incident"]["narratives"]) == {"TR"}
    assert [f["kind"] for f in theirs["facts"]] == ["track_distance"]
    assert [i["id"] for i in line.get("AZ", INCIDENTS, "mediator").json()["incidents"]] == [number]


def test_a_party_shares_only_its_own_record(line: Line, il20: Il20) -> None:
    case = filed(line, tracks=[il20.aircraft])
    number = case["incident"]["id"]
    notice = next(i["seq"] for i in case["evidence"] if i["type"] == "notice.filed")
    share = f"{INCIDENTS}/{number}/share"
    theirs = line.post("TR", share, json={"with": "AZ", "items": [notice]})
    assert (theirs.status_code, theirs.json()["field"]) == (403, "items.0")
    unknown = line.post("TR", share, json={"with": "AZ", "items": [10**9]})
    assert (unknown.status_code, unknown.json()["field"]) == (404, "items.0")
    outsider = line.post("TR", share, json={"with": "RU", "items": []})
    assert (outsider.status_code, outsider.json()["field"]) == (422, "with")
    nothing = line.post("TR", share, json={"with": "AZ"})
    assert (nothing.status_code, nothing.json()["field"]) == (422, "items")


def test_an_incident_is_raised_from_an_incident_report(
    line: Line, il20: Il20, clock: FixedClock
) -> None:
    body = {
        "kind": "fire_control_radar_lock",
        "occurred_at": (clock.now() - timedelta(seconds=30)).isoformat(),
        "location": {"lat": AIRCRAFT[0], "lon": AIRCRAFT[1]},
    }
    request = {"to": "IL", "type": "incident_report", "precedence": "IMMEDIATE", "body": body}
    report = line.send("TR", request).json()
    clock.advance(60)
    answer = line.post("IL", INCIDENTS, json={"from_message": report["id"], "severity": "minor"})
    assert answer.status_code == 201, answer.text
    incident = answer.json()["incident"]
    assert (incident["kind"], incident["filed_by"], incident["parties"]) == (
        "fire_control_radar_lock",
        "IL",
        ["IL", "TR"],
    )
    assert incident["place"]["point"] == {"lat": AIRCRAFT[0], "lon": AIRCRAFT[1]}
    assert incident["end"] == clock.now().isoformat().replace("+00:00", "Z")
    warning = line.post("IL", INCIDENTS, json={"from_message": il20.warning["id"]})
    assert (warning.status_code, warning.json()["field"]) == (422, "from_message")


BAD = [
    ("end before start", {"end": INCIDENT["start"], "start": INCIDENT["end"]}, "end"),
    ("end to come", {"end": (START + timedelta(days=1)).isoformat()}, "end"),
    ("outside the theatre", {"place": {"point": {"lat": 51.5, "lon": -0.1}}}, "place.point"),
    ("no place", {"place": {"radius_m": 5_000}}, "place"),
    ("two places", {"place": {"point": {"lat": 34.7, "lon": 38.3}, "track": 1}}, "place"),
    ("a party not of the agreement", {"parties": ["RU"]}, "parties.0"),
    ("a kind not in the list", {"kind": "alien_abduction"}, "kind"),
    ("a field of its own", {"evidence": ["made up"]}, "evidence"),
    ("no kind", {"kind": None}, "kind"),
]


@pytest.mark.parametrize(("changes", "field"), [pytest.param(c, f, id=i) for i, c, f in BAD])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(
    line: Line, engine: Engine, il20: Il20, changes: dict[str, Any], field: str
) -> None:
    refusal = refused(engine, lambda: line.post("TR", INCIDENTS, json={**INCIDENT, **changes}))
    assert (refusal.status, refusal.field) == (422, field)


@pytest.mark.parametrize("field", ["tracks.0", "place.track"])
def test_a_track_the_party_may_not_see_is_refused(
    line: Line, engine: Engine, il20: Il20, field: str
) -> None:
    hidden = {"tracks": [il20.jet]} if field == "tracks.0" else {"place": {"track": il20.jet}}
    request = {**INCIDENT, **hidden}
    refusal = refused(engine, lambda: line.post("TR", INCIDENTS, json=request))
    assert (refusal.status, refusal.field) == (422, field)


def test_only_the_involved_watch_writes_a_case(line: Line, engine: Engine, il20: Il20) -> None:
    mediator = refused(engine, lambda: line.post("AZ", INCIDENTS, "mediator", json=INCIDENT))
    assert mediator.status == 403
    auditor = refused(engine, lambda: line.post("TR", INCIDENTS, "auditor", json=INCIDENT))
    assert (auditor.status, auditor.field) == (403, "role")
    number = filed(line)["incident"]["id"]
    referral = line.post("AZ", f"{INCIDENTS}/{number}/referral", "mediator", json={"note": "x"})
    assert referral.status_code == 404, "the mediator is not told of an unreferred case"


def test_the_round_report_counts_incidents_by_kind_and_state(
    line: Line, il20: Il20, clock: FixedClock
) -> None:
    number = filed(line)["incident"]["id"]
    moved(line, "IL", number, "acknowledged")
    rounds = "/v1/agreements/il-tr-syria/rounds"
    day = clock.now().date().isoformat()
    opened = {"place": "Baku", "starts_on": day, "ends_on": day}
    assert line.post("AZ", rounds, "mediator", json=opened).status_code == 201
    window = {"from": START.isoformat(), "to": (clock.now() + timedelta(hours=1)).isoformat()}
    for party, role, shown in (("TR", LIAISON, 1), ("AZ", "mediator", "fewer than 3")):
        report = line.get(party, f"{rounds}/1/report", role, **window).json()["aggregate"]
        assert report["incidents_by_kind"]["fire_near_forces"] == shown
        assert report["incidents_by_state"]["acknowledged"] == shown
        assert report["incidents_by_kind"]["jamming"] == 0
