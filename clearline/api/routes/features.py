"""What a party may see, as RFC 7946 GeoJSON (``application/geo+json``): its notices and the
others' shared ones, the live tracks it may see, the encounters its assets are in."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from clearline.api.auth import CurrentRuntime, PartyUser
from clearline.api.params import Limit
from clearline.interop import geojson
from clearline.model.notice import NoticeState
from clearline.model.track import EncounterState
from clearline.services.deconfliction import notices
from clearline.services.tactical import encounters, tracks

router = APIRouter(prefix="/v1", tags=["geojson"])
MEDIA_TYPE = "application/geo+json"
GEOJSON: dict[int | str, dict[str, Any]] = {200: {"content": {MEDIA_TYPE: {}}}}


def _answer(features: list[geojson.Feature]) -> JSONResponse:
    return JSONResponse(geojson.collection(features), media_type=MEDIA_TYPE)


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
