"""Amendments of an agreement's protocol: proposals, the parties' signatures on them, and
rejections. Every party's signature adopts a proposal; see ``services.protocol.proposals``."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from clearline.api.auth import CurrentRuntime, CurrentUser
from clearline.api.params import RecordId
from clearline.api.routes.protocol import AgreementId
from clearline.api.schemas import as_json
from clearline.model.proposal import (
    ApprovalRequest,
    Proposal,
    ProposalRequest,
    ProposalState,
    RejectionRequest,
)
from clearline.services.protocol import proposals

router = APIRouter(prefix="/v1/agreements/{agreement_id}/proposals", tags=["protocol"])


class ProposalList(BaseModel):
    proposals: list[Proposal]


@router.post("", status_code=201, response_model=Proposal)
async def propose(
    agreement_id: AgreementId, request: ProposalRequest, user: CurrentUser, rt: CurrentRuntime
) -> Response:
    """Propose the next version (liaison officers of a party): the whole document as
    `protocol`, or a JSON merge patch (RFC 7396) of the newest adopted version as `patch`,
    e.g. `{"patch": {"lead_time_s": {"air_strike": 3600}}, "reason": "...",
    "effective_at": "2026-12-10T00:00:00Z"}`. The answer carries the `digest` each party
    signs: the SHA-256 of the version's canonical JSON."""
    now = rt.clock.now()
    found = await rt.write(lambda c: proposals.propose(c, user, agreement_id, request, now))
    return as_json(found, 201)


@router.get("", response_model=ProposalList)
async def list_proposals(
    agreement_id: AgreementId,
    user: CurrentUser,
    rt: CurrentRuntime,
    state: ProposalState | None = None,
) -> ProposalList:
    """The agreement's proposals, newest first, with their signatures."""
    found = await rt.read(lambda c: proposals.proposals_of(c, user, agreement_id, state))
    return ProposalList(proposals=found)


@router.get("/{number}", response_model=Proposal)
async def read(
    agreement_id: AgreementId, number: RecordId, user: CurrentUser, rt: CurrentRuntime
) -> Proposal:
    return await rt.read(lambda c: proposals.read(c, user, agreement_id, number))


@router.post("/{number}/approvals", status_code=201, response_model=Proposal)
async def approve(
    agreement_id: AgreementId,
    number: RecordId,
    request: ApprovalRequest,
    user: CurrentUser,
    rt: CurrentRuntime,
) -> Response:
    """Your party's signature: Ed25519, by a key registered for you, over the 32 bytes of the
    proposal's digest, base64. `clearline protocol approve N` makes it on your machine."""
    now = rt.clock.now()
    found = await rt.write(
        lambda c: proposals.approve(c, user, agreement_id, number, request.signature, now)
    )
    return as_json(found, 201)


@router.post("/{number}/rejection", response_model=Proposal)
async def reject(
    agreement_id: AgreementId,
    number: RecordId,
    request: RejectionRequest,
    user: CurrentUser,
    rt: CurrentRuntime,
) -> Proposal:
    """End an open proposal, with your party's reason."""
    now = rt.clock.now()
    return await rt.write(
        lambda c: proposals.reject(c, user, agreement_id, number, request.reason, now)
    )
