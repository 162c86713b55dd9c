"""The player: the packaged Syria scenario, played on a fixed clock through a real app, makes
the line do all it does within the first minutes of play; a step the line refuses at play is
logged and the play goes on."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearline import demo
from clearline.api.app import create_app
from clearline.clock import FixedClock
from clearline.demo import player as players
from clearline.demo import scenario as scenarios
from clearline.runtime.loops import play
from tests.conftest import Line
from tests.support.scenarios import WARNING, scenario

STEP_S = 5
"""Scenario seconds between two looks, as the server's half-second loop at 10x."""
FIRST_MINUTES_S = 900


@contextlib.contextmanager
def playing(
    db_url: str, tokens: demo.Tokens, clock: FixedClock, played: scenarios.Scenario
) -> Iterator[Line]:
    """The demo line playing ``played`` from the fixed clock's time."""
    app = create_app(db_url, clock=clock, watch_interval_s=None, scenario=played)
    with TestClient(app) as client:
        yield Line(client, tokens)


@pytest.fixture
def line(db_url: str, tokens: demo.Tokens, clock: FixedClock) -> Iterator[Line]:
    """The demo line playing the packaged Syria scenario from the fixed clock's start."""
    with playing(db_url, tokens, clock, scenarios.packaged()) as line:
        yield line


def play_for(line: Line, clock: FixedClock, seconds: float) -> None:
    """Play and watch every STEP_S seconds of scenario time, as a running server does."""
    app: Any = line.client.app
    for _ in range(int(seconds // STEP_S)):
        line.client.portal.call(play, app.state.runtime, app.state.player)
        line.watch()
        clock.advance(STEP_S)


def messages(line: Line, party: str, **params: Any) -> list[dict[str, Any]]:
    answer = line.get(party, "/v1/messages", box="all", limit=1_000, **params)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["messages"])


def answers(line: Line, type: str) -> set[str]:
    found = messages(line, "IL", type=type)
    return {m["body"].get("answer") or m["body"]["decision"] for m in found}


# --- the packaged scenario -----------------------------------------------------------------------


def test_the_first_conflict_opens_within_the_first_minute(line: Line, clock: FixedClock) -> None:
    play_for(line, clock, 60)
    assert line.conflicts("IL") and line.conflicts("TR")


def test_the_first_minutes_show_every_kind_of_traffic(
    line: Line, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="clearline"):
        play_for(line, clock, FIRST_MINUTES_S)
    assert [r.getMessage() for r in caplog.records if "scenario" in r.getMessage()] == []

    conflicts = line.conflicts("IL")
    assert {c["source"] for c in conflicts} >= {"volumes", "zone", "crossing"}
    critical = [c for c in conflicts if c["severity"] == "critical" and c["source"] == "zone"]
    assert critical, "the air-defence battery sent across the red line is critical"
    alerts = {m["id"]: m for m in messages(line, "TR", type="conflict_alert")}
    assert any(alerts[i]["precedence"] == "FLASH" for c in critical for i in c["alert_ids"])

    (warning,) = [m for m in messages(line, "IL", type="warning") if m["precedence"] == "FLASH"]
    assert warning["recipients"][0]["escalation_level"] >= 1, "left unacknowledged: escalated"

    assert answers(line, "identification_reply") >= {"ours", "not_ours", "checking"}
    assert answers(line, "request_reply") >= {"will_comply", "counter_proposal"}
    assert answers(line, "crossing_decision") >= {"approved_with_conditions", "denied"}
    assert messages(line, "TR", type="incident_report")
    assert any(m["precedence"] == "FLASH" for m in messages(line, "IL", type="track_alert"))
    assert any(e["max_level"] >= 2 for e in line.encounters("IL"))


def test_the_baku_round_tables_an_amendment_both_sign_and_it_takes_effect(
    line: Line, clock: FixedClock
) -> None:
    play_for(line, clock, 1_300)
    path = f"/v1/agreements/{demo.AGREEMENT_ID}"
    (proposal,) = line.get("TR", f"{path}/proposals").json()["proposals"]
    assert (proposal["state"], proposal["version"], proposal["party"]) == ("adopted", 2, "TR")
    assert {a["party"] for a in proposal["approvals"]} == {"IL", "TR"}
    in_force = line.get("IL", f"{path}/protocol").json()
    assert (in_force["version"], in_force["lead_time_s"]["air_strike"]) == (2, 3_600)
    for party in ("IL", "TR"):
        stages = [m["body"]["stage"] for m in messages(line, party, type="protocol_change")]
        assert stages == ["in_force", "adopted", "approved", "approved", "proposed"]
    (baku,) = line.get("AZ", f"{path}/rounds", "mediator").json()["rounds"]
    assert (baku["place"], baku["state"], baku["tabled"], baku["adopted"]) == (
        "Baku",
        "closed",
        [proposal["number"]],
        [proposal["number"]],
    )
    assert len(baku["agenda"]) == 2
    report = line.get("AZ", f"{path}/rounds/1/report", "mediator")
    assert report.status_code == 200, report.text


def test_an_unknown_drone_near_israeli_forces_is_asked_about_and_denied(
    line: Line, clock: FixedClock
) -> None:
    play_for(line, clock, FIRST_MINUTES_S)
    by_the_line = [
        m
        for m in messages(line, "TR", type="identification_query")
        if m["sender_user"] is None and m["sender_party"] == "IL"
    ]
    assert by_the_line and by_the_line[0]["recipients"][0]["state"] == "answered"
    unknowns = [t for t in line.tracks("IL") if t["track_id"] == "IL-EO-4711"]
    assert not unknowns or unknowns[0]["status"] == "hostile_unknown"
    left_for_il = [
        m
        for m in messages(line, "IL", type="identification_query")
        if m["sender_user"] is None and m["sender_party"] == "TR"
    ]
    assert left_for_il and left_for_il[0]["recipients"][0]["state"] != "answered"


def test_every_step_is_done_once(line: Line, clock: FixedClock) -> None:
    play_for(line, clock, FIRST_MINUTES_S)
    app: Any = line.client.app
    player: players.Player = app.state.player
    timeline = player.scenario.timeline
    creating = {s.id for s in timeline if s.id and s.do != "tracks" and s.at_s < FIRST_MINUTES_S}
    assert set(player.made) == creating
    notices = line.get("IL", "/v1/notices").json()["notices"]
    again = line.client.portal.call(play, app.state.runtime, player)
    assert again == 0
    assert line.get("IL", "/v1/notices").json()["notices"] == notices


def test_a_step_the_line_refuses_is_logged_and_the_play_goes_on(
    db_url: str, tokens: demo.Tokens, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    played = scenarios.parse(
        scenario(
            {**WARNING, "as": "nobody"},
            {**WARNING, "at_s": 1, "id": "second"},
        )
    )
    with playing(db_url, tokens, clock, played) as line:
        with caplog.at_level(logging.WARNING, logger="clearline"):
            play_for(line, clock, 10)
        assert "timeline.0 (message as nobody) refused: as: no user named 'nobody'" in caplog.text
        assert [m["type"] for m in messages(line, "TR")] == ["warning"]
