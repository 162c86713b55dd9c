"""The node's log: one line per record, as text for a terminal or as JSON for a log pipeline,
each with the id of the request it happened in (``request_id``) and whatever the record was
given as ``extra``.

Every module logs through the standard library (``logging.getLogger("clearline...")``), so
that a library's records and uvicorn's come out the same way; structlog only formats them.
"""

from __future__ import annotations

import logging
import sys
from enum import StrEnum
from typing import TextIO

import structlog

Processor = structlog.types.Processor


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class LogLevel(StrEnum):
    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


def configure(
    format: LogFormat, level: LogLevel = LogLevel.INFO, stream: TextIO | None = None
) -> None:
    """Send every record at ``level`` or above to ``stream`` (stderr), in ``format``."""
    pre_chain: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        _without_colours,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if format is LogFormat.JSON
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    tail: list[Processor] = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if format is LogFormat.JSON:
        tail.append(structlog.processors.dict_tracebacks)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=pre_chain, processors=[*tail, renderer]
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO names each URL it posts to


def _without_colours(
    _logger: object, _name: str, event: structlog.types.EventDict
) -> structlog.types.EventDict:
    """uvicorn gives each record a copy of its message with terminal colours: not for a log."""
    event.pop("color_message", None)
    return event
