"""The DAIDALUS reference data (``../shared/data/daidalus``) and how a replay is compared
with it."""

from __future__ import annotations

import io

from clearline.services.tactical import replay
from tests.support.shared import shared

DATA = shared("daidalus")
CONF = DATA / "DO_365B_no_SUM.conf"
TIME_TO_VOLUME_S = 1e-4
OTHER_COLUMNS = 1e-5
FIRST_TIME_TO_VOLUME, FIRST_MEASURE = 5, 8  # column indices in the report


def expected_report(encounter: str, raw: bool) -> str:
    return (DATA / "expected" / f"{encounter}.alerting{'-raw' if raw else ''}.csv").read_text()


def report(rows: list[replay.AlertingRow], levels: int = 3) -> str:
    out = io.StringIO()
    replay.write_alerting(rows, levels, out)
    return out.getvalue()


def differences(ours: str, expected: str) -> list[str]:
    """Where two DaidalusAlerting reports disagree beyond the stated tolerances (empty if
    nowhere): headers, row count, names and alert levels exactly; numbers within tolerance."""
    ours_lines, expected_lines = ours.splitlines(), expected.splitlines()
    if ours_lines[:2] != expected_lines[:2]:
        return [f"header: {ours_lines[:2]!r}"]
    if len(ours_lines) != len(expected_lines):
        return [f"{len(ours_lines)} lines, DAIDALUS has {len(expected_lines)}"]
    found = []
    for ours_line, their_line in zip(ours_lines[2:], expected_lines[2:], strict=True):
        a, b = cells(ours_line), cells(their_line)
        if len(a) != len(b):
            found.append(f"time {b[0]}: {len(a)} columns, DAIDALUS has {len(b)}")
            continue
        found += [
            f"time {b[0]} column {j}: {x!r} != {y!r}"
            for j, (x, y) in enumerate(zip(a, b, strict=True))
            if not _close(j, x, y)
        ]
    return found


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split(",")]


def _close(column: int, ours: str, theirs: str) -> bool:
    if column < FIRST_TIME_TO_VOLUME or "" in (ours, theirs) or "infty" in (ours, theirs):
        return ours == theirs
    tolerance = TIME_TO_VOLUME_S if column < FIRST_MEASURE else OTHER_COLUMNS
    return abs(float(ours) - float(theirs)) <= tolerance
