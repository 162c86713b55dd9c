"""Agreements: the operator sets them up; everyone reads those it is in."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from clearline.api.auth import CurrentAccount, CurrentRuntime, Operator
from clearline.api.schemas import as_json
from clearline.model.agreement import AgreementRequest, AgreementView
from clearline.services import agreements

router = APIRouter(prefix="/v1/agreements", tags=["agreements"])


class AgreementList(BaseModel):
    agreements: list[AgreementView]


@router.get("", response_model=AgreementList)
async def listed(user: CurrentAccount, rt: CurrentRuntime) -> AgreementList:
    """The agreements your party is in, with their members and lines; an operator, every
    agreement of the installation (their members and lines, none of their records)."""
    return AgreementList(agreements=await rt.read(lambda c: agreements.listed(c, user)))


@router.post("", status_code=201, response_model=AgreementView)
async def create(request: AgreementRequest, _: Operator, rt: CurrentRuntime) -> Response:
    """Set up an agreement (operators): `{"id", "name", "parties": [{"code", "name"}, ...],
    "mediators": [...], "protocol": {...}}`, the protocol version 1 whole or left out for the
    defaults; a line between each pair the protocol names (every pair where it names none)."""
    now = rt.clock.now()
    return as_json(await rt.write(lambda c: agreements.opened(c, request, now)), 201)
