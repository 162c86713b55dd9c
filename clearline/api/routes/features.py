"""What a party may see, in the files mapping tools read: RFC 7946 GeoJSON
(``application/geo+json``) of its notices and the others' shared ones, the live tracks it may
see and the encounters its assets are in; and the whole picture as one KML document."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from clearline.api.auth import CurrentRuntime, PartyUser
from clearline.api.params import Limit
from clearline.interop import geojson, kml
from clearline.model.notice import NoticeState
from clearline.model.track import EncounterState
from clearline.services.deconfliction import notices
from clearline.services.tactical import encounters, tracks

router = APIRouter(prefix="/v1", tags=["geojson"])
MEDIA_TYPE = "application/geo+json"
KML_MEDIA_TYPE = "application/vnd.google-earth.kml+xml"
GEOJSON: dict[int | str, dict[str, Any]] = {200: {"content": {MEDIA_TYPE: {}}}}


def _answer(features: list[geojson.Feature]) -> JSONResponse:
    return JSONResponse(geojson.collection(features), media_type=MEDIA_TYPE)


@router.get(
    "/map.kml",
    response_class=Response,
    responses={200: {"content": {KML_MEDIA_TYPE: {}}}},
)
async def map_kml(user: PartyUser, rt: CurrentRuntime, agreement: str | None = None) -> Response:
    """What your party may see with a place, as one KML document for Google Earth or a C2
    map: zones, live notices (with their times), declared positions, live tracks, standing
    conflicts, a folder each; `agreement` names one where your party is in several."""
    now = rt.clock.now()
    text = await rt.write(lambda c: kml.picture_of(c, user.party, agreement, rt.pictures, now))
    return Response(text, media_type=KML_MEDIA_TYPE)


@router.get("/notices.geojson", response_class=JSONResponse, responses=GEOJSON)
async def notice_features(
    user: PartyUser, rt: CurrentRuntime, state: NoticeState | None = None, limit: Limit = 100
) -> JSONResponse:
    """The notices `GET /v1/notices` lists, one Feature a volume: circles as their polygons
    with `centre` and `radius_m` in the properties."""
    found = await rt.read(lambda c: notices.notices_for(c, user.party, state, limit))
    return _answer(geojson.notice_features(found))


@router.get("/tracks.geojson", response_class=JSONResponse, responses=GEOJSON)
async def track_features(
    user: PartyUser, rt: CurrentRuntime, agreement: str | None = None
) -> JSONResponse:
    """The live tracks `GET /v1/tracks` gives, as Points (height in metres)."""
    now = rt.clock.now()
    seen = await rt.write(lambda c: tracks.live_for(c, user.party, agreement, rt.pictures, now))
    return _answer(geojson.track_features(seen))


@router.get("/encounters.geojson", response_class=JSONResponse, responses=GEOJSON)
async def encounter_features(
    user: PartyUser,
    rt: CurrentRuntime,
    state: EncounterState | None = None,
    limit: Limit = 100,
) -> JSONResponse:
    """The encounters `GET /v1/encounters` lists, each at its predicted point (no geometry
    where the line withholds it)."""
    now = rt.clock.now()
    found = await rt.write(
        lambda c: encounters.encounters_for(c, user.party, state, limit, rt.pictures, now)
    )
    return _answer(geojson.encounter_features(found))
