"""MIL-STD-2525 types as CoT: how a viewer sees a track, and what a party's own type names."""

from __future__ import annotations

import pytest

from clearline.interop import symbols
from clearline.model.message import ObjectKind
from clearline.model.track import TrackStatus
from tests.support.tak import track


@pytest.mark.parametrize(
    ("kind", "viewer", "expected"),
    [
        (ObjectKind.FIXED_WING, "TR", "a-n-A-M-F"),
        (ObjectKind.UAV, "TR", "a-n-A-M-F-Q"),
        (ObjectKind.ROTARY, "TR", "a-n-A-M-H"),
        (ObjectKind.GROUND_UNIT, "TR", "a-n-G-U-C"),
        (ObjectKind.FIXED_WING, "IL", "a-f-A-M-F"),
    ],
)
def test_another_partys_asset_is_neutral_and_ones_own_friendly(
    kind: ObjectKind, viewer: str, expected: str
) -> None:
    assert symbols.cot_type(track(kind=kind), viewer) == expected


def test_an_unknown_object_is_unknown_until_every_other_party_disowns_it() -> None:
    unknown = track(kind=ObjectKind.UNKNOWN_OBJECT, owner=None, status=TrackStatus.UNKNOWN)
    assert symbols.cot_type(unknown, "IL") == "a-u-A"
    hostile = unknown.model_copy(
        update={"status": TrackStatus.HOSTILE_UNKNOWN, "hostile_for": ("IL",)}
    )
    assert symbols.cot_type(hostile, "IL") == "a-h-A"
    assert symbols.cot_type(hostile, "TR") == "a-u-A"  # TR did not ask; to it, still unknown
    claimed = unknown.model_copy(update={"status": TrackStatus.ATTRIBUTED, "owner": "TR"})
    assert symbols.cot_type(claimed, "TR") == "a-f-A"
    assert symbols.cot_type(claimed, "IL") == "a-n-A"


@pytest.mark.parametrize(
    ("cot", "kind"),
    [
        ("a-f-A-M-F", ObjectKind.FIXED_WING),
        ("a-f-A-M-F-F", ObjectKind.FIXED_WING),
        ("a-f-A-M-F-Q", ObjectKind.UAV),
        ("a-f-A-M-H-U", ObjectKind.ROTARY),
        ("a-f-G-U-C", ObjectKind.GROUND_UNIT),
        ("a-f-G", ObjectKind.GROUND_UNIT),
        ("a-u-A", ObjectKind.UNKNOWN_OBJECT),
        ("a-h-A-M-F", ObjectKind.UNKNOWN_OBJECT),
        ("a-s-G-U", ObjectKind.UNKNOWN_OBJECT),
    ],
)
def test_a_partys_own_type_names_its_kind_and_any_other_is_a_sensor_track(
    cot: str, kind: ObjectKind
) -> None:
    assert symbols.kind_of(cot) == kind


@pytest.mark.parametrize(
    ("cot", "why"),
    [
        ("b-m-p-s-m", "not an atom"),
        ("a-f-S-C", "air and ground objects only"),
        ("a-x-A", "not one 2525 defines"),
        ("a-f", "not an atom"),
    ],
)
def test_a_type_the_line_has_no_kind_for_is_refused_by_name(cot: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        symbols.kind_of(cot)
