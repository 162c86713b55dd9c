"""The visibility suite: what a party learns of what another party files blind (issue #12).

The cases are generated: IL's notice (shared or blind) against TR's blind one, overlapping as a
half, a corner or a sliver of IL's footprint, with TR's window covering IL's or only part of
it; TR's blind track head-on with IL's jet; a grid of what-if plans probing a blind circle. In
each, every region and window IL is given lies inside its own (checked with shapely), and no
value of TR's hidden record (its free text, its corners, its band, its kind, its window, its
track's id and places) is in any byte IL can read: every list and record it may fetch, its
events, its stream and its ledger. The console shows what these routes give and nothing else.

Zones and declared positions have no blind mode: every party of an agreement sees them all by
design (``services.deconfliction.zones``), so the rule holds of them without a case here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from clearline.clock import FixedClock
from clearline.geo.projection import projection
from tests.conftest import Line
from tests.support.seen import everything
from tests.support.theatre import PALMYRA, circle, filed, notice, square, volume
from tests.support.tracks import JET_LON, NORTH_OF_PALMYRA, fly, jet, moved, uav

HALF_DEG = 0.05
"""IL's square: 0.1 degrees a side (about 9 by 11 km)."""
OVERLAPS = {"half": (0.0437, 0.0031), "corner": (0.0713, 0.0689), "sliver": (0.1461, 0.0117)}
"""TR's square, as far east and north of IL's (degrees): odd figures, so that its corners are
numbers found nowhere else. The sliver is outside IL's square, within the minima of it."""
WINDOWS = {"covering": (1.5, 3.25), "overlapping": (3.0, 2.75)}
"""TR's window, as (start, hours) from the clock's start; IL's is 2 h to 4 h."""
DEMO_CENTRE = (34.8, 38.5)
"""The demo protocol's theatre centre (lat, lon), where the line's projection is centred."""
TR_TEXT = "Radar at the old cement works, switch-on 0400"


@dataclass(frozen=True)
class Overlap:
    il: dict[str, Any]
    tr: dict[str, Any]
    tr_notice: dict[str, Any]

    def hidden(self) -> list[str]:
        """TR's record as it would be written in JSON: none of it may reach IL."""
        return [
            TR_TEXT,
            "radar_ew_emission",
            *(
                form
                for t in (self.tr["start"], self.tr["end"])
                if self._outside(t)
                for form in _times(t)
            ),
            f'"notice_id":{self.tr_notice["id"]}',
            "17250",
            "33750",
        ]

    def _outside(self, moment: str) -> bool:
        """A time of TR's outside IL's window: one IL may not learn (inside it, the window IL
        is given may end or start at one of TR's, as the region may run along TR's edge)."""
        return not self.il["start"] <= moment <= self.il["end"]

    def corners(self) -> list[float]:
        return [value for corner in self.tr["geometry"]["coordinates"][0] for value in corner]


def _times(iso: str) -> list[str]:
    """A time as the test wrote it and as the line writes it (``Z``)."""
    return [iso, iso.replace("+00:00", "Z")]


def _numbers(read: str) -> list[float]:
    return [float(token) for token in re.findall(r"-?\d+\.\d+", read)]


def _placed(read: str, values: list[float]) -> list[float]:
    """Which of ``values`` appear as numbers in ``read``: as numbers, not as text, since the
    region IL may know is bounded by TR's footprint grown by the minima, and so holds numbers
    that begin with the same digits (its straight edges run along TR's, 5 km out)."""
    found = _numbers(read)
    return [value for value in values if any(math.isclose(value, n, abs_tol=1e-9) for n in found)]


def _overlap(
    line: Line, shift: tuple[float, float], window: tuple[float, float], il_sharing: str
) -> Overlap:
    lon, lat = PALMYRA
    il = volume(square(lon, lat, HALF_DEG), start=2, hours=2, upper=20_000)
    tr = volume(
        square(lon + shift[0], lat + shift[1], HALF_DEG),
        start=window[0],
        hours=window[1],
        lower=17_250,
        upper=33_750,
    )
    filed(line, "IL", notice("air_patrol", il, sharing=il_sharing))
    tr_notice = filed(
        line, "TR", notice("radar_ew_emission", tr, sharing="blind", free_text=TR_TEXT)
    )
    return Overlap(il, tr, tr_notice)


