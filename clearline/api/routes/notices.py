"""Notices: file, amend, cancel, read."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

from clearline.api.auth import CurrentRuntime, PartyUser
from clearline.api.params import Limit, RecordId
from clearline.api.schemas import IdempotencyKey, as_json
from clearline.interop import f3548, notam
from clearline.interop.f3548 import IntentRequest
from clearline.interop.notam import DEFAULT_FIR
from clearline.model.notice import AmendRequest, Notice, NoticeRequest, NoticeState
from clearline.services.deconfliction import notices

router = APIRouter(prefix="/v1/notices", tags=["notices"])


class NoticeList(BaseModel):
    notices: list[Notice]


@router.post("", status_code=201, response_model=Notice)
async def file_notice(
    request: NoticeRequest,
    user: PartyUser,
    rt: CurrentRuntime,
    idempotency_key: IdempotencyKey,
) -> Response:
    """File a notice: what your party is about to do, where and when.

    Example: `{"kind": "uav_flight", "volumes": [{"geometry": {"type": "Circle",
    "coordinates": [38.27, 34.55], "radius_m": 10000}, "alt_lower_ft": 0, "alt_upper_ft":
    "FL150", "start": "2026-11-22T16:00:00Z", "end": "2026-11-22T18:00:00Z"}]}`.
    The engine screens it before this answers: every party it touches has a conflict alert
    on the line. A late notice is taken and stamped late (`late_s`). Repeating the same
    request with the same `Idempotency-Key` returns the first notice (200).
    """
    now = rt.clock.now()
    notice, created = await rt.write(
        lambda c: notices.file(c, user, request, now, idempotency_key, rt.conflict_engine)
    )
    return as_json(notice, 201 if created else 200)


@router.post("/f3548", status_code=201, response_model=Notice)
async def file_intent(
    request: IntentRequest,
    user: PartyUser,
    rt: CurrentRuntime,
    idempotency_key: IdempotencyKey,
) -> Response:
    """File an ASTM F3548 operational intent as your notice: its `details`' nominal volumes
    (polygons or circles, heights in metres above the W84 ellipsoid, RFC 3339 times) become
    the notice's volumes, screened as any notice is; `kind` defaults to `uav_flight`."""
    notice_request = f3548.notice_request(request)
    now = rt.clock.now()
    notice, created = await rt.write(
        lambda c: notices.file(c, user, notice_request, now, idempotency_key, rt.conflict_engine)
    )
    return as_json(notice, 201 if created else 200)


@router.get("", response_model=NoticeList)
async def list_notices(
    user: PartyUser,
    rt: CurrentRuntime,
    state: NoticeState | None = None,
    limit: Limit = 100,
) -> NoticeList:
    """Your party's notices and the other parties' shared ones, newest first."""
    found = await rt.read(lambda c: notices.notices_for(c, user.party, state, limit))
    return NoticeList(notices=found)


@router.get("/{notice_id}", response_model=Notice)
async def get_notice(notice_id: RecordId, user: PartyUser, rt: CurrentRuntime) -> Notice:
    """A notice with every version you may see, oldest first."""
    return await rt.read(lambda c: notices.visible(c, user.party, notice_id))


@router.get("/{notice_id}/notam", response_class=PlainTextResponse)
async def notice_notam(
    notice_id: RecordId,
    user: PartyUser,
    rt: CurrentRuntime,
    fir: Annotated[str, Query(description="The FIR's ICAO location indicator.")] = DEFAULT_FIR,
) -> str:
    """A notice you may see as an ICAO NOTAM draft (Q line, items A to G) for your aviation
    office to number and issue; 422 `kind` for an activity that is no aviation hazard."""
    notice = await rt.read(lambda c: notices.visible(c, user.party, notice_id))
    return notam.render(notice, fir)


@router.get("/{notice_id}/f3548")
async def notice_intent(notice_id: RecordId, user: PartyUser, rt: CurrentRuntime) -> dict[str, Any]:
    """A notice you may see as ASTM F3548 OperationalIntentDetails (its current version as
    you see it): circles as circles, any other footprint as the polygon it covers."""
    notice = await rt.read(lambda c: notices.visible(c, user.party, notice_id))
    return dict(f3548.details_of(notice))


@router.post("/{notice_id}/amend", response_model=Notice)
async def amend_notice(
    notice_id: RecordId, request: AmendRequest, user: PartyUser, rt: CurrentRuntime
) -> Notice:
    """A new version of your notice; conflicts it no longer causes are resolved at once."""
    now = rt.clock.now()
    return await rt.write(
        lambda c: notices.amend(c, user, notice_id, request, now, rt.conflict_engine)
    )


@router.post("/{notice_id}/cancel", response_model=Notice)
async def cancel_notice(notice_id: RecordId, user: PartyUser, rt: CurrentRuntime) -> Notice:
    """Cancel your notice; its conflicts are resolved."""
    now = rt.clock.now()
    return await rt.write(lambda c: notices.cancel(c, user, notice_id, now, rt.conflict_engine))
