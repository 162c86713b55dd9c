"""Your party's paging webhook: where escalations are posted when nobody has the console open."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import Field

from clearline.api.auth import CurrentRuntime, PartyUser
from clearline.api.schemas import as_json
from clearline.model.agreement import PartyCode
from clearline.model.webhook import Webhook, WebhookIn
from clearline.services.paging import webhooks

router = APIRouter(prefix="/v1/webhook", tags=["paging"])

Agreement = Annotated[str | None, Query(max_length=64, description="Where you are in several.")]


class WebhookRequest(WebhookIn):
    agreement: str | None = None
    party: PartyCode | None = Field(
        default=None, description="Your own party, if given: never another party's."
    )


@router.put("", status_code=201, response_model=Webhook)
async def register(request: WebhookRequest, user: PartyUser, rt: CurrentRuntime) -> Response:
    """Register your party's webhook, or replace it (duty officers and above), e.g.
    `{"url": "https://paging.example.mil/clearline", "secret": "<32 bytes or more>",
    "include_content": false}`. Each escalation to one of your roles is then posted there,
    signed; the secret is never shown again. 201 for a new webhook, 200 for a replaced one."""
    now = rt.clock.now()
    webhook = WebhookIn(
        url=request.url, secret=request.secret, include_content=request.include_content
    )
    found, created = await rt.write(
        lambda c: webhooks.register(c, user, webhook, now, request.agreement, request.party)
    )
    return as_json(found, 201 if created else 200)


@router.get("", response_model=Webhook)
async def read(user: PartyUser, rt: CurrentRuntime, agreement: Agreement = None) -> Webhook:
    """Your party's webhook, without its secret."""
    return await rt.read(lambda c: webhooks.webhook_for(c, user, agreement))


@router.delete("", status_code=204)
async def delete(user: PartyUser, rt: CurrentRuntime, agreement: Agreement = None) -> Response:
    """Delete your party's webhook: escalations are then shown on the console alone."""
    now = rt.clock.now()
    await rt.write(lambda c: webhooks.delete(c, user, now, agreement))
    return Response(status_code=204)
