"""An agreement's protocol: any version of it as a document, and what changed between two."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from clearline.api.auth import CurrentRuntime, CurrentUser
from clearline.model.fields import MAX_ID
from clearline.model.protocol import Protocol
from clearline.services.protocol import document, versions

router = APIRouter(prefix="/v1/agreements/{agreement_id}/protocol", tags=["protocol"])
AgreementId = Annotated[str, Path(min_length=1, max_length=64)]


class Diff(BaseModel):
    """What changed from version ``from`` to version ``to``, one leaf a change."""

    agreement_id: str
    before: int = Field(serialization_alias="from")
    after: int = Field(serialization_alias="to")
    changes: list[document.Change]


@router.get("", response_model=Protocol)
async def show(
    agreement_id: AgreementId,
    user: CurrentUser,
    rt: CurrentRuntime,
    version: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    format: Literal["json", "yaml"] = "json",
) -> Response:
    """The version in force, or the one asked for: JSON as RFC 8785 canonical bytes (what a
    party hashes and signs), or YAML to read. A party or mediator of the agreement only."""
    now = rt.clock.now()
    protocol = await rt.read(lambda c: versions.read(c, user, agreement_id, now, version))
    if format == "yaml":
        return Response(document.to_yaml(protocol), media_type="application/yaml")
    return Response(document.canonical_json(protocol), media_type="application/json")


@router.get("/diff", response_model=Diff)
async def diff(
    agreement_id: AgreementId,
    user: CurrentUser,
    rt: CurrentRuntime,
    before: Annotated[int, Query(alias="from", ge=1, le=MAX_ID)],
    after: Annotated[int, Query(alias="to", ge=1, le=MAX_ID)],
) -> Diff:
    """Every leaf that differs from one version to the other, by its dotted path
    (``ack_deadline_s.FLASH``); none if they are the same version."""
    changes = await rt.read(lambda c: versions.compare(c, user, agreement_id, before, after))
    return Diff(agreement_id=agreement_id, before=before, after=after, changes=changes)
