"""What a case shows each reader, searched byte by byte (issue #15): Israel's blind jet and blind
notice near the place of the Il-20 case stay Israel's until Israel shares them, whatever role of
Turkey reads, through every route, the stream, the ledger and the dossier; the mediator, once
referred, reads only what a party showed it; and what a party shares reaches exactly whom it
was shared with."""

from __future__ import annotations

import json
from typing import Any

import pytest

from clearline.clock import FixedClock
from tests.conftest import Line
from tests.support.incidents import INCIDENT, NOTIFIED, Il20, play
from tests.support.seen import everything
from tests.support.theatre import circle, notice, volume

INCIDENTS = "/v1/incidents"
BLIND_TEXT = "Second sortie from the north, blind to TR 7731"
BLIND_CENTRE = (38.2113, 34.7391)
"""Longitude, latitude of Israel's blind UAV notice: odd figures, found nowhere else."""
ROLES = ("duty_officer", "watch_commander", "liaison_officer", "auditor", "system")


@pytest.fixture
def case(line: Line, clock: FixedClock) -> tuple[Il20, dict[str, Any]]:
    il20 = play(line, clock)
    blind = notice(
        "uav_flight",
        volume(circle(BLIND_CENTRE, 3_000), start=-0.05, hours=1),
        sharing="blind",
        free_text=BLIND_TEXT,
    )
    assert line.file("IL", blind).status_code == 201
    answer = line.post("TR", INCIDENTS, json={**INCIDENT, "tracks": [il20.aircraft]})
    assert answer.status_code == 201, answer.text
    referral = {"note": "Baku, please review"}
    number = answer.json()["incident"]["id"]
    assert line.post("TR", f"{INCIDENTS}/{number}/referral", json=referral).status_code == 200
    return il20, line.get("IL", f"{INCIDENTS}/{number}").json()


def hidden_values(il_view: dict[str, Any], il20: Il20) -> list[str]:
    """Israel's blind record as Israel sees it in the case: its jet's every position (as JSON
    writes the numbers) and its blind notice's text and centre."""
    jet = next(
        i
        for i in il_view["evidence"]
        if i["type"] == "incident.evidence" and i["payload"]["track"]["id"] == il20.jet
    )
    positions = {json.dumps(s[k]) for s in jet["payload"]["samples"] for k in ("lat", "lon")}
    return sorted(positions | {BLIND_TEXT, str(BLIND_CENTRE[0]), str(BLIND_CENTRE[1])})


def leaked(read: str, hidden: list[str]) -> list[str]:
    return [value for value in hidden if value in read]


def test_israel_sees_its_own_blind_record_in_the_case(
    line: Line, case: tuple[Il20, dict[str, Any]]
) -> None:
    il20, il_view = case
    hidden = hidden_values(il_view, il20)
    assert leaked(everything(line, "IL"), hidden) == hidden, "the search finds what is there"


@pytest.mark.parametrize("role", ROLES)
def test_no_byte_turkey_reads_holds_israels_blind_record(
    line: Line, case: tuple[Il20, dict[str, Any]], role: str
) -> None:
    il20, il_view = case
    assert leaked(everything(line, "TR", role), hidden_values(il_view, il20)) == []


def test_the_mediator_reads_only_what_a_party_showed_it(
    line: Line, case: tuple[Il20, dict[str, Any]]
) -> None:
    il20, il_view = case
    number = il_view["incident"]["id"]
    hidden = [*hidden_values(il_view, il20), INCIDENT["narrative"], json.dumps(NOTIFIED[0])]
    assert leaked(mediator_reads(line, number), hidden) == []

    notice_seq = next(i["seq"] for i in il_view["evidence"] if i["type"] == "notice.filed")
    shown = line.post(
        "IL", f"{INCIDENTS}/{number}/share", json={"with": "AZ", "items": [notice_seq]}
    )
    assert shown.status_code == 200, shown.text
    read = mediator_reads(line, number)
    assert leaked(read, hidden) == [json.dumps(NOTIFIED[0])], "the notice shown, nothing else"


def test_a_blind_record_shared_reaches_the_party_it_was_shared_with(
    line: Line, case: tuple[Il20, dict[str, Any]]
) -> None:
    il20, il_view = case
    number = il_view["incident"]["id"]
    jet = [
        i["seq"]
        for i in il_view["evidence"]
        if i["type"] == "incident.evidence" and i["payload"]["track"]["id"] == il20.jet
    ]
    shared = line.post("IL", f"{INCIDENTS}/{number}/share", json={"with": "TR", "items": jet})
    assert shared.status_code == 200, shared.text
    read = everything(line, "TR")
    positions = [
        v for v in hidden_values(il_view, il20) if v not in (BLIND_TEXT, *map(str, BLIND_CENTRE))
    ]
    assert leaked(read, positions) == positions
    assert leaked(read, [BLIND_TEXT]) == [], "only what was shared"
    assert leaked(mediator_reads(line, number), positions) == [], "shared with TR, not AZ"


def mediator_reads(line: Line, number: int) -> str:
    """Every byte the mediator reads of the case and the record: its list, the case, its
    dossier, its events and stream, the ledger as it gets it."""
    return everything(line, "AZ", "mediator")
