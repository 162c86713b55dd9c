"""Severity, through the running line: the documented rule (``deconfliction.severity``) sets
each conflict's severity and so its alert's precedence."""

from __future__ import annotations

import pytest

from tests.conftest import Line
from tests.support.theatre import filed, notice, volume


@pytest.mark.parametrize(
    ("kind", "start", "severity", "precedence"),
    [
        ("exercise", 80, "low", "ROUTINE"),  # 1, +1 overlap
        ("uav_flight", 5, "medium", "PRIORITY"),  # 2, +1 overlap
        ("uav_flight", 0.5, "high", "FLASH"),  # 2, +1 overlap, +1 starts within the hour
        ("air_strike", 0.2, "critical", "FLASH"),  # 3, +1 overlap, +1 within the hour, +1 late
    ],
)
def test_severity_follows_the_documented_rule(
    line: Line, kind: str, start: float, severity: str, precedence: str
) -> None:
    """IL emits from exactly its lead time (an hour) on, for 100 hours; TR's notice is on time
    but for the air strike, filed 12 minutes ahead where 15 are due."""
    filed(line, "IL", notice("radar_ew_emission", volume(start=1, hours=100)))
    filed(line, "TR", notice(kind, volume(start=start)))
    (conflict,) = line.conflicts("TR")
    assert conflict["severity"] == severity
    (alert,) = line.get("TR", "/v1/messages", box="inbox", type="conflict_alert").json()["messages"]
    assert alert["precedence"] == precedence
