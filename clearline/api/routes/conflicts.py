"""Conflicts: read, acknowledge, accept; and the planners' what-if check."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from clearline.api.auth import CurrentRuntime, PartyUser
from clearline.api.params import Limit, RecordId
from clearline.model.conflict import Conflict, ConflictState
from clearline.model.fields import Text
from clearline.model.protocol import Separation
from clearline.services.deconfliction import conflicts, planning

router = APIRouter(prefix="/v1/conflicts", tags=["conflicts"])


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
    agreement: str | None = Field(
        default=None, description="Needed only where the party is in several agreements."
    )


class Touch(BaseModel):
    by: str = Field(description="The party whose what-if checks touched the notice.")
    notice_id: int
    checks: int
    last: datetime


class Touches(BaseModel):
    touches: list[Touch]


@router.get("", response_model=ConflictList)
async def list_conflicts(
    user: PartyUser,
    rt: CurrentRuntime,
    state: ConflictState | None = None,
    limit: Limit = 100,
) -> ConflictList:
    """Conflicts your party is involved in, newest first, with the time until each starts."""
    now = rt.clock.now()
    found = await rt.read(lambda c: conflicts.conflicts_for(c, user.party, state, limit, now))
    return ConflictList(conflicts=found)


@router.get("/checks", response_model=Touches)
async def checks(
    user: PartyUser,
    rt: CurrentRuntime,
    hours: Annotated[int, Query(ge=1, le=24 * 366)] = 24,
    agreement: str | None = None,
) -> Touches:
    """How often other parties' what-if checks touched your blind notices in the last `hours`:
    counts per party and notice, never their plans."""
    since = rt.clock.now() - timedelta(hours=hours)
    found = await rt.read(lambda c: planning.touches(c, user.party, agreement, since))
    return Touches(touches=[Touch.model_validate(t) for t in found])


@router.get("/{conflict_id}", response_model=Conflict)
async def get_conflict(conflict_id: RecordId, user: PartyUser, rt: CurrentRuntime) -> Conflict:
    now = rt.clock.now()
    return await rt.read(lambda c: conflicts.visible(c, user.party, conflict_id, now))


@router.post("/{conflict_id}/ack", response_model=Conflict)
async def acknowledge(conflict_id: RecordId, user: PartyUser, rt: CurrentRuntime) -> Conflict:
    """A human of your party has seen the conflict (and so its alerts)."""
    now = rt.clock.now()
    return await rt.write(lambda c: conflicts.acknowledge(c, user, conflict_id, now))


@router.post("/{conflict_id}/accept", response_model=Conflict)
async def accept(
    conflict_id: RecordId, request: AcceptRequest, user: PartyUser, rt: CurrentRuntime
) -> Conflict:
    """A liaison officer accepts the risk; the reason goes on the record."""
    now = rt.clock.now()
    return await rt.write(lambda c: conflicts.accept(c, user, conflict_id, request.reason, now))


@router.post("/check")
async def check(request: CheckRequest, user: PartyUser, rt: CurrentRuntime) -> dict[str, Any]:
    """What-if: the plan's volumes against each other and against what is filed, without
    filing anything. Answers a GeoJSON FeatureCollection of the conflicts you may see, and
    `blind`: whether the plan as a whole conflicts with blind notices of other parties (never
    which feature or where), while your party's hourly budget of such checks lasts
    (`budget_left`); each check that touches one is on the ledger and its party is told."""
    now = rt.clock.now()
    return await rt.write(
        lambda c: planning.check_filed(
            c, user, request.plan, request.separation, request.agreement, rt.conflict_engine, now
        )
    )
