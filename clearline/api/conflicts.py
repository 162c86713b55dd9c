"""Conflicts: read, acknowledge, accept; and the planners' what-if check."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from clearline.api.auth import CurrentRuntime, PartyUser
from clearline.model.conflict import Conflict, ConflictState
from clearline.model.fields import MAX_ID, Text
from clearline.model.protocol import Separation
from clearline.services import conflicts, planning

router = APIRouter(prefix="/v1/conflicts", tags=["conflicts"])

ConflictId = Annotated[int, Path(ge=1, le=MAX_ID)]


class ConflictList(BaseModel):
    conflicts: list[Conflict]


class AcceptRequest(BaseModel):
    reason: Text = Field(min_length=1, max_length=2_000)


class CheckRequest(BaseModel):
    """A plan as GeoJSON features (see `clearline conflicts check`), and optional minima."""

    plan: dict[str, Any] = Field(description="A GeoJSON FeatureCollection of volumes.")
    separation: Separation | None = Field(
        default=None, description="Default: the protocol's minima."
    )


@router.get("", response_model=ConflictList)
async def list_conflicts(
    user: PartyUser,
    rt: CurrentRuntime,
    state: ConflictState | None = None,
    limit: Annotated[int, Query(ge=1, le=1_000)] = 100,
) -> ConflictList:
    """Conflicts your party is involved in, newest first, with the time until each starts."""
    now = rt.clock.now()
    found = await rt.read(lambda c: conflicts.conflicts_for(c, user.party, state, limit, now))
    return ConflictList(conflicts=found)


@router.get("/{conflict_id}", response_model=Conflict)
async def get_conflict(conflict_id: ConflictId, user: PartyUser, rt: CurrentRuntime) -> Conflict:
    now = rt.clock.now()
    return await rt.read(lambda c: conflicts.visible(c, user.party, conflict_id, now))


@router.post("/{conflict_id}/ack", response_model=Conflict)
async def acknowledge(conflict_id: ConflictId, user: PartyUser, rt: CurrentRuntime) -> Conflict:
    """A human of your party has seen the conflict (and so its alerts)."""
    now = rt.clock.now()
    return await rt.write(lambda c: conflicts.acknowledge(c, user, conflict_id, now))


@router.post("/{conflict_id}/accept", response_model=Conflict)
async def accept(
    conflict_id: ConflictId, request: AcceptRequest, user: PartyUser, rt: CurrentRuntime
) -> Conflict:
    """A liaison officer accepts the risk; the reason goes on the record."""
    now = rt.clock.now()
    return await rt.write(lambda c: conflicts.accept(c, user, conflict_id, request.reason, now))


@router.post("/check")
async def check(request: CheckRequest, user: PartyUser, rt: CurrentRuntime) -> dict[str, Any]:
    """What-if: the plan's volumes against each other and against what is filed, without
    filing anything. Answers a GeoJSON FeatureCollection of conflicts. Filed notices of other
    parties show as in any conflict: a blind one by its region and window only."""
    now = rt.clock.now()
    return await rt.read(
        lambda c: planning.check_filed(c, user, request.plan, request.separation, rt.conflicts, now)
    )
