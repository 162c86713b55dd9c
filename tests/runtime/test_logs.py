"""The node's log as JSON for a pipeline or text for a terminal: every record, the standard
library's and uvicorn's alike, with its level, logger, time, the request it happened in and
what it was given as ``extra``; a traceback as data."""

from __future__ import annotations

import io
import logging

import structlog

from clearline.runtime import logs
from clearline.runtime.logs import LogFormat, LogLevel
from tests.support.logs import lines, stream

__all__ = ["stream"]  # the fixture


def test_a_record_is_one_json_line_with_its_request_and_extras(stream: io.StringIO) -> None:
    logs.configure(LogFormat.JSON, LogLevel.INFO, stream)
    with structlog.contextvars.bound_contextvars(request_id="req-7"):
        logging.getLogger("clearline.tak").warning(
            "tak %s: dropped an event", "il-system", extra={"peer": "10.0.0.5"}
        )
    logging.getLogger("clearline").debug("below the level: not written")
    (line,) = lines(stream)
    assert line["event"] == "tak il-system: dropped an event"
    assert (line["level"], line["logger"], line["request_id"]) == (
        "warning",
        "clearline.tak",
        "req-7",
    )
    assert line["peer"] == "10.0.0.5"
    assert str(line["timestamp"]).endswith("Z")


def test_uvicorns_records_and_tracebacks_come_out_the_same_way(stream: io.StringIO) -> None:
    logs.configure(LogFormat.JSON, LogLevel.INFO, stream)
    logging.getLogger("uvicorn.error").info("Application startup complete.")
    try:
        raise RuntimeError("the store refused")
    except RuntimeError:
        logging.getLogger("clearline").exception("deadline watch failed; retrying")
    started, failed = lines(stream)
    assert started["logger"] == "uvicorn.error"
    (frame,) = failed["exception"]  # type: ignore[misc]
    assert frame["exc_type"] == "RuntimeError" and frame["exc_value"] == "the store refused"


def test_as_text_a_record_is_one_readable_line(stream: io.StringIO) -> None:
    logs.configure(LogFormat.TEXT, LogLevel.WARNING, stream)
    logging.getLogger("clearline.tak").info("not written")
    logging.getLogger("clearline.tak").warning("tak il-system refused")
    (line,) = stream.getvalue().splitlines()
    assert "[warning  ]" in line and "tak il-system refused" in line and "clearline.tak" in line
