"""Zones and declared positions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel

from clearline.api.auth import CurrentRuntime, CurrentUser, PartyUser
from clearline.api.schemas import as_json
from clearline.model.zone import Position, PositionIn, Zone, ZoneIn
from clearline.services.deconfliction import notices, zones

router = APIRouter(prefix="/v1", tags=["zones"])


class ZoneRequest(ZoneIn):
    agreement: str | None = None


class PositionList(BaseModel):
    positions: list[Position]


@router.get("/zones")
async def list_zones(user: CurrentUser, rt: CurrentRuntime) -> dict[str, Any]:
    """The zones of your agreements, as a GeoJSON FeatureCollection."""
    found = await rt.read(lambda c: zones.zones_for(c, user.party))
    return zones.features(found)


@router.post("/zones", status_code=201, response_model=Zone)
async def add_zone(request: ZoneRequest, user: PartyUser, rt: CurrentRuntime) -> Response:
    """Add a zone of your own party (liaison officers); zones agreed by all are set up with
    `clearline zone import`. Notices already filed are screened against it at once."""
    now = rt.clock.now()
    zone = ZoneIn.model_validate(request.model_dump(exclude={"agreement"}))

    def add(connection: Any) -> Zone:
        agreement_id = notices.agreement_for(connection, user.party, request.agreement)
        return zones.add_zone(connection, agreement_id, zone, user, now, rt.conflict_engine)

    return as_json(await rt.write(add), 201)


@router.get("/positions", response_model=PositionList)
async def list_positions(user: PartyUser, rt: CurrentRuntime) -> PositionList:
    """Declared positions of every party of your agreements."""
    return PositionList(positions=await rt.read(lambda c: zones.positions_for(c, user.party)))


@router.post("/positions", status_code=201, response_model=Position)
async def declare(request: PositionIn, user: PartyUser, rt: CurrentRuntime) -> Response:
    """Declare a position of your forces, snapped to the protocol's grid square (1 km).
    Other parties' strike, artillery and air-defence notices nearby are screened at once."""
    now = rt.clock.now()
    position = await rt.write(lambda c: zones.declare(c, user, request, now, rt.conflict_engine))
    return as_json(position, 201)
