"""Tracks in (`POST /v1/tracks`), the live tracks a party may see, and encounters."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from clearline.api.auth import CurrentRuntime, PartyUser
from clearline.api.params import Limit, RecordId
from clearline.model.errors import from_validation
from clearline.model.track import Encounter, EncounterState, Track, TrackBatch
from clearline.services.tactical import encounters, tracks

router = APIRouter(prefix="/v1", tags=["tracks"])


class Accepted(BaseModel):
    accepted: int


class TrackList(BaseModel):
    tracks: list[Track]


class EncounterList(BaseModel):
    encounters: list[Encounter]


_BODY_AT = "#/paths/~1v1~1tracks/post/requestBody/content/application~1json/schema"
_BODY = TrackBatch.model_json_schema(ref_template=_BODY_AT + "/$defs/{model}")


@router.post(
    "/tracks",
    response_model=Accepted,
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": _BODY}}}
    },
)
async def report(request: Request, user: PartyUser, rt: CurrentRuntime) -> Accepted:
    """Report up to 10,000 positions of your party's assets, or of objects your sensors see
    (`kind: unknown_object`). Taken or refused as a whole; answers once stored.

    Example: `{"reports": [{"track_id": "UAV-7", "kind": "uav", "lat": 34.55, "lon": 38.27,
    "alt_ft": 12000, "ground_speed_kt": 110, "track_deg": 270, "time":
    "2026-11-29T10:00:00Z", "share_with": []}]}`: `share_with` absent shares the track with
    every party, empty keeps it blind (only the line sees it; others see only its alerts).
    """
    # Parsed and validated in one pass by pydantic, off the event loop: a third faster than
    # FastAPI's json.loads then validate, which would hold the loop for 50 ms a batch.
    body = await request.body()
    try:
        batch = await run_in_threadpool(TrackBatch.model_validate_json, body)
    except ValidationError as exc:
        raise from_validation(exc) from None
    now = rt.clock.now()
    taken = await rt.write(lambda c: tracks.ingest(c, user, batch, now, rt.pictures))
    return Accepted(accepted=taken)


@router.get("/tracks", response_model=TrackList)
async def live_tracks(
    user: PartyUser, rt: CurrentRuntime, agreement: str | None = None
) -> TrackList:
    """The live tracks your party may see: its own, and others' shared with it; `agreement`
    names one where your party is in several."""
    now = rt.clock.now()
    # Through the writer: the picture is only ever touched by one thread.
    seen = await rt.write(lambda c: tracks.live_for(c, user.party, agreement, rt.pictures, now))
    return TrackList(tracks=seen)


@router.get("/encounters", response_model=EncounterList)
async def list_encounters(
    user: PartyUser,
    rt: CurrentRuntime,
    state: EncounterState | None = None,
    limit: Limit = 100,
) -> EncounterList:
    """Encounters your party's assets are in, newest first."""
    now = rt.clock.now()
    found = await rt.write(
        lambda c: encounters.encounters_for(c, user.party, state, limit, rt.pictures, now)
    )
    return EncounterList(encounters=found)


@router.get("/encounters/{encounter_id}/export.daa", response_class=PlainTextResponse)
async def export(encounter_id: RecordId, user: PartyUser, rt: CurrentRuntime) -> str:
    """Both tracks of an encounter, second by second, as a DAIDALUS `.daa` file for
    `clearline replay`; refused where the other party's track is blind to you."""
    now = rt.clock.now()
    return await rt.write(
        lambda c: tracks.encounter_daa(c, user.party, encounter_id, rt.pictures, now)
    )
