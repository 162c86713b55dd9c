"""Every request has an id, the caller's where it sends a sensible one, given back in
``X-Request-ID`` and on every record logged while it is served; and one access line, which
never holds the query string."""

from __future__ import annotations

import io

import pytest

from clearline.runtime import logs
from clearline.runtime.logs import LogFormat, LogLevel
from tests.conftest import Line
from tests.support.logs import lines, stream

__all__ = ["stream"]  # the fixture, shared


def accessed(stream: io.StringIO) -> list[dict[str, object]]:
    return [entry for entry in lines(stream) if entry["logger"] == "clearline.access"]


def test_a_request_is_logged_once_under_the_id_it_was_given(
    line: Line, stream: io.StringIO
) -> None:
    logs.configure(LogFormat.JSON, LogLevel.INFO, stream)
    answer = line.client.get("/v1/clock", headers={"X-Request-ID": "cmd-sys-42"})
    assert answer.headers["x-request-id"] == "cmd-sys-42"
    (access,) = accessed(stream)
    assert access["request_id"] == "cmd-sys-42"
    assert (access["method"], access["path"], access["status"]) == ("GET", "/v1/clock", 200)
    assert isinstance(access["duration_ms"], float)


@pytest.mark.parametrize("given", [None, "", "x" * 65, "two words", "<script>"])
def test_without_a_sensible_id_a_request_gets_a_fresh_one(
    line: Line, stream: io.StringIO, given: str | None
) -> None:
    logs.configure(LogFormat.JSON, LogLevel.INFO, stream)
    headers = {} if given is None else {"X-Request-ID": given}
    first = line.client.get("/v1/clock", headers=headers).headers["x-request-id"]
    second = line.client.get("/v1/clock", headers=headers).headers["x-request-id"]
    assert len(first) == 32 and first != second
    assert [e["request_id"] for e in accessed(stream)] == [first, second]


def test_a_refusal_is_logged_with_its_status_and_never_the_query(
    line: Line, stream: io.StringIO
) -> None:
    logs.configure(LogFormat.JSON, LogLevel.INFO, stream)
    answer = line.get("IL", "/v1/messages", box="SECRET-QUERY")
    assert answer.status_code == 422
    written = stream.getvalue()
    assert "SECRET-QUERY" not in written
    (access,) = accessed(stream)
    assert (access["path"], access["status"]) == ("/v1/messages", 422)
