"""The joint review of the Il-20 case through the API: questions the parties put to each other,
findings from the taxonomy that each agrees or disputes, a recommendation naming an amendment,
the mediator's comments once referred, and what the mediator reads of each party's words only
as that party shows it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from tests.conftest import Line
from tests.support import seen
from tests.support.amending import Liaisons
from tests.support.incidents import INCIDENT, Il20, play
from tests.support.refusals import refused

INCIDENTS = "/v1/incidents"
LIAISON = "liaison_officer"
LATE = {"factor": "late_or_wrong_notification", "text": "The strike notice came 60 s ahead."}


@pytest.fixture
def il20(line: Line, clock: FixedClock) -> Il20:
    return play(line, clock)


@pytest.fixture
def reviewing(line: Line, il20: Il20) -> int:
    """The case TR filed, acknowledged by IL and under joint review."""
    answer = line.post("TR", INCIDENTS, json=INCIDENT)
    assert answer.status_code == 201, answer.text
    number: int = answer.json()["incident"]["id"]
    for party, state in (("IL", "acknowledged"), ("TR", "under_review")):
        step(line, party, number, "state", {"state": state})
    return number


def step(line: Line, party: str, number: int, path: str, body: dict[str, Any]) -> Any:
    role = "mediator" if party == "AZ" else LIAISON
    answer = line.post(party, f"{INCIDENTS}/{number}/{path}", role, json=body)
    assert answer.is_success, answer.text
    return answer.json()


def position(line: Line, party: str, number: int, finding: int, body: dict[str, Any]) -> Any:
    path = f"{INCIDENTS}/{number}/findings/{finding}/position"
    return line.client.put(path, json=body, headers=line.headers(party, LIAISON))


def test_a_question_is_answered_by_the_party_it_was_put_to(line: Line, reviewing: int) -> None:
    asked = step(line, "TR", reviewing, "questions", {"text": "Why 60 s?", "to": "IL"})
    (question,) = asked["incident"]["questions"]
    assert (question["number"], question["by"], question["to"]) == (1, "TR", "IL")
    answered = step(
        line, "IL", reviewing, "questions/1/answers", {"text": "Our cell filed it late."}
    )
    (answer,) = answered["incident"]["questions"][0]["answers"]
    assert (answer["by"], answer["text"]) == ("IL", "Our cell filed it late.")
    lines = [(e["type"], e["owner"], e["note"]) for e in answered["timeline"] if e["seq"] is None]
    assert ("incident.question", "TR", "Why 60 s?") in lines
    assert ("incident.answer", "IL", "Our cell filed it late.") in lines


def test_findings_agreed_once_each_party_agrees_each_finding(line: Line, reviewing: int) -> None:
    step(line, "TR", reviewing, "findings", LATE)
    step(
        line, "IL", reviewing, "findings", {"factor": "misidentification", "text": "Il-20 as F-16"}
    )
    disputed = position(line, "TR", reviewing, 2, {"position": "dispute", "note": "It was not."})
    findings = disputed.json()["incident"]["findings"]
    assert {p: s["position"] for p, s in findings[1]["positions"].items()} == {
        "IL": "agree",
        "TR": "dispute",
    }
    held = line.post(
        "TR", f"{INCIDENTS}/{reviewing}/state", LIAISON, json={"state": "findings_agreed"}
    )
    assert (held.status_code, held.json()["reason"]) == (409, "finding 1 is not agreed by IL")
    assert position(line, "IL", reviewing, 1, {"position": "agree"}).is_success
    assert position(line, "TR", reviewing, 2, {"position": "agree"}).is_success
    agreed = step(line, "IL", reviewing, "state", {"state": "findings_agreed"})
    assert agreed["incident"]["state"] == "findings_agreed"
    late = position(line, "IL", reviewing, 1, {"position": "dispute"})
    assert (late.status_code, late.json()["field"]) == (409, "state")


def test_a_recommendation_names_the_amendment_it_asks_for(
    line: Line, reviewing: int, clock: FixedClock
) -> None:
    liaisons = Liaisons(line).register("TR")
    amendment = {
        "patch": {"ack_deadline_s": {"FLASH": 90}},
        "reason": "FLASH in 90 s",
        "effective_at": (clock.now() + timedelta(hours=1)).isoformat(),
    }
    proposal = liaisons.proposed("TR", **amendment)["number"]
    recommendation = {"text": "Acknowledge a FLASH in 90 s.", "proposal": proposal}
    found = step(line, "TR", reviewing, "findings", {**LATE, "recommendation": recommendation})
    (finding,) = found["incident"]["findings"]
    assert finding["recommendation"] == recommendation


def test_a_disputed_case_closes_only_with_every_partys_account(line: Line, reviewing: int) -> None:
    step(line, "IL", reviewing, "state", {"state": "disputed"})
    early = line.post("IL", f"{INCIDENTS}/{reviewing}/state", LIAISON, json={"state": "closed"})
    assert (early.status_code, early.json()["reason"]) == (
        409,
        "a disputed case closes with every party's account: IL has written none",
    )
    written = line.client.put(
        f"{INCIDENTS}/{reviewing}/narrative",
        json={"text": "Our notice went out as the protocol asks."},
        headers=line.headers("IL", LIAISON),
    )
    assert written.status_code == 200, written.text
    assert (
        step(line, "IL", reviewing, "state", {"state": "closed"})["incident"]["state"] == "closed"
    )


def test_the_mediator_comments_once_referred_and_reads_only_words_shown_it(
    line: Line, reviewing: int
) -> None:
    secret_question, secret_answer = "Which battery locked on?", "S-200 battery 7 near Latakia"
    step(line, "TR", reviewing, "questions", {"text": secret_question})
    step(line, "IL", reviewing, "questions/1/answers", {"text": secret_answer})
    step(line, "TR", reviewing, "findings", LATE)
    before = line.post("AZ", f"{INCIDENTS}/{reviewing}/comments", "mediator", json={"text": "x"})
    assert before.status_code == 404, "an unreferred case is not the mediator's"
    step(line, "TR", reviewing, "referral", {"note": "We ask Baku to review it."})
    mediator = seen.everything(line, "AZ", "mediator")
    assert secret_question not in mediator and secret_answer not in mediator
    case = line.get("AZ", f"{INCIDENTS}/{reviewing}", "mediator").json()["incident"]
    assert (case["questions"], [f["factor"] for f in case["findings"]]) == (
        [],
        ["late_or_wrong_notification"],
    )

    step(line, "TR", reviewing, "share", {"with": "AZ", "questions": [1]})
    case = line.get("AZ", f"{INCIDENTS}/{reviewing}", "mediator").json()["incident"]
    assert [(q["text"], q["answers"]) for q in case["questions"]] == [(secret_question, [])]
    assert secret_answer not in seen.everything(line, "AZ", "mediator")
    step(line, "IL", reviewing, "share", {"with": "AZ", "questions": [1]})
    assert secret_answer in seen.everything(line, "AZ", "mediator")

    said = step(line, "AZ", reviewing, "comments", {"text": "Both filed late by the protocol."})
    assert [(c["by"], c["text"]) for c in said["incident"]["comments"]] == [
        ("AZ", "Both filed late by the protocol.")
    ]
    theirs = line.get("IL", f"{INCIDENTS}/{reviewing}").json()["incident"]["comments"]
    assert [c["text"] for c in theirs] == ["Both filed late by the protocol."]


BAD: list[tuple[str, str, str, str, dict[str, Any], int, str]] = [
    ("question to itself", "TR", "post", "questions", {"text": "?", "to": "TR"}, 422, "to"),
    ("question to an outsider", "TR", "post", "questions", {"text": "?", "to": "AZ"}, 422, "to"),
    ("empty question", "TR", "post", "questions", {"text": ""}, 422, "text"),
    ("no such question", "IL", "post", "questions/9/answers", {"text": "a"}, 404, "number"),
    (
        "a factor not in the taxonomy",
        "TR",
        "post",
        "findings",
        {**LATE, "factor": "fate"},
        422,
        "factor",
    ),
    (
        "a proposal that does not exist",
        "TR",
        "post",
        "findings",
        {**LATE, "recommendation": {"text": "r", "proposal": 999}},
        422,
        "recommendation.proposal",
    ),
    ("no such finding", "IL", "put", "findings/9/position", {"position": "agree"}, 404, "number"),
    (
        "a position not agree or dispute",
        "IL",
        "put",
        "findings/1/position",
        {"position": "maybe"},
        422,
        "position",
    ),
    ("a comment by a party", "TR", "post", "comments", {"text": "c"}, 403, "party"),
    (
        "sharing questions it has not written",
        "IL",
        "post",
        "share",
        {"with": "AZ", "questions": [1]},
        403,
        "questions.0",
    ),
    (
        "sharing questions with a party",
        "TR",
        "post",
        "share",
        {"with": "IL", "questions": [1]},
        422,
        "questions",
    ),
]


@pytest.mark.parametrize(
    ("party", "method", "path", "body", "status", "field"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD],
)
def test_bad_review_input_is_refused_naming_the_field_and_nothing_is_stored(
    line: Line,
    engine: Engine,
    reviewing: int,
    party: str,
    method: str,
    path: str,
    body: dict[str, Any],
    status: int,
    field: str,
) -> None:
    step(line, "TR", reviewing, "questions", {"text": "Why 60 s?", "to": "IL"})
    step(line, "TR", reviewing, "findings", LATE)
    url = f"{INCIDENTS}/{reviewing}/{path}"
    headers = line.headers(party, LIAISON)
    refusal = refused(engine, lambda: line.client.request(method, url, json=body, headers=headers))
    assert (refusal.status, refusal.field) == (status, field)


def test_findings_wait_for_the_review_and_the_asker_does_not_answer_itself(
    line: Line, engine: Engine, il20: Il20
) -> None:
    number = line.post("TR", INCIDENTS, json=INCIDENT).json()["incident"]["id"]
    early = refused(
        engine, lambda: line.post("TR", f"{INCIDENTS}/{number}/findings", LIAISON, json=LATE)
    )
    assert (early.status, early.field) == (409, "state")
    step(line, "TR", number, "questions", {"text": "Did you see us?"})
    own = refused(
        engine,
        lambda: line.post(
            "TR", f"{INCIDENTS}/{number}/questions/1/answers", LIAISON, json={"text": "yes"}
        ),
    )
    assert (own.status, own.field) == (403, "party")


def test_the_mediator_puts_a_referred_case_on_a_rounds_agenda(
    line: Line, engine: Engine, reviewing: int
) -> None:
    rounds = "/v1/agreements/il-tr-syria/rounds"
    opened = line.post(
        "AZ",
        rounds,
        "mediator",
        json={"place": "Baku", "starts_on": "2026-12-10", "ends_on": "2026-12-11"},
    )
    assert opened.status_code == 201, opened.text
    agenda = f"{rounds}/{opened.json()['number']}/agenda"
    item = {"title": "The Il-20 off Latakia", "incident": reviewing}
    unreferred = refused(engine, lambda: line.post("AZ", agenda, "mediator", json=item))
    assert (unreferred.status, unreferred.field) == (404, "incident")
    step(line, "TR", reviewing, "referral", {"note": "For the round."})
    added = line.post("AZ", agenda, "mediator", json=item)
    assert added.status_code == 201, added.text
    assert added.json()["agenda"][-1]["incident"] == reviewing
    unknown = refused(
        engine, lambda: line.post("TR", agenda, LIAISON, json={**item, "incident": 999})
    )
    assert (unknown.status, unknown.field) == (404, "incident")