def _leaked(read: str, hidden: list[str]) -> list[str]:
    return [value for value in hidden if value in read]


def _metres(geometry: dict[str, Any]) -> BaseGeometry:
    """In the theatre's metres, as the line computes: a lon/lat square's edges are straight
    there, not in degrees."""
    to_metres = projection(*DEMO_CENTRE)
    return shapely.transform(
        shape(geometry), lambda lonlat: np.column_stack(to_metres.points(*lonlat.T))
    )


CASES = [
    pytest.param(shift, window, sharing, id=f"{name}-{when}-il-{sharing}")
    for name, shift in OVERLAPS.items()
    for when, window in WINDOWS.items()
    for sharing in ("shared", "blind")
]


@pytest.mark.parametrize(("shift", "window", "il_sharing"), CASES)
def test_a_party_learns_of_a_blind_notice_only_within_its_own_volume(
    line: Line, shift: tuple[float, float], window: tuple[float, float], il_sharing: str
) -> None:
    case = _overlap(line, shift, window, il_sharing)
    (conflict,) = line.conflicts("IL")
    region, own = _metres(conflict["region"]), _metres(case.il["geometry"])
    assert region.area > 0
    # Inside IL's own footprint, to a square metre (the rounding of coordinates).
    assert region.difference(own).area <= 1.0
    start, end = (datetime.fromisoformat(conflict[k]) for k in ("window_start", "window_end"))
    assert datetime.fromisoformat(case.il["start"]) <= start < end
    assert end <= datetime.fromisoformat(case.il["end"])
    read = everything(line, "IL")
    assert _leaked(read, case.hidden()) == []
    assert _placed(read, case.corners()) == []


@pytest.mark.parametrize(("shift", "window", "il_sharing"), CASES[:2])
def test_the_blind_notices_party_sees_its_own_notice_and_the_conflict(
    line: Line, shift: tuple[float, float], window: tuple[float, float], il_sharing: str
) -> None:
    case = _overlap(line, shift, window, il_sharing)
    (conflict,) = line.conflicts("TR")
    assert (
        conflict["b" if conflict["a"]["party"] == "IL" else "a"]["notice_id"]
        == (case.tr_notice["id"])
    )
    # The hidden values are there to be found: TR reads its own record whole.
    read = everything(line, "TR")
    assert set(_leaked(read, case.hidden())) >= {TR_TEXT, "radar_ew_emission", "17250", "33750"}
    assert _placed(read, case.corners()) == case.corners()


def test_a_blind_track_is_never_placed_for_the_other_party(line: Line, clock: FixedClock) -> None:
    """Head-on, the UAV blind to IL: IL is told where its own jet is predicted to lose
    separation, not the midpoint of the two, nor where the UAV is."""
    first_jet, first_uav = jet(clock.now()), uav(clock.now(), share_with=[])
    line.report("IL", first_jet)
    line.report("TR", first_uav)
    fly(line, clock, 30, ("IL", first_jet), ("TR", first_uav))
    (encounter,) = line.encounters("IL")
    assert encounter["counterpart"] == {"kind": "track", "id": None}
    ahead = datetime.fromisoformat(encounter["violation_at"]) - datetime.fromisoformat(
        first_jet["time"]
    )
    own = moved(first_jet, ahead.total_seconds())
    assert math.isclose(encounter["point"]["lon"], own["lon"], abs_tol=1e-3)
    assert math.isclose(encounter["point"]["lat"], NORTH_OF_PALMYRA, abs_tol=1e-3)
    alerts = [
        m for m in line.get("IL", "/v1/messages").json()["messages"] if m["type"] == "track_alert"
    ]
    assert alerts[0]["body"]["location"] == encounter["point"]  # the newest, at level 3
    (tr_view,) = line.encounters("TR")
    assert tr_view["point"] != encounter["point"]  # TR sees both: the midpoint
    read = everything(line, "IL")
    assert _leaked(read, ["ANKA-3"]) == []
    assert _placed(read, [moved(first_uav, s)["lon"] for s in range(31)]) == []
    assert encounter["point"]["lon"] < JET_LON + 0.2  # on IL's side of the meeting point


