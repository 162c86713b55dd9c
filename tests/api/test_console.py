"""The console is served by the same app, with its map libraries from npm (the Makefile
installs them): the page at `/`, its files under `/console/`, the vendor files under
`/vendor/`, all without signing in and without the internet."""

from __future__ import annotations

import pytest

from clearline.clock import FixedClock
from tests.conftest import Line, warning
from tests.services.test_ledger import created, ok


def test_the_console_page_is_at_the_root(line: Line) -> None:
    page = line.client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<html" in page.text.lower()


@pytest.mark.parametrize(
    "path",
    [
        "/vendor/leaflet/dist/leaflet.js",
        "/vendor/leaflet/dist/leaflet.css",
        "/vendor/world-atlas/countries-50m.json",
        "/vendor/topojson-client/dist/topojson-client.min.js",
    ],
)
def test_the_map_libraries_are_served_from_npm(line: Line, path: str) -> None:
    answer = line.client.get(path)
    assert answer.status_code == 200, path
    assert len(answer.content) > 1_000


def test_nothing_outside_the_console_is_served(line: Line) -> None:
    assert line.client.get("/console/../api/app.py").status_code == 404
    assert line.client.get("/vendor/left-pad/index.js").status_code == 404


def test_the_lines_clock_says_its_time_and_speed(line: Line, clock: FixedClock) -> None:
    answer = line.client.get("/v1/clock").json()
    assert answer == {"now": clock.now().isoformat().replace("+00:00", "Z"), "speed": 0.0}


def test_the_event_head_is_the_newest_event_a_party_may_see(line: Line) -> None:
    assert ok(line.get("IL", "/v1/events/head")) == {"last_seq": 0}
    created(line.send("TR", warning()))
    head = ok(line.get("IL", "/v1/events/head"))["last_seq"]
    assert head > 0 and ok(line.get("IL", "/v1/events"))["last_seq"] == head
    assert ok(line.get("AZ", "/v1/events/head", "mediator"))["last_seq"] < head
