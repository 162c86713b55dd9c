"""The picture as CoT: a track's times, point and motion; zones and conflict regions as
drawings; encounters as markers; deletions; all with uids the gateway knows as its own."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest

from clearline.interop.tak import outbound
from clearline.interop.tak.cot import parse, serialize
from clearline.model.conflict import Conflict
from clearline.model.track import Encounter
from tests.conftest import START
from tests.support.tak import track


def read(element: ET.Element) -> ET.Element:
    """As a peer reads it: serialised and parsed back, by the gateway's own strict parser."""
    return parse(serialize(element))


def test_a_track_holds_from_its_report_until_the_line_would_drop_it() -> None:
    now = START + timedelta(seconds=2)
    seen = read(outbound.track_event(track(accuracy_m=25), "TR", 60, now))
    assert seen.get("uid") == "clearline.il-tr-syria.track.1"
    assert (seen.get("time"), seen.get("start"), seen.get("stale")) == (
        "2026-11-22T15:30:02.000Z",
        "2026-11-22T15:30:00.000Z",
        "2026-11-22T15:31:00.000Z",
    )
    point = seen.find("point")
    assert point is not None and point.get("ce") == "25.0" and point.get("le") == "9999999.0"
    assert seen.find("detail/contact").get("callsign") == "IL-F-16-1"  # type: ignore[union-attr]
    motion = seen.find("detail/track")
    assert motion is not None and motion.get("course") == "90.0"
    assert float(motion.get("speed", 0)) == pytest.approx(154.33, abs=0.01)


def test_a_conflict_region_of_several_parts_is_drawn_part_by_part() -> None:
    square = [[[38.0, 34.0], [38.1, 34.0], [38.1, 34.1], [38.0, 34.0]]]
    other = [[[39.0, 34.0], [39.1, 34.0], [39.1, 34.1], [39.0, 34.0]]]
    conflict: Any = {
        "id": 7,
        "agreement_id": "il-tr-syria",
        "source": "volumes",
        "parties": ["IL", "TR"],
        "a": {"party": "IL", "notice_id": 1},
        "b": {"party": "TR", "notice_id": 2},
        "region": {"type": "MultiPolygon", "coordinates": [square, other]},
        "window_start": START.isoformat(),
        "window_end": (START + timedelta(hours=1)).isoformat(),
        "severity": "high",
        "late_s": 0,
        "state": "open",
        "acknowledged": {},
        "created_at": START.isoformat(),
        "updated_at": START.isoformat(),
        "protocol_version": 1,
    }
    drawn = [read(e) for e in outbound.conflict_events(Conflict.model_validate(conflict), START)]
    assert [d.get("uid") for d in drawn] == [
        "clearline.il-tr-syria.conflict.7.0",
        "clearline.il-tr-syria.conflict.7.1",
    ]
    assert next(drawn[1].iter("link")).get("point") == "34.0000000,39.0000000"
    assert drawn[0].get("stale") == "2026-11-22T16:30:00.000Z"
    assert "conflict 7, high, open: IL and TR" in (drawn[0].findtext("detail/remarks") or "")


def encounter(point: dict[str, float] | None) -> Encounter:
    return Encounter.model_validate(
        {
            "id": 3,
            "agreement_id": "il-tr-syria",
            "parties": ["IL", "TR"],
            "track": 1,
            "counterpart": {"kind": "track", "id": 2},
            "level": 3,
            "max_level": 3,
            "violation_at": START.isoformat(),
            "point": point,
            "horizontal_m": 1234.4,
            "vertical_ft": 0,
            "state": "open",
            "opened_at": START.isoformat(),
            "updated_at": START.isoformat(),
            "closed_at": None,
        }
    )


def test_an_encounter_is_a_marker_where_it_is_predicted_and_none_where_withheld() -> None:
    marker = outbound.encounter_event(encounter({"lat": 34.7, "lon": 38.27}), START)
    assert marker is not None
    assert read(marker).findtext("detail/remarks") == (
        "warning alert (level 3), IL and TR: 1234 m and 0 ft apart at 15:30:00Z"
    )
    assert outbound.encounter_event(encounter(None), START) is None


def test_a_deletion_names_the_uid_it_takes_back() -> None:
    gone = read(outbound.deletion("clearline.il-tr-syria.track.1", START))
    assert gone.get("type") == "t-x-d-d"
    assert gone.find("detail/link").get("uid") == "clearline.il-tr-syria.track.1"  # type: ignore[union-attr]
    assert gone.find("detail/__forcedelete") is not None