# --- what-if checks: no oracle --------------------------------------------------------------

GRID_SPACING_M = 4_500
PROBE_RADIUS_M = 500
HIDDEN_RADIUS_M = 8_000


def _plan(*centres: tuple[float, float], radius_m: float = PROBE_RADIUS_M) -> dict[str, Any]:
    window = volume()
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": circle(centre, radius_m),
                "properties": {
                    "id": f"probe-{n}",
                    "party": "IL",
                    "kind": "air_patrol",
                    "alt_lower_ft": 0,
                    "alt_upper_ft": 15_000,
                    "start": window["start"],
                    "end": window["end"],
                },
            }
            for n, centre in enumerate(centres)
        ],
    }


def _grid() -> list[tuple[float, float]]:
    """7 x 7 centres 4.5 km apart around Palmyra (a degree of latitude is 111 km)."""
    lon, lat = PALMYRA
    step_lat = GRID_SPACING_M / 111_320
    step_lon = step_lat / math.cos(math.radians(lat))
    return [(lon + i * step_lon, lat + j * step_lat) for i in range(-3, 4) for j in range(-3, 4)]


def _blind_circle(line: Line) -> dict[str, Any]:
    hidden = notice("uav_flight", volume(circle(PALMYRA, HIDDEN_RADIUS_M)), sharing="blind")
    return filed(line, "TR", hidden)


def _check(line: Line, plan: dict[str, Any]) -> dict[str, Any]:
    answer = line.post("IL", "/v1/conflicts/check", json={"plan": plan})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_a_probing_grid_is_stopped_by_the_budget_and_the_owner_is_told(
    line: Line, clock: FixedClock
) -> None:
    hidden = _blind_circle(line)
    answers = [_check(line, _plan(centre)) for centre in _grid()]
    assert all(a["features"] == [] for a in answers)  # never which feature, never where
    blind = [a["blind"] for a in answers]
    assert [b["checked"] for b in blind] == [True] * 20 + [False] * 29
    assert all("conflicts" not in b and b["budget_left"] == 0 for b in blind[20:])
    hits = sum(b["conflicts"] for b in blind[:20])
    assert 0 < hits < 20  # the probes near the circle touched it, the others did not
    touched = line.get("TR", "/v1/conflicts/checks").json()["touches"]
    assert [(t["by"], t["notice_id"], t["checks"]) for t in touched] == [("IL", hidden["id"], hits)]
    # The budget is per hour: an hour on, checks are answered again.
    clock.advance(3_600)
    assert _check(line, _plan(PALMYRA))["blind"]["checked"] is True


def test_a_plan_of_many_features_learns_what_one_feature_would(line: Line) -> None:
    _blind_circle(line)
    many = _check(line, _plan(*_grid()))
    one = _check(line, _plan(PALMYRA))
    assert many["features"] == one["features"] == []
    assert many["blind"]["conflicts"] is one["blind"]["conflicts"] is True
    assert (many["blind"]["budget_left"], one["blind"]["budget_left"]) == (19, 18)


def test_a_check_with_no_blind_notice_spends_the_budget_alike(line: Line) -> None:
    """Else the budget itself would say where blind notices are."""
    answer = _check(line, _plan(PALMYRA))
    assert answer["blind"] == {"checked": True, "conflicts": False, "budget_left": 19}


def test_a_spent_budget_still_answers_what_the_asker_may_see(line: Line) -> None:
    filed(line, "TR", notice("uav_flight", volume(circle(PALMYRA, 2_000))))
    for _ in range(20):
        _check(line, _plan((38.9, 35.2)))
    answer = _check(line, _plan(PALMYRA))
    assert answer["blind"]["checked"] is False
    assert len(answer["features"]) == 1  # the shared notice's conflict, as ever


def test_the_window_of_a_check_is_the_protocols_hour(line: Line, clock: FixedClock) -> None:
    for _ in range(20):
        _check(line, _plan(PALMYRA))
    clock.advance(3_599)
    assert _check(line, _plan(PALMYRA))["blind"]["checked"] is False
    clock.advance(2)  # the first twenty are more than an hour old; the refused one spent none
    assert _check(line, _plan(PALMYRA))["blind"]["budget_left"] == 19
