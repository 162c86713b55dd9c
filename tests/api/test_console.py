"""The console is served by the same app, with its map libraries from npm (the Makefile
installs them): the page at `/`, its files under `/console/`, the vendor files under
`/vendor/`, all without signing in and without the internet."""

from __future__ import annotations

from typing import Any

import pytest

from clearline.clock import FixedClock
from tests.conftest import Line, warning
from tests.services.record.test_ledger import created, ok


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
    for path in ("/console/../api/app.py", "/console/../../pyproject.toml"):
        status, body = _raw_get(line, path)
        assert status == 404, path
        assert b"create_app" not in body and b"[project]" not in body
    assert line.client.get("/vendor/left-pad/index.js").status_code == 404


def _raw_get(line: Line, path: str) -> tuple[int, bytes]:
    """A GET of ``path`` with its dots as a server hands them on (uvicorn does not resolve
    them): an HTTP client resolves them itself, and the guard would never see them."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    line.client.portal.call(line.client.app, scope, receive, send)  # type: ignore[union-attr]
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_the_lines_clock_says_its_time_and_speed(line: Line, clock: FixedClock) -> None:
    answer = line.client.get("/v1/clock").json()
    assert answer == {"now": clock.now().isoformat().replace("+00:00", "Z"), "speed": 0.0}


def test_the_event_head_is_the_newest_event_a_party_may_see(line: Line) -> None:
    assert ok(line.get("IL", "/v1/events/head")) == {"last_seq": 0}
    created(line.send("TR", warning()))
    head = ok(line.get("IL", "/v1/events/head"))["last_seq"]
    assert head > 0 and ok(line.get("IL", "/v1/events"))["last_seq"] == head
    assert ok(line.get("AZ", "/v1/events/head", "mediator"))["last_seq"] < head
