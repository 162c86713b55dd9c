"""What the node's log wrote, read back: a fixture that catches it and puts the process's
logging back as it was, and its JSON lines."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """What the log wrote; the process's logging put back as it was afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    out = io.StringIO()
    yield out
    root.handlers, root.level = handlers, level


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]
