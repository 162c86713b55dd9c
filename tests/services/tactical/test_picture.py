"""A track is built from the live picture in one place: every field of its identity and of its
newest report reaches the record, named as the record names it."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from clearline.geo.projection import projection
from clearline.model import times
from clearline.model.message import ObjectKind
from clearline.model.track import Track, TrackStatus
from clearline.services.tactical.picture import COLUMNS, Identity, Picture
from tests.conftest import START

RENAMED = {"track_key": "track_id", "time_s": "time"}
"""What the picture holds under another name than the record."""
HIDDEN = {"share_with"}
"""Whom a track is shared with decides who sees it; the record says only whether it is blind."""


def test_a_track_has_a_field_for_everything_the_picture_holds_of_it() -> None:
    held = {f.name for f in dataclasses.fields(Identity)} | set(COLUMNS)
    named = {RENAMED.get(name, name) for name in held - HIDDEN}
    assert set(Track.model_fields) == named | {"agreement_id", "blind"}


IDENTITY = Identity(
    id=7,
    reporter="IL",
    track_key="viper-1",
    kind=ObjectKind.UAV,
    owner="IL",
    status=TrackStatus.OWN,
    share_with=(),
    coarse=True,
    hostile_for=("TR",),
)
REPORT = {
    "lat": 34.5,
    "lon": 38.3,
    "alt_ft": 9_000.0,
    "east_kt": 80.0,
    "north_kt": -20.0,
    "vertical_rate_fpm": 500.0,
    "time_s": times.epoch(START),
    "accuracy_m": 30.0,
}


def _tracked(report: dict[str, float]) -> Track:
    picture = Picture("il-tr-syria", projection(34.8, 38.5))
    picture.identify(IDENTITY)
    picture.update(np.array([IDENTITY.id]), np.array([[report[c] for c in COLUMNS]]))
    return picture.track(IDENTITY.id)


def test_a_track_carries_its_identity_and_newest_report() -> None:
    assert _tracked(REPORT).model_dump() == {
        **{k: v for k, v in REPORT.items() if k != "time_s"},
        "id": 7,
        "agreement_id": "il-tr-syria",
        "reporter": "IL",
        "track_id": "viper-1",
        "owner": "IL",
        "status": TrackStatus.OWN,
        "kind": ObjectKind.UAV,
        "time": START,
        "coarse": True,
        "blind": True,
        "hostile_for": ("TR",),
    }


def test_a_track_reported_without_an_accuracy_has_none() -> None:
    assert _tracked({**REPORT, "accuracy_m": math.nan}).accuracy_m is None
