"""Track reports in, on both back-ends: a batch is checked against the protocol and taken or
refused whole; each party sees its own tracks, others' shared ones (coarsened where asked), and
never a blind one, in any response or event."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient

from clearline.api.app import create_app
from clearline.clock import FixedClock
from clearline.geo import grid
from tests.conftest import Line
from tests.support.tracks import NORTH_OF_PALMYRA, fly, jet, report, uav


def test_reports_are_taken_and_each_track_shows_its_newest(line: Line, clock: FixedClock) -> None:
    now = clock.now()
    answer = line.report("IL", jet(now - timedelta(seconds=2)), jet(now, alt_ft=16_000))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"accepted": 2}
    (track,) = line.tracks("IL")
    assert track["alt_ft"] == 16_000
    assert track["owner"] == "IL" and track["status"] == "own"
    assert round(track["east_kt"]) == 300 and abs(track["north_kt"]) < 1e-9


def test_an_older_report_arriving_late_does_not_move_the_track_back(
    line: Line, clock: FixedClock
) -> None:
    now = clock.now()
    line.report("IL", jet(now, alt_ft=16_000))
    line.report("IL", jet(now - timedelta(seconds=5), alt_ft=9_000))
    assert line.tracks("IL")[0]["alt_ft"] == 16_000


def test_stale_future_and_impossible_reports_are_refused_whole_naming_the_field(
    line: Line, clock: FixedClock
) -> None:
    now = clock.now()
    cases = {
        "reports.1.time": jet(now - timedelta(seconds=31)),
        "reports.1.ground_speed_kt": uav(now, ground_speed_kt=900),
        "reports.1.vertical_rate_fpm": jet(now, vertical_rate_fpm=-90_000),
        "reports.1.share_with": jet(now, share_with=["RU"]),
        "reports.1.lat": jet(now, lat=91),
        "reports.1": {**jet(now), "ground_speed_kt": None},
    }
    for field, bad in cases.items():
        answer = line.report("IL", jet(now), bad)
        assert answer.status_code == 422, (field, answer.text)
        assert answer.json()["field"] == field, answer.json()
    ahead = line.report("IL", jet(now + timedelta(seconds=30)))
    assert ahead.json()["field"] == "reports.0.time" and "ahead" in ahead.json()["reason"]
    assert line.tracks("IL") == []


def test_a_batch_holds_at_most_ten_thousand_reports(line: Line, clock: FixedClock) -> None:
    answer = line.report("IL", *[jet(clock.now())] * 10_001)
    assert answer.status_code == 422
    assert answer.json()["field"] == "reports"


def test_only_people_and_systems_that_send_may_report(line: Line, clock: FixedClock) -> None:
    answer = line.report("IL", jet(clock.now()), role="auditor")
    assert answer.status_code == 403 and answer.json()["field"] == "role"
    assert line.get("AZ", "/v1/tracks", "mediator").status_code == 403


def test_a_shared_track_is_seen_by_the_other_party_and_a_blind_one_never(
    line: Line, clock: FixedClock
) -> None:
    now = clock.now()
    line.report("IL", jet(now), report("F-35-2", "fixed_wing", 33.5, 36.0, now, share_with=[]))
    line.report("TR", uav(now, share_with=["IL"]))
    assert {t["track_id"] for t in line.tracks("IL")} == {"F-16-1", "F-35-2", "ANKA-3"}
    assert {t["track_id"] for t in line.tracks("TR")} == {"F-16-1", "ANKA-3"}
    (blind,) = [t for t in line.tracks("IL") if t["track_id"] == "F-35-2"]
    assert blind["blind"] is True


def test_a_coarse_track_shows_others_the_centre_of_its_grid_square(
    line: Line, clock: FixedClock
) -> None:
    line.report("TR", uav(clock.now(), coarse=True))
    (seen,) = line.tracks("IL")
    (own,) = line.tracks("TR")
    square = grid.snap(NORTH_OF_PALMYRA, own["lon"], 1_000)
    assert (seen["lat"], seen["lon"]) == grid.centre(square)
    assert (own["lat"], own["lon"]) != (seen["lat"], seen["lon"])
    assert seen["coarse"] is True


def test_a_track_not_reported_for_a_minute_leaves_the_picture(
    line: Line, clock: FixedClock
) -> None:
    line.report("IL", jet(clock.now()))
    fly(line, clock, 60)
    assert len(line.tracks("IL")) == 1
    fly(line, clock, 1)
    assert line.tracks("IL") == []


def test_changing_a_track_from_shared_to_blind_hides_it_at_once(
    line: Line, clock: FixedClock
) -> None:
    line.report("TR", uav(clock.now()))
    assert len(line.tracks("IL")) == 1
    line.report("TR", uav(clock.now(), share_with=[]))
    assert line.tracks("IL") == []


def test_no_event_ever_carries_a_track(line: Line, clock: FixedClock) -> None:
    line.report("IL", jet(clock.now(), share_with=[]))
    line.report("TR", uav(clock.now(), share_with=[]))
    fly(line, clock, 30)
    events = line.get("TR", "/v1/events").json()["events"]
    text = json.dumps(events)
    assert "F-16-1" not in text and str(38.16) not in text


def test_reports_also_come_over_the_stream_with_an_answer_each(
    line: Line, clock: FixedClock
) -> None:
    headers = line.headers("TR", "system")
    with line.client.websocket_connect("/v1/stream", headers=headers) as stream:
        stream.send_text(json.dumps({"type": "tracks", "reports": [uav(clock.now())]}))
        assert stream.receive_json() == {"type": "tracks.accepted", "accepted": 1}
        stale = uav(clock.now() - timedelta(minutes=5))
        stream.send_text(json.dumps({"type": "tracks", "reports": [stale]}))
        refused = stream.receive_json()
        assert refused["type"] == "error" and refused["field"] == "reports.0.time"
        stream.send_text("{not json")
        assert stream.receive_json()["type"] == "error"
    assert [t["track_id"] for t in line.tracks("IL")] == ["ANKA-3"]


def test_a_restart_puts_live_tracks_and_open_encounters_back(
    clock: FixedClock, db_url: str, tokens: dict[str, dict[str, str]]
) -> None:
    with TestClient(create_app(db_url, clock=clock, watch_interval_s=None)) as client:
        first = Line(client, tokens)
        first.report("IL", jet(clock.now(), accuracy_m=50))
        first.report("TR", uav(clock.now()))
        fly(first, clock, 1)
        (before,) = first.encounters("IL")
    with TestClient(create_app(db_url, clock=clock, watch_interval_s=None)) as client:
        again = Line(client, tokens)
        seen = {t["track_id"]: t for t in again.tracks("TR")}
        assert set(seen) == {"F-16-1", "ANKA-3"} and seen["F-16-1"]["accuracy_m"] == 50
        fly(again, clock, 1)
        (after,) = again.encounters("IL")
        assert after["id"] == before["id"] and after["state"] == "open"
