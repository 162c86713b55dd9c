"""Tactical alerting on the line, on both back-ends: an Israeli jet and a Turkish UAV head-on
open an encounter at level 2 (IMMEDIATE), raise it to level 3 (FLASH) and close it once they
have passed, telling both sides on their line; a party's own assets are never paired; a blind
track's party is told of the encounter without the track."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clearline.clock import FixedClock
from clearline.model.wellclear import WellClear
from clearline.services.tactical import replay
from tests.conftest import Line
from tests.support.tracks import fly, jet, moved, report, uav


def alerts(line: Line, party: str) -> list[dict[str, Any]]:
    inbox = line.get(party, "/v1/messages", box="inbox").json()["messages"]
    return [m for m in reversed(inbox) if m["type"] == "track_alert"]


def head_on(line: Line, clock: FixedClock, **uav_more: Any) -> None:
    assert line.report("IL", jet(clock.now())).status_code == 200
    assert line.report("TR", uav(clock.now(), **uav_more)).status_code == 200


def test_a_head_on_pair_opens_rises_and_closes_an_encounter(line: Line, clock: FixedClock) -> None:
    head_on(line, clock)
    fly(line, clock, 1)  # a pair's first step counts M times (DAIDALUS): level 2 at once
    (opened,) = line.encounters("IL")
    assert opened["level"] == 2 and opened["state"] == "open"
    assert opened["parties"] == ["IL", "TR"]
    (alert,) = alerts(line, "TR")
    assert alert["precedence"] == "IMMEDIATE"
    assert alert["body"]["encounter_id"] == opened["id"]
    lead = (alert["body"]["violation_at"], opened["violation_at"])
    assert lead[0].startswith(lead[1][:19])
    feeds = [("IL", jet(clock.now())), ("TR", uav(clock.now()))]
    levels = []
    for second in range(30):
        fly(line, clock, 1, *[(party, moved(first, second)) for party, first in feeds])
        levels.append(line.encounters("TR")[0]["level"])
    assert levels[0] == 2 and levels[-1] == 3
    assert [a["precedence"] for a in alerts(line, "IL")] == ["IMMEDIATE", "FLASH"]
    fly(line, clock, 56, *[(party, moved(first, 30)) for party, first in feeds])
    assert line.encounters("IL")[0]["state"] == "open"  # they pass at about 87 s
    fly(line, clock, 10, *[(party, moved(first, 86)) for party, first in feeds])
    (closed,) = line.encounters("IL")
    assert closed["state"] == "closed" and closed["level"] == 0 and closed["max_level"] == 3
    types = [e["type"] for e in line.get("TR", "/v1/events").json()["events"]]
    assert types.count("encounter.opened") == 1 and types.count("encounter.closed") == 1
    assert "encounter.updated" in types


def test_the_alert_says_when_and_where_in_the_readers_language(
    line: Line, clock: FixedClock
) -> None:
    head_on(line, clock)
    fly(line, clock, 2)
    alert = alerts(line, "IL")[0]
    message = line.get("IL", f"/v1/messages/{alert['id']}", lang="en").json()
    text = message["rendered"]["text"]
    assert "level 2" in text and "34.7" in text


def test_a_partys_own_assets_are_never_paired(line: Line, clock: FixedClock) -> None:
    line.report("IL", jet(clock.now()), {**uav(clock.now()), "kind": "fixed_wing"})
    fly(line, clock, 30)
    assert line.encounters("IL") == []


def test_a_vertical_gap_beyond_the_threshold_raises_nothing(line: Line, clock: FixedClock) -> None:
    head_on(line, clock, alt_ft=15_800)
    fly(line, clock, 60)
    assert line.encounters("IL") == []


def test_a_blind_tracks_party_is_named_but_its_track_never_shown(
    line: Line, clock: FixedClock
) -> None:
    head_on(line, clock, share_with=[])
    fly(line, clock, 1)
    (seen,) = line.encounters("IL")
    il_track = next(t["id"] for t in line.tracks("IL"))
    assert seen["track"] == il_track and seen["counterpart"] == {"kind": "track", "id": None}
    (own_view,) = line.encounters("TR")
    assert own_view["counterpart"]["id"] is not None
    assert [t["track_id"] for t in line.tracks("IL")] == ["F-16-1"]
    refused = line.get("IL", f"/v1/encounters/{seen['id']}/export.daa")
    assert refused.status_code == 403 and refused.json()["field"] == "id"


def test_another_partys_encounter_is_not_found(line: Line, clock: FixedClock) -> None:
    line.report("IL", jet(clock.now()))
    line.report("TR", uav(clock.now()))
    line.report("TR", report("BAYRAKTAR-1", "uav", 36.0, 37.0, clock.now()))
    fly(line, clock, 2)
    (encounter,) = line.encounters("IL")
    assert line.get("AZ", "/v1/encounters", "mediator").status_code == 403
    assert line.get("TR", "/v1/encounters/999/export.daa").status_code == 404
    assert line.get("IL", f"/v1/encounters/{encounter['id']}/export.daa").status_code == 200


def test_an_exported_encounter_replays_to_the_same_alerts(
    line: Line, clock: FixedClock, tmp_path: Path
) -> None:
    head_on(line, clock)
    fly(line, clock, 70, ("IL", jet(clock.now())), ("TR", uav(clock.now())))
    (encounter,) = line.encounters("IL")
    exported = line.get("IL", f"/v1/encounters/{encounter['id']}/export.daa")
    assert exported.status_code == 200
    path = tmp_path / "encounter.daa"
    path.write_text(exported.text)
    rows = replay.replay(replay.read_daa(path), WellClear())
    assert max(row.alert_level for row in rows) == encounter["max_level"] == 3
