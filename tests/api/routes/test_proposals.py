"""Amending the protocol through the API: a proposal signed by one party is not in force, by
both it is adopted, and it takes effect at its effective time on the fake clock; a FLASH sent
before and after gets the old and the new deadline; new minima re-screen the live notices.
Forged signatures, and every bad input, are refused naming the field, with nothing stored."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Engine

from clearline import demo
from clearline.clock import FixedClock
from tests.conftest import IL_RU, Line, add_il_ru, warning
from tests.support.amending import LIAISON, PROPOSALS, Liaisons, public_text, signature
from tests.support.refusals import refused
from tests.support.theatre import PALMYRA, circle, filed, notice, volume

PROTOCOL = f"/v1/agreements/{demo.AGREEMENT_ID}/protocol"
FLASH_90 = {"patch": {"ack_deadline_s": {"FLASH": 90}}, "reason": "FLASH in 90 s"}


@pytest.fixture
def liaisons(line: Line) -> Liaisons:
    return Liaisons(line).register("IL", "TR")


def later(clock: FixedClock, hours: float = 1) -> str:
    return (clock.now() + timedelta(hours=hours)).isoformat()


def in_force(line: Line) -> int:
    version: int = line.get("IL", PROTOCOL).json()["version"]
    return version


def flash_due_s(line: Line) -> tuple[float, int]:
    """A FLASH from TR to IL: seconds until IL must acknowledge it, and the version it used."""
    answer = line.send("TR", warning(precedence="FLASH"))
    assert answer.status_code == 201, answer.text
    sent = answer.json()
    (copy,) = sent["recipients"]
    due = datetime.fromisoformat(copy["due_at"]) - datetime.fromisoformat(sent["created_at"])
    return due.total_seconds(), sent["protocol_version"]


def events_of(line: Line, party: str, type: str) -> list[dict[str, Any]]:
    found = line.get(party, "/v1/events", limit=5_000).json()["events"]
    return [e for e in found if e["type"] == type]


# --- the life of an amendment -------------------------------------------------------------


def test_one_signature_is_not_enough_and_both_adopt_it_to_take_effect_at_its_time(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    proposal = liaisons.proposed("IL", **FLASH_90, effective_at=later(clock))
    assert (proposal["number"], proposal["version"], proposal["state"]) == (1, 2, "open")
    assert proposal["protocol"]["ack_deadline_s"]["FLASH"] == 90

    signed_once = liaisons.approved("IL", proposal)
    assert signed_once["state"] == "open" and [a["party"] for a in signed_once["approvals"]] == [
        "IL"
    ]
    assert in_force(line) == 1

    adopted = liaisons.approved("TR", proposal)
    assert adopted["state"] == "adopted"
    assert in_force(line) == 1  # adopted, but its time has not come
    assert flash_due_s(line) == (120, 1)

    clock.advance(3_600)
    assert flash_due_s(line) == (90, 2)  # by time, before the watch has announced it
    line.watch()
    assert in_force(line) == 2
    (taken,) = events_of(line, "TR", "protocol.in_force")
    assert (taken["payload"]["version"], taken["payload"]["previous"]) == (2, 1)


def test_signatures_that_come_after_the_effective_time_take_effect_when_the_last_comes(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    proposal = liaisons.proposed("IL", **FLASH_90, effective_at=later(clock))
    liaisons.approved("IL", proposal)
    clock.advance(2 * 3_600)
    assert flash_due_s(line) == (120, 1)
    liaisons.approved("TR", proposal)
    assert flash_due_s(line) == (90, 2)
    (adopted,) = events_of(line, "IL", "protocol.adopted")
    assert adopted["payload"]["effective_at"] == clock.now().isoformat()


def test_each_step_is_an_event_and_a_message_on_the_line_in_each_readers_language(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    liaisons.adopted("IL", **FLASH_90, effective_at=later(clock))
    clock.advance(3_600)
    line.watch()
    for party in ("IL", "TR", "AZ"):
        role = "mediator" if party == "AZ" else "duty_officer"
        found = line.get(party, "/v1/events", role, limit=5_000).json()["events"]
        types = [e["type"] for e in found if e["type"].startswith("protocol.")]
        assert types == [
            "protocol.key_registered",
            "protocol.key_registered",
            "protocol.proposed",
            "protocol.approved",
            "protocol.approved",
            "protocol.adopted",
            "protocol.in_force",
        ]
    hebrew = line.get("IL", "/v1/messages", type="protocol_change", lang="he").json()
    stages = [m["body"]["stage"] for m in hebrew["messages"]]
    assert stages == ["in_force", "adopted", "approved", "approved", "proposed"]
    proposed = hebrew["messages"][-1]
    assert proposed["rendered"]["title"] == "תיקון פרוטוקול"
    assert proposed["rendered"]["text"].startswith("הוצע: גרסת פרוטוקול 2 (הצעה 1)")
    assert proposed["free_text"] == "FLASH in 90 s"  # the reason, as typed, untranslated
    turkish = line.get("TR", "/v1/messages", type="protocol_change", lang="tr").json()
    assert turkish["messages"][0]["rendered"]["text"].startswith("Yürürlükte: protokol sürümü 2")


def test_new_minima_screen_the_live_notices_again_and_mark_what_they_opened(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    east = (PALMYRA[0] + 0.3, PALMYRA[1])  # 27.5 km east: 7.5 km between the two circles
    filed(line, "IL", notice("uav_flight", volume(circle(PALMYRA, 10_000), start=3)))
    filed(line, "TR", notice("uav_flight", volume(circle(east, 10_000), start=3)))
    assert line.get("IL", "/v1/conflicts").json()["conflicts"] == []

    wider = {"patch": {"separation": {"horizontal_m": 10_000}}, "reason": "10 km apart"}
    liaisons.adopted("TR", **wider, effective_at=later(clock))
    line.watch()
    assert line.get("IL", "/v1/conflicts").json()["conflicts"] == []  # not yet in force

    clock.advance(3_600)
    line.watch()
    (opened,) = line.get("IL", "/v1/conflicts").json()["conflicts"]
    assert (opened["protocol_version"], opened["amendment"]) == (2, 2)
    (taken,) = events_of(line, "IL", "protocol.in_force")
    assert taken["payload"]["rescreened"] == 2


def test_a_lead_time_comes_from_the_version_in_force_when_the_notice_is_filed(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    longer = {"patch": {"lead_time_s": {"air_strike": 3_600}}, "reason": "an hour's notice"}
    liaisons.adopted("TR", **longer, effective_at=later(clock))
    before = filed(line, "IL", notice("air_strike", volume(start=0.5)))["versions"][-1]
    clock.advance(3_600)
    after = filed(line, "IL", notice("air_strike", volume(start=1.5)))["versions"][-1]
    assert (before["late_s"], before["protocol_version"]) == (0, 1)
    assert (after["late_s"], after["protocol_version"]) == (1_800, 2)


def test_a_rejection_ends_a_proposal(
    line: Line, liaisons: Liaisons, clock: FixedClock, engine: Engine
) -> None:
    proposal = liaisons.proposed("IL", **FLASH_90, effective_at=later(clock))
    path = f"{PROPOSALS}/{proposal['number']}/rejection"
    rejected = line.post("TR", path, LIAISON, json={"reason": "too short for our watch"})
    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["state"], rejected.json()["decision"]) == (
        "rejected",
        "too short for our watch",
    )
    refusal = refused(engine, lambda: liaisons.approve("IL", proposal))
    assert (refusal.status, refusal.field) == (409, "number")
    assert "rejected" in refusal.reason


def test_a_newer_proposal_supersedes_an_open_one_only_if_it_says_so(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    first = liaisons.proposed("IL", **FLASH_90, effective_at=later(clock))
    second = liaisons.proposed("TR", **FLASH_90, effective_at=later(clock))
    both = line.get("IL", PROPOSALS, state="open").json()["proposals"]
    assert [p["number"] for p in both] == [second["number"], first["number"]]

    third = liaisons.proposed(
        "TR", **FLASH_90, effective_at=later(clock), supersedes=second["number"]
    )
    assert line.get("IL", f"{PROPOSALS}/{second['number']}").json()["state"] == "superseded"
    liaisons.approved("IL", third)
    liaisons.approved("TR", third)
    overtaken = line.get("IL", f"{PROPOSALS}/{first['number']}").json()
    assert overtaken["state"] == "superseded"
    assert overtaken["decision"] == f"version 2 was adopted from proposal {third['number']}"


def test_a_whole_document_may_be_proposed_and_is_numbered_by_the_line(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    document = line.get("IL", PROTOCOL).json()
    document.pop("version")
    document["line_check_interval_s"] = 1_800
    proposal = liaisons.proposed(
        "TR", protocol=document, reason="checks every half hour", effective_at=later(clock)
    )
    assert proposal["version"] == 2 and proposal["protocol"]["line_check_interval_s"] == 1_800


# --- forged signatures ----------------------------------------------------------------------


def test_a_signature_by_the_lines_own_key_is_refused(
    line: Line, liaisons: Liaisons, clock: FixedClock, engine: Engine
) -> None:
    proposal = liaisons.proposed("IL", **FLASH_90, effective_at=later(clock))
    lines_key = line.client.app.state.runtime.key  # type: ignore[attr-defined]
    refusal = refused(engine, lambda: liaisons.approve("TR", proposal, key=lines_key))
    assert (refusal.status, refusal.field) == (422, "signature")


def test_a_signature_by_a_key_not_registered_or_another_users_is_refused(
    line: Line, liaisons: Liaisons, clock: FixedClock, engine: Engine
) -> None:
    proposal = liaisons.proposed("IL", **FLASH_90, effective_at=later(clock))
    stranger = Ed25519PrivateKey.generate()
    for key in (stranger, liaisons.keys["IL"]):
        refusal = refused(engine, lambda key=key: liaisons.approve("TR", proposal, key=key))
        assert (refusal.status, refusal.field) == (422, "signature")
    assert line.get("IL", f"{PROPOSALS}/1").json()["approvals"] == []


def test_a_signature_over_other_bytes_is_refused(
    line: Line, liaisons: Liaisons, clock: FixedClock, engine: Engine
) -> None:
    proposal = liaisons.proposed("IL", **FLASH_90, effective_at=later(clock))
    other = {**proposal, "protocol": {**proposal["protocol"], "standoff_m": 1}}
    forged = signature(liaisons.keys["TR"], other)
    path = f"{PROPOSALS}/{proposal['number']}/approvals"
    refusal = refused(engine, lambda: line.post("TR", path, LIAISON, json={"signature": forged}))
    assert (refusal.status, refusal.field) == (422, "signature")


def test_a_liaison_without_a_registered_key_is_told_to_make_one(
    line: Line, clock: FixedClock, engine: Engine
) -> None:
    liaisons = Liaisons(line).register("IL")
    proposal = liaisons.proposed("IL", **FLASH_90, effective_at=later(clock))
    unregistered = Liaisons(line, {"TR": Ed25519PrivateKey.generate()})
    refusal = refused(engine, lambda: unregistered.approve("TR", proposal))
    assert (refusal.status, refusal.field) == (422, "signature")
    assert "keygen" in refusal.reason


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("party", "role", "field"),
    [
        ("IL", "duty_officer", "role"),
        ("TR", "watch_commander", "role"),
        ("AZ", "mediator", "party"),
    ],
)
def test_only_a_partys_liaison_officer_proposes(
    line: Line, clock: FixedClock, engine: Engine, party: str, role: str, field: str
) -> None:
    request = {**FLASH_90, "effective_at": later(clock)}
    refusal = refused(engine, lambda: line.post(party, PROPOSALS, role, json=request))
    assert (refusal.status, refusal.field) == (403, field)


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"ack_deadline_s": {"FLASH": -5}}, "patch.ack_deadline_s.FLASH"),
        ({"lead_time_s": {"orbital_strike": 60}}, "patch.lead_time_s.orbital_strike.[key]"),
        ({"line_pairs": [["IL", "RU"]]}, "patch.line_pairs"),
        ({"theatre_centre": [36.0, 37.0]}, "patch.theatre_centre"),
        ({"no_such_rule": 1}, "patch.no_such_rule"),
        ({"version": 7}, "patch.version"),
        ({"ack_deadline_s": {"FLASH": 120}}, "patch"),  # changes nothing
    ],
)
def test_a_version_that_does_not_validate_is_refused_naming_the_rule(
    liaisons: Liaisons, clock: FixedClock, engine: Engine, patch: dict[str, Any], field: str
) -> None:
    request = {"patch": patch, "reason": "try", "effective_at": later(clock)}
    refusal = refused(engine, lambda: liaisons.propose("IL", **request))
    assert (refusal.status, refusal.field) == (422, field)


def test_an_effective_time_in_the_past_or_inside_the_notice_period_is_refused(
    line: Line, liaisons: Liaisons, clock: FixedClock, engine: Engine
) -> None:
    past = refused(
        engine, lambda: liaisons.propose("IL", **FLASH_90, effective_at=later(clock, -1))
    )
    assert (past.status, past.field) == (422, "effective_at") and "past" in past.reason

    notice = {"patch": {"amendment_notice_s": 86_400}, "reason": "a day to read"}
    liaisons.adopted("IL", **notice, effective_at=clock.now().isoformat())
    soon = refused(engine, lambda: liaisons.propose("IL", **FLASH_90, effective_at=later(clock)))
    assert (soon.status, soon.field) == (422, "effective_at")
    assert "notice period is 86400 s" in soon.reason
    assert liaisons.propose("IL", **FLASH_90, effective_at=later(clock, 25)).status_code == 201


def test_signing_twice_or_signing_an_adopted_or_superseded_proposal_is_refused(
    line: Line, liaisons: Liaisons, clock: FixedClock, engine: Engine
) -> None:
    first = liaisons.proposed("IL", **FLASH_90, effective_at=later(clock))
    liaisons.approved("IL", first)
    twice = refused(engine, lambda: liaisons.approve("IL", first))
    assert (twice.status, twice.field) == (409, "number")

    second = liaisons.proposed("TR", **FLASH_90, effective_at=later(clock), supersedes=1)
    superseded = refused(engine, lambda: liaisons.approve("TR", first))
    assert (superseded.status, superseded.field) == (409, "number")

    liaisons.approved("IL", second)
    liaisons.approved("TR", second)
    adopted = refused(engine, lambda: liaisons.approve("TR", second))
    assert (adopted.status, adopted.field) == (409, "number")


def test_a_key_is_registered_once_and_must_be_an_ed25519_public_key(
    line: Line, liaisons: Liaisons, engine: Engine
) -> None:
    again = {"public_key": public_text(liaisons.keys["IL"])}
    twice = refused(engine, lambda: line.post("TR", "/v1/keys", LIAISON, json=again))
    assert (twice.status, twice.field) == (409, "public_key")
    short = {"public_key": "c2hvcnQ="}
    bad = refused(engine, lambda: line.post("TR", "/v1/keys", LIAISON, json=short))
    assert (bad.status, bad.field) == (422, "public_key")
    key = {"public_key": public_text(Ed25519PrivateKey.generate())}
    watch = refused(engine, lambda: line.post("TR", "/v1/keys", "duty_officer", json=key))
    assert (watch.status, watch.field) == (403, "role")


def test_another_agreements_party_sees_no_proposal_nor_that_there_is_one(
    line: Line, liaisons: Liaisons, clock: FixedClock, engine: Engine, tokens: demo.Tokens
) -> None:
    add_il_ru(engine, tokens, clock)
    proposal = liaisons.proposed("TR", **FLASH_90, effective_at=later(clock))
    for path in (PROPOSALS, f"{PROPOSALS}/{proposal['number']}"):
        answer = line.get("RU", path)
        assert answer.status_code == 404 and answer.json()["field"] == "agreement_id"
    seen = line.get("RU", "/v1/events", limit=5_000).text + line.get("RU", "/v1/messages").text
    assert proposal["digest"] not in seen and "FLASH in 90 s" not in seen
    assert line.get("IL", f"/v1/agreements/{IL_RU}/proposals").json()["proposals"] == []
