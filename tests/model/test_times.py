"""Times as the line writes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from clearline.model.times import both, dtg, iso


def test_the_date_time_group_is_day_hour_minute_zulu_month_year() -> None:
    assert dtg(datetime(2026, 11, 22, 15, 30, tzinfo=UTC)) == "221530ZNOV26"
    assert dtg(datetime(2027, 1, 3, 4, 5, tzinfo=UTC)) == "030405ZJAN27"


def test_local_times_are_written_in_utc() -> None:
    istanbul = timezone(timedelta(hours=3))
    moment = datetime(2026, 11, 22, 18, 30, tzinfo=istanbul)
    assert iso(moment) == "2026-11-22T15:30:00Z"
    assert both(moment) == "2026-11-22T15:30:00Z (221530ZNOV26)"
