"""Cursor on Target events: built as XML elements and parsed without trusting the sender.

CoT 2.0 is one ``<event>`` per document: a uid, a type, three times (``time`` when it was
made, ``start`` when it holds from, ``stale`` when it no longer does), a ``<point>`` (WGS 84,
height above the ellipsoid in metres, circular and linear errors) and a free ``<detail>``.
Parsing goes through defusedxml: an event is a stranger's XML, and the standard library's
parser would expand entities (a billion laughs) and fetch external ones.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

UNKNOWN = 9_999_999.0
"""CoT's "not known" for a height or an error."""
MAX_EVENT_BYTES = 64 * 1024
"""The largest event taken: a track is a few hundred bytes, a drawn zone a few kilobytes."""


class Dropped(Exception):
    """An event the gateway does not take; the reason names the part at fault."""


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float
    hae_m: float = UNKNOWN
    ce_m: float = UNKNOWN
    le_m: float = UNKNOWN


def stamp(moment: datetime) -> str:
    """A CoT time: UTC, milliseconds, ``Z``, as TAK writes it."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def event(
    uid: str,
    cot_type: str,
    point: Point,
    now: datetime,
    start: datetime,
    stale: datetime,
    how: str = "m-g",
) -> tuple[ET.Element, ET.Element]:
    """An ``<event>`` and its empty ``<detail>``, for the caller to fill."""
    root = ET.Element(
        "event",
        version="2.0",
        uid=uid,
        type=cot_type,
        how=how,
        time=stamp(now),
        start=stamp(start),
        stale=stamp(stale),
    )
    ET.SubElement(
        root,
        "point",
        lat=f"{point.lat:.7f}",
        lon=f"{point.lon:.7f}",
        hae=_number(point.hae_m),
        ce=_number(point.ce_m),
        le=_number(point.le_m),
    )
    return root, ET.SubElement(root, "detail")


def serialize(root: ET.Element) -> bytes:
    """One event as TAK streams it: an XML declaration, the event, nothing between events."""
    return b"<?xml version='1.0' encoding='UTF-8'?>\n" + ET.tostring(root, encoding="utf-8")


def parse(data: bytes) -> ET.Element:
    """An event from a stranger: well-formed XML, no DTD, no entities, an ``<event>`` root."""
    if len(data) > MAX_EVENT_BYTES:
        raise Dropped(f"event: {len(data)} bytes, more than {MAX_EVENT_BYTES}")
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise Dropped(f"event: refused XML ({type(exc).__name__}): no DTDs or entities") from None
    except ET.ParseError as exc:
        raise Dropped(f"event: not XML ({exc})") from None
    if root.tag != "event":
        raise Dropped(f"event: the root is <{root.tag}>, not <event>")
    return root


def attribute(element: ET.Element, name: str, where: str) -> str:
    value = element.get(name)
    if value is None or not value.strip():
        raise Dropped(f"{where}@{name}: missing")
    return value.strip()


def number(element: ET.Element, name: str, where: str) -> float:
    text = attribute(element, name, where)
    try:
        value = float(text)
    except ValueError:
        raise Dropped(f"{where}@{name}: {text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise Dropped(f"{where}@{name}: {text!r} is not a finite number")
    return value


def optional_number(element: ET.Element | None, name: str, where: str) -> float | None:
    """A number that may be absent, or CoT's "unknown"."""
    if element is None or element.get(name) is None:
        return None
    value = number(element, name, where)
    return None if value >= UNKNOWN else value


def moment(element: ET.Element, name: str) -> datetime:
    """A CoT time, with or without fractions of a second, in UTC."""
    text = attribute(element, name, "event")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Dropped(f"event@{name}: {text!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None or parsed.utcoffset() != timedelta(0):
        raise Dropped(f"event@{name}: {text!r} is not in UTC (Z)")
    return parsed


def _number(value: float) -> str:
    return f"{min(value, UNKNOWN):.1f}"
