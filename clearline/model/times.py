"""How the line writes times: ISO 8601 UTC and the military date-time group (DTG)."""

from __future__ import annotations

from datetime import UTC, datetime

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def dtg(moment: datetime) -> str:
    """``221530ZNOV26``: day, hour, minute, Z for UTC, month, two-digit year.

    Written by hand because no maintained library formats DTGs; the month names are the
    NATO abbreviations whatever the reader's language, as on every signal form.
    """
    utc = moment.astimezone(UTC)
    return f"{utc:%d%H%M}Z{_MONTHS[utc.month - 1]}{utc:%y}"


def iso(moment: datetime) -> str:
    """``2026-11-22T15:30:00Z``."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def both(moment: datetime) -> str:
    return f"{iso(moment)} ({dtg(moment)})"


def epoch(moment: datetime) -> float:
    """Seconds since 1970 UTC: how the indexes and pictures keep time, as plain floats."""
    return moment.timestamp()


def moment(seconds: float) -> datetime:
    """The UTC time ``seconds`` since 1970: ``epoch`` undone."""
    return datetime.fromtimestamp(seconds, UTC)
