"""The line's records as RFC 7946 GeoJSON FeatureCollections, for any GIS or C2 system that
reads them: notices (one Feature a volume), tracks and encounters.

RFC 7946 has no circle, so a circle is its polygon (the footprint the line screens against),
its centre and radius kept in the properties; a polygon's outer ring runs counter-clockwise
and its holes clockwise (the right-hand rule); positions are longitude, latitude and, for a
track, its height in metres as the third element. Each record is given as its reader may see
it: the caller passes what the services returned for that reader.
"""

from __future__ import annotations

from typing import Any

from shapely.geometry import mapping, shape
from shapely.geometry.polygon import orient

from clearline.model.notice import Notice, Volume
from clearline.model.track import Encounter, Track
from clearline.model.wellclear import FT_M

Feature = dict[str, Any]


def collection(features: list[Feature]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def notice_features(notices: list[Notice]) -> list[Feature]:
    """Every volume of each notice's current version (as its reader may see it)."""
    return [
        _volume_feature(notice, index, volume)
        for notice in notices
        for index, volume in enumerate(notice.current.volumes)
    ]


def track_features(tracks: list[Track]) -> list[Feature]:
    return [
        {
            "type": "Feature",
            "id": f"track-{track.id}",
            "geometry": {
                "type": "Point",
                "coordinates": [track.lon, track.lat, track.alt_ft * FT_M],
            },
            "properties": track.model_dump(mode="json", exclude={"lat", "lon"}),
        }
        for track in tracks
    ]


def encounter_features(encounters: list[Encounter]) -> list[Feature]:
    """Each encounter at its predicted point; with no geometry (``null``, as RFC 7946 allows)
    where the line withholds it from its reader."""
    return [
        {
            "type": "Feature",
            "id": f"encounter-{encounter.id}",
            "geometry": None
            if encounter.point is None
            else {"type": "Point", "coordinates": [encounter.point.lon, encounter.point.lat]},
            "properties": encounter.model_dump(mode="json", exclude={"point"}),
        }
        for encounter in encounters
    ]


def _volume_feature(notice: Notice, index: int, volume: Volume) -> Feature:
    footprint = orient(shape(volume.footprint), sign=1.0)
    drawn = volume.input.get("geometry") or {}
    properties: dict[str, Any] = {
        "notice_id": notice.id,
        "agreement_id": notice.agreement_id,
        "party": notice.party,
        "kind": notice.kind,
        "state": notice.state,
        "version": notice.current.version,
        "sharing": notice.current.sharing,
        "volume": index,
        "alt_lower_ft": volume.alt_lower_ft,
        "alt_upper_ft": volume.alt_upper_ft,
        "start": volume.start.isoformat(),
        "end": volume.end.isoformat(),
        "drawn_as": "Grid" if volume.input.get("mgrs") else drawn.get("type"),
    }
    if volume.circle is not None:
        lon, lat, radius = volume.circle
        properties |= {"centre": [lon, lat], "radius_m": radius}
    for key in ("mgrs", "radius_m", "width_m"):
        if volume.input.get(key) is not None:
            properties[key] = volume.input[key]
    return {
        "type": "Feature",
        "id": f"notice-{notice.id}-{index}",
        "geometry": mapping(footprint),
        "properties": properties,
    }
