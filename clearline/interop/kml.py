"""KML, for Google Earth and the C2 and GIS tools that read it: what a party may see as one
document (zones, notices, declared positions, tracks, conflicts, a folder each), and zones
read back from a KML file (``clearline zone import zones.kml``).

Written and read with fastkml. Each placemark shows its true footprint (a circle as its
polygon, a corridor at its width), its times as a KML TimeSpan or TimeStamp (Google Earth's
time slider plays a day of notices), and carries the record's fields in ExtendedData, JSON
where they are not text; a zone's own geometry (a circle as a circle) rides along as
``geometry``, so that a zone exported and imported again is the same zone. A file from
elsewhere is read through defusedxml first: no DTD, no entity is ever expanded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import defusedxml.ElementTree as SafeET
import pygeoif
import shapely
from defusedxml import DefusedXmlException
from fastkml import KML, Data, Document, ExtendedData, Folder, Placemark, TimeSpan, TimeStamp
from fastkml.times import KmlDateTime
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection

from clearline.geo import volumes
from clearline.model.conflict import Conflict, ConflictState
from clearline.model.errors import invalid
from clearline.model.notice import Notice
from clearline.model.track import Track
from clearline.model.wellclear import FT_M
from clearline.model.zone import Position, Zone
from clearline.services.deconfliction import conflicts as conflict_service
from clearline.services.deconfliction import notices
from clearline.services.deconfliction import zones as zone_service
from clearline.services.tactical import tracks
from clearline.services.tactical.picture import Pictures

MAX_RECORDS = 1_000
"""Of each kind, newest first: a map, not an archive."""
MAX_BYTES = 20 * 1024 * 1024
"""The largest KML file read: a theatre's zones are a few hundred kilobytes."""


def document(
    title: str,
    zones: list[Zone],
    notices: list[Notice],
    positions: list[Position],
    tracks: list[Track],
    conflicts: list[Conflict],
) -> str:
    """One KML document, a folder a kind of record, each record as its reader may see it."""
    folders = [
        Folder(name="Zones", features=[zone_placemark(z) for z in zones]),
        Folder(name="Notices", features=[p for n in notices for p in _notice_placemarks(n)]),
        Folder(name="Declared positions", features=[_position_placemark(p) for p in positions]),
        Folder(name="Tracks", features=[_track_placemark(t) for t in tracks]),
        Folder(name="Conflicts", features=[p for c in conflicts for p in _conflict_placemarks(c)]),
    ]
    return str(KML(features=[Document(name=title, features=folders)]).to_string(prettyprint=True))


def picture_of(
    connection: Connection, party: str, agreement: str | None, pictures: Pictures, now: datetime
) -> str:
    """Everything ``party`` may see that has a place, as the API gives it: the zones, the live
    notices, the declared positions, the live tracks, the standing conflicts. On the writer
    (the tracks' picture is only ever touched there)."""
    live = [n for n in notices.notices_for(connection, party, None, MAX_RECORDS) if n.state.live]
    conflicts = conflict_service.conflicts_for(connection, party, None, MAX_RECORDS, now)
    return document(
        f"Clearline: what {party} sees at {now:%Y-%m-%d %H:%MZ}",
        zone_service.zones_for(connection, party),
        live,
        zone_service.positions_for(connection, party),
        tracks.live_for(connection, party, agreement, pictures, now),
        [c for c in conflicts if c.state in (ConflictState.OPEN, ConflictState.ACKNOWLEDGED)],
    )


def zone_placemark(zone: Zone) -> Placemark:
    fields = zone.model_dump(
        mode="json", exclude={"id", "agreement_id", "created_at", "created_by"}
    )
    area = volumes.in_degrees(zone.geometry, zone.width_m)
    return _placemark(f"zone-{zone.id}", zone.name, area, fields)


def zones_document(title: str, zones: list[Zone]) -> str:
    return document(title, zones, [], [], [], [])


