"""A party's CoT feed as the line's track reports.

Its own assets (``a-f-...``) become reports of its own tracks, what its sensors see (any other
affiliation) reports of unknown objects. The event's uid is the track's id, so that a TAK
track keeps its identity on the line. How the party shares a track is the line's ``detail``
element ``<__clearline share_with="TR" coarse="true"/>``; without it, as on ``POST
/v1/tracks``, every party of the agreement sees it. What is not a track (chat, pings,
drawings) is passed over; what claims to be one and is wrong is dropped, with the reason.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

from pydantic import ValidationError

from clearline.interop import symbols
from clearline.interop.tak.cot import (
    Dropped,
    attribute,
    moment,
    number,
    optional_number,
)
from clearline.interop.tak.outbound import UID_PREFIX
from clearline.model.errors import from_validation
from clearline.model.message import ObjectKind
from clearline.model.track import TrackReport
from clearline.model.wellclear import FT_M, KNOT_MS

SHARING = "__clearline"


def report_of(root: ET.Element, now: datetime) -> TrackReport | None:
    """The track report an event makes; None for an event that is not a track, or is the
    line's own sent back; ``Dropped`` for a track the line cannot take as it stands."""
    cot_type = attribute(root, "type", "event")
    uid = attribute(root, "uid", "event")
    if not cot_type.startswith("a-") or uid.startswith(UID_PREFIX):
        return None
    try:
        kind = symbols.kind_of(cot_type)
    except ValueError as exc:
        raise Dropped(f"event: {exc}") from None
    if moment(root, "stale") <= now:
        raise Dropped(f"event@stale: {root.get('stale')} is already past")
    point = root.find("point")
    if point is None:
        raise Dropped("point: missing")
    detail = root.find("detail")
    track = detail.find("track") if detail is not None else None
    values = {
        "track_id": uid,
        "kind": kind,
        "lat": number(point, "lat", "point"),
        "lon": number(point, "lon", "point"),
        "alt_ft": _altitude_ft(point, kind),
        "ground_speed_kt": (optional_number(track, "speed", "track") or 0.0) / KNOT_MS,
        "track_deg": (optional_number(track, "course", "track") or 0.0) % 360,
        "time": moment(root, "time"),
        "accuracy_m": _accuracy(point),
        **_sharing(detail),
    }
    try:
        return TrackReport.model_validate(values)
    except ValidationError as exc:
        error = from_validation(exc)
        raise Dropped(f"{error.field}: {error.reason}") from None


def _altitude_ft(point: ET.Element, kind: ObjectKind) -> float:
    """Height above the ellipsoid, taken as the line's altitude: the geoid lies 20 to 30 m
    (about 100 ft) above the ellipsoid over Syria, inside the vertical minima's rounding. A
    ground unit with no height is on the ground; an aircraft with none cannot be screened."""
    hae = optional_number(point, "hae", "point")
    if hae is None:
        if kind is ObjectKind.GROUND_UNIT:
            return 0.0
        raise Dropped("point@hae: unknown, and an air track needs its altitude")
    return hae / FT_M


def _accuracy(point: ET.Element) -> float | None:
    ce = optional_number(point, "ce", "point")
    return ce if ce is not None and 0 < ce <= 100_000 else None


def _sharing(detail: ET.Element | None) -> dict[str, object]:
    element = detail.find(SHARING) if detail is not None else None
    if element is None:
        return {}
    sharing: dict[str, object] = {"coarse": element.get("coarse", "false").lower() == "true"}
    share_with = element.get("share_with")
    if share_with is not None:
        sharing["share_with"] = [p.strip() for p in share_with.split(",") if p.strip()]
    return sharing
