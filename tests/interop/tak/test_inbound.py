"""A party's CoT as track reports: its own assets by type, its sensors' as unknown objects,
speeds and heights in the line's units, its sharing from the line's detail element; what is
not a track passed over, the line's own echo ignored, and a bad track dropped by name."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clearline.interop.tak.cot import Dropped, parse
from clearline.interop.tak.inbound import report_of
from clearline.model.message import ObjectKind
from tests.conftest import START
from tests.support.tak import cot
from tests.support.tracks import jet, uav


def test_an_own_aircraft_becomes_a_report_in_the_lines_units() -> None:
    report = report_of(parse(cot(jet(START))), START)
    assert report is not None
    assert report.track_id == "F-16-1" and report.kind is ObjectKind.FIXED_WING
    assert report.alt_ft == pytest.approx(15_000)
    assert report.ground_speed_kt == pytest.approx(300)
    assert report.track_deg == pytest.approx(90)
    assert report.time == START and report.accuracy_m == 10
    assert report.share_with is None and not report.coarse  # as on POST /v1/tracks


def test_a_sensor_track_is_an_unknown_object_and_sharing_is_taken_from_the_detail() -> None:
    event = cot(uav(START), cot_type="a-h-A", share_with="IL, RU", coarse=True)
    report = report_of(parse(event), START)
    assert report is not None and report.kind is ObjectKind.UNKNOWN_OBJECT
    assert report.share_with == ["IL", "RU"] and report.coarse
    blind = report_of(parse(cot(uav(START), share_with="")), START)
    assert blind is not None and blind.share_with == []


def test_a_ground_unit_with_no_height_is_on_the_ground_but_an_aircraft_is_dropped() -> None:
    ground = cot({**jet(START), "alt_ft": 9_999_999 / 0.3048}, cot_type="a-f-G-U-C")
    report = report_of(parse(ground), START)
    assert report is not None and report.alt_ft == 0
    with pytest.raises(Dropped, match="point@hae: unknown"):
        report_of(parse(ground.replace(b"a-f-G-U-C", b"a-f-A-M-F")), START)


def test_what_is_not_a_track_and_the_lines_own_echo_are_passed_over() -> None:
    ping = cot(jet(START), cot_type="t-x-c-t")
    assert report_of(parse(ping), START) is None
    assert report_of(parse(cot(jet(START), uid="clearline.il-tr-syria.track.4")), START) is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ((b'lat="34.7"', b'lat="north"'), "point@lat: 'north' is not a number"),
        ((b'lat="34.7"', b'lat="nan"'), "point@lat: 'nan' is not a finite number"),
        ((b'lat="34.7"', b'lat="134.7"'), "lat: Input should be less than or equal to 90"),
        ((b"<point", b"<spot"), "point: missing"),
        ((b'type="a-f-A-M-F"', b'type="a-f-S-C"'), "air and ground objects only"),
        ((b'uid="F-16-1"', b'uid="F 16 1"'), "track_id: String should match pattern"),
        ((b'time="2026', b'time="Tuesday'), "event@time: 'Tuesday"),
    ],
)
def test_a_bad_track_is_dropped_naming_the_part_at_fault(
    change: tuple[bytes, bytes], reason: str
) -> None:
    event = cot(jet(START))
    assert change[0] in event
    with pytest.raises(Dropped, match=reason.replace("(", r"\(")):
        report_of(parse(event.replace(*change)), START)


def test_an_event_already_stale_is_dropped() -> None:
    with pytest.raises(Dropped, match=r"event@stale: .* is already past"):
        report_of(parse(cot(jet(START), stale_s=10)), START + timedelta(seconds=10))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"not xml</event>", "event: not XML"),
        (b'<!DOCTYPE e [<!ENTITY a "aaaa">]><event>&a;</event>', "refused XML"),
        (b'<!DOCTYPE e SYSTEM "file:///etc/passwd"><event/>', "refused XML"),
        (b"<detail></detail>", "the root is <detail>"),
        (b"<event>" + b" " * 70_000 + b"</event>", "more than 65536"),
    ],
)
def test_what_is_not_a_cot_event_is_refused_before_it_is_read(data: bytes, reason: str) -> None:
    with pytest.raises(Dropped, match=reason):
        parse(data)
