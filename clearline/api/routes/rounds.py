"""Rounds of talks of an agreement: opened and closed by the mediator, written by the parties'
liaison officers and the mediator, read by every member; and the report each opens with."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel

from clearline.api.auth import CurrentRuntime, CurrentUser
from clearline.api.params import FileName, RecordId
from clearline.api.routes.protocol import AgreementId
from clearline.api.schemas import as_json
from clearline.api.uploads import received, served
from clearline.model.round import (
    ATTACHMENT_MAX_BYTES,
    AgendaRequest,
    CloseRequest,
    MinutesRequest,
    Round,
    RoundRequest,
    TableRequest,
)
from clearline.services.rounds import report as report_output
from clearline.services.rounds import rounds
from clearline.services.rounds.figures import RoundFigures

router = APIRouter(prefix="/v1/agreements/{agreement_id}/rounds", tags=["rounds"])


class RoundList(BaseModel):
    rounds: list[Round]


@router.post("", status_code=201, response_model=Round)
async def open_round(
    agreement_id: AgreementId, request: RoundRequest, user: CurrentUser, rt: CurrentRuntime
) -> Response:
    """Open the next round (the mediator), e.g. `{"place": "Baku", "starts_on": "2026-12-09",
    "ends_on": "2026-12-10", "attendees": {"IL": ["..."], "TR": ["..."]}}`."""
    now = rt.clock.now()
    found = await rt.write(lambda c: rounds.open_round(c, user, agreement_id, request, now))
    return as_json(found, 201)


@router.get("", response_model=RoundList)
async def list_rounds(
    agreement_id: AgreementId, user: CurrentUser, rt: CurrentRuntime
) -> RoundList:
    """The agreement's rounds, newest first."""
    return RoundList(rounds=await rt.read(lambda c: rounds.rounds_of(c, user, agreement_id)))


@router.get("/{number}", response_model=Round)
async def read(
    agreement_id: AgreementId, number: RecordId, user: CurrentUser, rt: CurrentRuntime
) -> Round:
    return await rt.read(lambda c: rounds.read(c, user, agreement_id, number))


@router.post("/{number}/agenda", status_code=201, response_model=Round)
async def add_item(
    agreement_id: AgreementId,
    number: RecordId,
    request: AgendaRequest,
    user: CurrentUser,
    rt: CurrentRuntime,
) -> Response:
    """Add an agenda item (liaison officers and the mediator), which may take up an
    `incident` every party is involved in."""
    now = rt.clock.now()
    found = await rt.write(lambda c: rounds.add_item(c, user, agreement_id, number, request, now))
    return as_json(found, 201)


@router.put("/{number}/agenda/{item}/minutes", response_model=Round)
async def record_minutes(
    agreement_id: AgreementId,
    number: RecordId,
    item: Annotated[int, Path(ge=1, le=10_000)],
    request: MinutesRequest,
    user: CurrentUser,
    rt: CurrentRuntime,
) -> Round:
    """The minutes of an agenda item; written again, they replace what was there."""
    now = rt.clock.now()
    return await rt.write(
        lambda c: rounds.record_minutes(c, user, agreement_id, number, item, request.text, now)
    )


@router.post("/{number}/attachments", status_code=201, response_model=Round)
async def attach(
    agreement_id: AgreementId,
    number: RecordId,
    name: FileName,
    http: Request,
    user: CurrentUser,
    rt: CurrentRuntime,
) -> Response:
    """Attach a file to the minutes: the request's body, as sent, under `?name=`, of the type
    its `Content-Type` declares (PDF, JPEG, PNG, TIFF, WebP, or UTF-8 text, CSV or JSON),
    which its bytes must be; its SHA-256 goes on the ledger. At most 10 MiB."""
    now = rt.clock.now()
    async with received(http, name, ATTACHMENT_MAX_BYTES) as upload:
        found = await rt.write(lambda c: rounds.attach(c, user, agreement_id, number, upload, now))
    return as_json(found, 201)


@router.get("/{number}/attachments/{name}")
async def attachment(
    agreement_id: AgreementId,
    number: RecordId,
    name: Annotated[str, Path(min_length=1, max_length=200)],
    user: CurrentUser,
    rt: CurrentRuntime,
) -> Response:
    """A file of the minutes, as it was attached."""
    found = await rt.read(lambda c: rounds.attachment(c, user, agreement_id, number, name))
    return served(rt, found)


@router.post("/{number}/tabled", status_code=201, response_model=Round)
async def table(
    agreement_id: AgreementId,
    number: RecordId,
    request: TableRequest,
    user: CurrentUser,
    rt: CurrentRuntime,
) -> Response:
    """Table an open proposal at the round."""
    now = rt.clock.now()
    found = await rt.write(
        lambda c: rounds.table(c, user, agreement_id, number, request.proposal, now)
    )
    return as_json(found, 201)


@router.get("/{number}/report", response_model=RoundFigures)
async def report(
    agreement_id: AgreementId,
    number: RecordId,
    user: CurrentUser,
    rt: CurrentRuntime,
    format: Literal["json", "html", "pdf"] = "json",
    start: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    end: Annotated[AwareDatetime | None, Query(alias="to")] = None,
) -> Response:
    """How the line worked since the last round, in figures and plots: JSON, a self-contained
    HTML page (plots as SVG) or a PDF. The mediator gets the whole; a party's user gets the
    whole and its own party's detail. A figure made of fewer than 3 items of another party
    reads "fewer than 3". `from` and `to` ask for another window."""
    now = rt.clock.now()
    figures = await rt.read(lambda c: rounds.report(c, user, agreement_id, number, now, start, end))
    title = f"{agreement_id}: round {number}"
    # Drawing the plots takes a good part of a second: off the event loop, which carries
    # the line's messages meanwhile.
    if format == "html":
        page = await asyncio.to_thread(report_output.as_html, figures, title)
        return Response(page, media_type="text/html")
    if format == "pdf":
        pdf = await asyncio.to_thread(report_output.as_pdf, figures, title)
        disposition = f'attachment; filename="{agreement_id}-round-{number}.pdf"'
        headers = {"Content-Disposition": disposition}
        return Response(pdf, media_type="application/pdf", headers=headers)
    return JSONResponse(report_output.as_json(figures))


@router.post("/{number}/close", response_model=Round)
async def close(
    agreement_id: AgreementId,
    number: RecordId,
    request: CloseRequest,
    user: CurrentUser,
    rt: CurrentRuntime,
) -> Round:
    """Close the round (the mediator), recording the tabled proposals it agreed: each still
    needs every party's signature on the line."""
    now = rt.clock.now()
    return await rt.write(
        lambda c: rounds.close(c, user, agreement_id, number, request.adopted, now)
    )
