"""MIL-STD-2525 as Cursor on Target types (``a-n-A-M-F``): an atom's affiliation as one viewer
sees it, and what kind of object a party's own type names.

A CoT type is the 2525 symbol's hierarchy, dash-separated: ``a`` (an atom: a thing, not a
drawing), the affiliation letter, the battle dimension (``A`` air, ``G`` ground), then the
function (``M-F`` military fixed wing, ``M-F-Q`` unmanned, ``M-H`` rotary). No library writes
them (milsymbol draws the SIDC in the browser; pytak leaves the type to its caller), so the
table is here, kept to the kinds the line knows.
"""

from __future__ import annotations

from enum import StrEnum

from clearline.model.message import ObjectKind
from clearline.model.track import Track, TrackStatus


class Affiliation(StrEnum):
    """The letters of 2525's standard identity that the line gives."""

    FRIEND = "f"
    NEUTRAL = "n"
    UNKNOWN = "u"
    HOSTILE = "h"


FUNCTION = {
    ObjectKind.FIXED_WING: "A-M-F",
    ObjectKind.ROTARY: "A-M-H",
    ObjectKind.UAV: "A-M-F-Q",
    ObjectKind.GROUND_UNIT: "G-U-C",
    ObjectKind.UNKNOWN_OBJECT: "A",
}
"""Each kind's dimension and function; an unknown object is an air track of no known function."""

SENSOR_AFFILIATIONS = frozenset("uhsjkpna")
"""Letters a party gives what its sensors see and it does not own: all but ``f``, friend."""


def affiliation(track: Track, viewer: str) -> Affiliation:
    """How ``viewer`` should see ``track``: its own as friend, another party's as neutral (the
    parties are not allies; deconfliction is between forces that are not), an unclaimed object
    as unknown, and one every other party disowned as hostile to the party that asked."""
    if track.status is TrackStatus.HOSTILE_UNKNOWN:
        return Affiliation.HOSTILE if viewer in track.hostile_for else Affiliation.UNKNOWN
    if track.status is TrackStatus.UNKNOWN or track.owner is None:
        return Affiliation.UNKNOWN
    return Affiliation.FRIEND if track.owner == viewer else Affiliation.NEUTRAL


def cot_type(track: Track, viewer: str) -> str:
    """The CoT type of ``track`` on ``viewer``'s map."""
    return f"a-{affiliation(track, viewer)}-{FUNCTION[track.kind]}"


def kind_of(cot: str) -> ObjectKind:
    """The kind of object a party's own CoT type names: its own assets (``a-f-``) by their
    function, anything else its sensors see as an unknown object. Refuses what the line has
    no kind for (ships, submarines, drawings), naming the type."""
    parts = cot.split("-")
    if len(parts) < 3 or parts[0] != "a":
        raise ValueError(f"type {cot!r} is not an atom (a-...): the line takes only tracks")
    letter, dimension, function = parts[1], parts[2], "-".join(parts[3:])
    if letter in SENSOR_AFFILIATIONS and dimension in ("A", "G"):
        return ObjectKind.UNKNOWN_OBJECT
    if letter != "f":
        raise ValueError(f"type {cot!r}: affiliation {letter!r} is not one 2525 defines")
    if dimension == "G":
        return ObjectKind.GROUND_UNIT
    if dimension != "A":
        raise ValueError(f"type {cot!r}: the line tracks air and ground objects only")
    if function.startswith("M-F-Q") or function.startswith("M-Q"):
        return ObjectKind.UAV
    if function.startswith("M-H") or function.startswith("C-H"):
        return ObjectKind.ROTARY
    return ObjectKind.FIXED_WING