def features_of(text: bytes) -> dict[str, Any]:
    """A KML file's placemarks as a GeoJSON FeatureCollection, each one's ExtendedData its
    properties (``geometry`` there, where the line wrote one, in place of the placemark's)."""
    if len(text) > MAX_BYTES:
        raise invalid("file", f"more than {MAX_BYTES // 1024 // 1024} MiB of KML")
    try:
        SafeET.fromstring(text, forbid_dtd=True)
        parsed = KML.from_string(text.decode())
    except DefusedXmlException as exc:
        raise invalid("file", f"refused XML ({type(exc).__name__}): no DTDs or entities") from None
    except Exception as exc:  # fastkml and the XML parser raise many kinds: all are the file's
        raise invalid("file", f"not KML: {exc}") from None
    return {"type": "FeatureCollection", "features": list(_features(parsed))}


def _features(container: Any) -> Iterator[dict[str, Any]]:
    for index, feature in enumerate(getattr(container, "features", None) or []):
        if not isinstance(feature, Placemark):
            yield from _features(feature)
            continue
        properties = {d.name: _value(d.value) for d in _data(feature) if d.name}
        geometry = properties.pop("geometry", None)
        if geometry is None and feature.geometry is not None:
            geometry = _flat(feature.geometry)
        if feature.name and "name" not in properties:
            properties["name"] = feature.name
        yield {
            "type": "Feature",
            "id": feature.id or index,
            "geometry": geometry,
            "properties": properties,
        }


def _notice_placemarks(notice: Notice) -> list[Placemark]:
    current = notice.current
    return [
        _placemark(
            f"notice-{notice.id}-{index}",
            f"{notice.party} {notice.kind} (notice {notice.id})",
            shape(volume.footprint),
            {
                "notice_id": notice.id,
                "party": notice.party,
                "kind": notice.kind,
                "state": notice.state,
                "version": current.version,
                "sharing": current.sharing,
                "alt_lower_ft": volume.alt_lower_ft,
                "alt_upper_ft": volume.alt_upper_ft,
                **{k: v for k, v in volume.input.items() if k in ("mgrs", "radius_m", "width_m")},
            },
            _span(volume.start, volume.end),
        )
        for index, volume in enumerate(current.volumes)
    ]


def _position_placemark(position: Position) -> Placemark:
    fields = position.model_dump(mode="json", exclude={"square", "lat", "lon"})
    return _placemark(f"position-{position.id}", position.name, shape(position.square), fields)


def _track_placemark(track: Track) -> Placemark:
    fields = track.model_dump(mode="json", exclude={"lat", "lon", "time"})
    name = f"{track.reporter}-{track.track_id}"
    point = pygeoif.Point(track.lon, track.lat, track.alt_ft * FT_M)
    when = TimeStamp(timestamp=KmlDateTime(track.time))
    return _placemark(f"track-{track.id}", name, point, fields, when)


def _conflict_placemarks(conflict: Conflict) -> list[Placemark]:
    fields = conflict.model_dump(
        mode="json", include={"id", "parties", "severity", "state", "source"}
    )
    return [
        _placemark(
            f"conflict-{conflict.id}",
            f"Conflict {conflict.id} ({conflict.severity})",
            shape(conflict.region),
            fields,
            _span(conflict.window_start, conflict.window_end),
        )
    ]


def _placemark(
    id_: str,
    name: str,
    where: BaseGeometry | pygeoif.Point,
    fields: dict[str, Any],
    when: TimeSpan | TimeStamp | None = None,
) -> Placemark:
    data = [Data(name=k, value=_text(v)) for k, v in fields.items() if v is not None]
    return Placemark(
        id=id_,
        name=name,
        geometry=where if isinstance(where, pygeoif.Point) else pygeoif.shape(mapping(where)),
        times=when,
        extended_data=ExtendedData(elements=data),
    )


def _span(start: datetime, end: datetime) -> TimeSpan:
    return TimeSpan(begin=KmlDateTime(start), end=KmlDateTime(end))


def _data(placemark: Placemark) -> list[Data]:
    extended = placemark.extended_data
    return [e for e in (extended.elements if extended else []) if isinstance(e, Data)]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _value(text: str | None) -> Any:
    """What ``_text`` wrote: JSON where it parses as JSON, the text itself otherwise."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _flat(geometry: Any) -> dict[str, Any]:
    """A placemark's geometry as GeoJSON, KML's heights dropped: a zone's band is its
    ``alt_lower_ft`` and ``alt_upper_ft``."""
    return dict(mapping(shapely.force_2d(shape(geometry))))
