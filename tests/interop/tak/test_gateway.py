"""The TAK gateway with pytak as its real clients, over TLS with the line's certificates: an
Israeli feed's tracks reach a Turkish TAK client as 2525 atoms, and the Turkish feed's reach
the Israeli one; a blind track never leaves the line, in any byte; bad CoT is dropped with its
reason while the connection lives; the line's own events sent back are not taken as reports;
encounters and zones arrive as drawings; a stranger's certificate gets nothing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clearline import demo
from clearline.api.app import create_app
from clearline.clock import FixedClock
from clearline.interop.tak import certificates
from clearline.interop.tak.gateway import Settings
from tests.conftest import Line
from tests.support.server import free_port
from tests.support.tak import Event, Peer, connect, cot
from tests.support.tracks import fly, jet, moved, uav

pytestmark = pytest.mark.slow


class Theatre:
    def __init__(
        self, line: Line, clock: FixedClock, port: int, files: certificates.Files, out: Path
    ) -> None:
        self.line, self.clock, self.port, self.files, self.out = line, clock, port, files, out
        self.runner = asyncio.Runner()
        self.peers: list[Peer] = []

    def credentials(self, user: str) -> dict[str, Path]:
        cert, key, ca = certificates.issue(
            self.files, user, self.out / user, self.clock.now(), None
        )
        return {"cert": cert, "key": key, "ca": ca}

    def connect(self, user: str) -> Peer:
        peer = connect(self.runner, self.port, self.credentials(user))
        self.peers.append(peer)
        return peer

    def close(self) -> None:
        for peer in self.peers:
            peer.close()
        self.runner.close()


@pytest.fixture
def theatre(
    db_url: str, tokens: demo.Tokens, clock: FixedClock, tmp_path: Path
) -> Iterator[Theatre]:
    files = certificates.Files(tmp_path / "tak")
    port = free_port()
    app = create_app(db_url, clock=clock, watch_interval_s=None, tak=Settings(port, files))
    with TestClient(app) as client:
        theatre = Theatre(Line(client, tokens), clock, port, files, tmp_path / "clients")
        yield theatre
        theatre.close()


def track_named(callsign: str) -> Callable[[Event], bool]:
    def wanted(e: Event) -> bool:
        contact = e.find("detail/contact")
        return (
            e.get("type", "").startswith("a-")
            and contact is not None
            and contact.get("callsign") == callsign
        )

    return wanted


def test_a_feeds_tracks_reach_the_other_party_as_neutral_2525_atoms(theatre: Theatre) -> None:
    il, tr = theatre.connect("il-system"), theatre.connect("tr-system")
    now = theatre.clock.now()
    il.send(cot(jet(now)))
    tr.send(cot(uav(now), cot_type="a-f-A-M-F-Q"))
    seen = tr.until(track_named("IL-F-16-1"))
    assert seen.get("type") == "a-n-A-M-F"
    point = seen.find("point")
    assert point is not None
    assert float(point.get("lat", 0)) == pytest.approx(jet(now)["lat"], abs=1e-6)
    assert float(point.get("hae", 0)) == pytest.approx(15_000 * 0.3048, abs=0.5)
    track = seen.find("detail/track")
    assert track is not None and float(track.get("course", 0)) == pytest.approx(90, abs=0.1)
    assert float(track.get("speed", 0)) == pytest.approx(300 * 1852 / 3600, abs=0.01)
    assert seen.get("stale", "").startswith("2026-11-22T15:31:00")  # lost after 60 s
    assert il.until(track_named("TR-ANKA-3")).get("type") == "a-n-A-M-F-Q"
    il.listen(1.5)
    assert not any(track_named("IL-F-16-1")(e) for e in il.events), "its own came back"
    assert {t["track_id"] for t in theatre.line.tracks("TR")} == {"F-16-1", "ANKA-3"}


def test_a_blind_track_never_reaches_the_other_party(theatre: Theatre) -> None:
    il, tr = theatre.connect("il-system"), theatre.connect("tr-system")
    now = theatre.clock.now()
    secret = {**jet(now), "track_id": "SHADOW-9", "lat": 34.612345, "lon": 38.054321}
    il.send(cot(secret, share_with=""), cot(jet(now)))
    tr.until(track_named("IL-F-16-1"))
    tr.listen(2.5)
    for value in (b"SHADOW", b"34.612", b"38.054"):
        assert value not in tr.raw
    assert "SHADOW-9" in {t["track_id"] for t in theatre.line.tracks("IL")}


def test_a_track_no_longer_shared_is_taken_back(theatre: Theatre) -> None:
    il, tr = theatre.connect("il-system"), theatre.connect("tr-system")
    now = theatre.clock.now()
    il.send(cot(jet(now)))
    uid = tr.until(track_named("IL-F-16-1")).get("uid")
    theatre.clock.advance(1)
    il.send(cot(moved(jet(now), 1), share_with=""))
    deleted = tr.until(lambda e: e.get("type") == "t-x-d-d")
    link = deleted.find("detail/link")
    assert link is not None and link.get("uid") == uid


def test_bad_cot_is_dropped_with_its_reason_and_the_connection_lives(
    theatre: Theatre, caplog: pytest.LogCaptureFixture
) -> None:
    il, tr = theatre.connect("il-system"), theatre.connect("tr-system")
    now = theatre.clock.now()
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<event uid="x" type="a-f-A">&lol2;</event>'
    )
    pointless = cot(jet(now)).replace(b"<point", b"<spot")
    stale = cot({**jet(now), "track_id": "OLD"}, stale_s=-5)
    with caplog.at_level(logging.WARNING, logger="clearline.tak"):
        il.send(b"this is not xml</event>", laughs, pointless, stale, cot(jet(now)))
        tr.until(track_named("IL-F-16-1"))
    said = "\n".join(r.getMessage() for r in caplog.records)
    assert "not XML" in said
    assert "no DTDs or entities" in said
    assert "point: missing" in said
    assert "event@stale" in said and "already past" in said
    assert "OLD" not in {t["track_id"] for t in theatre.line.tracks("IL")}


def test_the_lines_own_events_sent_back_are_not_taken_as_reports(theatre: Theatre) -> None:
    il, tr = theatre.connect("il-system"), theatre.connect("tr-system")
    now = theatre.clock.now()
    tr.send(cot(uav(now), cot_type="a-f-A-M-F-Q"))
    echoed = il.until(track_named("TR-ANKA-3"))
    il.send(ET.tostring(echoed))
    il.send(cot(jet(now)))
    tr.until(track_named("IL-F-16-1"))
    assert {t["track_id"] for t in theatre.line.tracks("IL") if t["reporter"] == "IL"} == {"F-16-1"}


def test_an_encounter_reaches_both_parties_as_a_marker_and_is_taken_back_when_it_closes(
    theatre: Theatre,
) -> None:
    il, tr = theatre.connect("il-system"), theatre.connect("tr-system")
    now = theatre.clock.now()
    feeds = [("IL", jet(now)), ("TR", uav(now))]
    il.send(cot(jet(now)))
    tr.send(cot(uav(now), cot_type="a-f-A-M-F-Q"))
    tr.until(track_named("IL-F-16-1"))
    fly(theatre.line, theatre.clock, 1, *[(p, moved(first, 1)) for p, first in feeds])
    marker = tr.until(lambda e: e.get("type") == "b-m-p-s-m")
    remarks = marker.findtext("detail/remarks") or ""
    assert "corrective alert (level 2), IL and TR" in remarks
    assert il.until(lambda e: e.get("uid") == marker.get("uid")) is not None
    fly(theatre.line, theatre.clock, 100, *[(p, moved(first, 2)) for p, first in feeds])
    gone = tr.until(lambda e: e.get("type") == "t-x-d-d")
    link = gone.find("detail/link")
    assert link is not None and link.get("uid") == marker.get("uid")


def test_zones_arrive_as_drawings_on_connecting_and_when_added(theatre: Theatre) -> None:
    red_line = {
        "name": "T4 red line",
        "kind": "red_line_zone",
        "owner": "IL",
        "geometry": {"type": "Circle", "coordinates": [37.63, 34.52], "radius_m": 60_000},
    }
    assert theatre.line.post("IL", "/v1/zones", "liaison_officer", json=red_line).status_code == 201
    tr = theatre.connect("tr-system")
    circle = tr.until(lambda e: e.get("type") == "u-d-c-c")
    ellipse = circle.find("detail/shape/ellipse")
    assert ellipse is not None and float(ellipse.get("major", 0)) == 60_000
    assert circle.findtext("detail/remarks", "").startswith("red_line_zone")
    corridor = {
        "name": "Corridor M4",
        "kind": "restricted_area",
        "geometry": {"type": "LineString", "coordinates": [[37.0, 36.0], [37.5, 36.0]]},
        "width_m": 10_000,
    }
    assert (
        theatre.line.post(
            "TR", "/v1/zones", "liaison_officer", json={**corridor, "owner": "TR"}
        ).status_code
        == 201
    )
    outline = tr.until(lambda e: e.get("type") == "u-d-f")
    lats = [float(link.get("point", "0,0").split(",")[0]) for link in outline.iter("link")]
    width_m = (max(lats) - min(lats)) * 111_000
    assert width_m == pytest.approx(10_000, rel=0.02)  # drawn at its true width


def test_a_certificate_for_no_active_user_gets_nothing(theatre: Theatre) -> None:
    stranger = theatre.connect("nobody")
    assert stranger.closed()
    assert stranger.raw == b""


def test_a_deactivated_user_is_cut_off_at_once(theatre: Theatre) -> None:
    tr = theatre.connect("tr-system")
    tr.listen(0.5)
    assert not tr.closed(timeout_s=0)
    liaison = theatre.line.headers("TR", "liaison_officer")
    answer = theatre.line.client.patch(
        "/v1/users/tr-system", json={"active": False}, headers=liaison
    )
    assert answer.status_code == 200, answer.text
    assert tr.closed()


def test_a_certificate_from_another_authority_is_refused(theatre: Theatre, tmp_path: Path) -> None:
    other = certificates.Files(tmp_path / "forger")
    certificates.prepare(other, ["localhost"], theatre.clock.now())
    cert, key, _ = certificates.issue(
        other, "il-system", tmp_path / "forged", theatre.clock.now(), None
    )
    forged = {"cert": cert, "key": key, "ca": theatre.files.authority}
    try:
        peer = connect(theatre.runner, theatre.port, forged)
    except (ssl.SSLError, ConnectionError):
        return  # refused in the handshake (TLS 1.2)
    theatre.peers.append(peer)
    with contextlib.suppress(ssl.SSLError, ConnectionError):  # the alert may come first
        peer.send(cot(jet(theatre.clock.now())))
    assert peer.closed()  # TLS 1.3: the server's alert follows the client's first read
    assert peer.raw == b""
    assert theatre.line.tracks("IL") == []
