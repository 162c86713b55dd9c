"""Incidents: filed by a party involved, reviewed together, referred to the mediator; each
read as the reader's party may see it, and taken away whole as a dossier."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from clearline.api.auth import CurrentRuntime, CurrentUser
from clearline.api.params import FileName, RecordId, Sha256
from clearline.api.schemas import as_json
from clearline.api.uploads import received, served
from clearline.model.attachment import MIB
from clearline.model.incident import (
    ATTACHMENT_MAX_BYTES,
    CaseView,
    FindingRequest,
    Incident,
    IncidentRequest,
    PositionRequest,
    QuestionRequest,
    ReferRequest,
    ShareRequest,
    StateRequest,
    TextRequest,
)
from clearline.services.incidents import attachments, incidents, review
from clearline.services.incidents.dossier import dossier as make_dossier
from clearline.services.record import signing

router = APIRouter(prefix="/v1/incidents", tags=["incidents"])
SPOOLED = 8 * MIB
"""A dossier this size or smaller is built in memory; a larger one on disk."""


class IncidentList(BaseModel):
    incidents: list[Incident]


@router.post("", status_code=201, response_model=CaseView)
async def file(request: IncidentRequest, user: CurrentUser, rt: CurrentRuntime) -> Response:
    """File an incident, e.g. `{"kind": "fire_control_radar_lock", "start":
    "2026-11-22T15:00:00Z", "end": "2026-11-22T15:10:00Z", "place": {"point": {"lat": 34.7,
    "lon": 38.3}, "radius_m": 5000}, "tracks": [12], "severity": "serious", "narrative":
    "..."}`, or `{"from_message": 41}` from an incident report. The line gathers what it
    recorded of the window and the place as the case's evidence."""
    now = rt.clock.now()
    found = await rt.write(lambda c: incidents.file(c, user, request, now))
    return as_json(found, 201)


@router.get("", response_model=IncidentList)
async def list_incidents(user: CurrentUser, rt: CurrentRuntime) -> IncidentList:
    """The cases your party is involved in, or (the mediator) was referred; newest first."""
    return IncidentList(incidents=await rt.read(lambda c: incidents.cases(c, user)))


@router.get("/{incident_id}", response_model=CaseView)
async def read(incident_id: RecordId, user: CurrentUser, rt: CurrentRuntime) -> CaseView:
    """The case, the evidence you may see, its timeline and the facts computed from it."""
    return await rt.read(lambda c: incidents.case(c, user, incident_id))


@router.post("/{incident_id}/state", response_model=CaseView)
async def move(
    incident_id: RecordId, request: StateRequest, user: CurrentUser, rt: CurrentRuntime
) -> CaseView:
    """The next step: `acknowledged` (the other party), `under_review`, `findings_agreed`
    (once every involved party agrees every finding), `disputed`, `closed` (a disputed case
    once every party has written its account)."""
    now = rt.clock.now()
    return await rt.write(
        lambda c: incidents.move(c, user, incident_id, request.state, request.note, now)
    )


@router.put("/{incident_id}/narrative", response_model=CaseView)
async def narrate(
    incident_id: RecordId, request: TextRequest, user: CurrentUser, rt: CurrentRuntime
) -> CaseView:
    """Your party's account of what happened; written again, it replaces the last."""
    now = rt.clock.now()
    return await rt.write(lambda c: incidents.narrate(c, user, incident_id, request.text, now))


@router.post("/{incident_id}/share", response_model=CaseView)
async def share(
    incident_id: RecordId, request: ShareRequest, user: CurrentUser, rt: CurrentRuntime
) -> CaseView:
    """Show evidence your party owns (`items`: their `seq`), its account (`narrative`), or
    its words in questions (`questions`: their numbers) to another involved party or the
    mediator (`with`)."""
    now = rt.clock.now()
    return await rt.write(lambda c: incidents.share(c, user, incident_id, request, now))


@router.post("/{incident_id}/referral", response_model=CaseView)
async def refer(
    incident_id: RecordId, request: ReferRequest, user: CurrentUser, rt: CurrentRuntime
) -> CaseView:
    """Refer the case to the agreement's mediator, with a note: it sees the case and what
    each party shows it, nothing else."""
    now = rt.clock.now()
    return await rt.write(lambda c: incidents.refer(c, user, incident_id, request.note, now))


@router.post("/{incident_id}/questions", status_code=201, response_model=CaseView)
async def ask(
    incident_id: RecordId, request: QuestionRequest, user: CurrentUser, rt: CurrentRuntime
) -> Response:
    """Ask the other involved parties (or one, `to`) a question about the case."""
    now = rt.clock.now()
    asked = await rt.write(lambda c: review.ask(c, user, incident_id, request, now))
    return as_json(asked, 201)


@router.post("/{incident_id}/questions/{number}/answers", status_code=201, response_model=CaseView)
async def answer(
    incident_id: RecordId,
    number: RecordId,
    request: TextRequest,
    user: CurrentUser,
    rt: CurrentRuntime,
) -> Response:
    """Answer a question put to your party."""
    now = rt.clock.now()
    answered = await rt.write(
        lambda c: review.answer(c, user, incident_id, number, request.text, now)
    )
    return as_json(answered, 201)


@router.post("/{incident_id}/findings", status_code=201, response_model=CaseView)
async def propose(
    incident_id: RecordId, request: FindingRequest, user: CurrentUser, rt: CurrentRuntime
) -> Response:
    """Propose a finding under joint review: a contributing `factor` (late_or_wrong_notification,
    no_acknowledgement, misidentification, protocol_gap, equipment, other), what was found,
    and a `recommendation`, which may name the `proposal` of a protocol amendment."""
    now = rt.clock.now()
    proposed = await rt.write(lambda c: review.propose(c, user, incident_id, request, now))
    return as_json(proposed, 201)


@router.put("/{incident_id}/findings/{number}/position", response_model=CaseView)
async def take_position(
    incident_id: RecordId,
    number: RecordId,
    request: PositionRequest,
    user: CurrentUser,
    rt: CurrentRuntime,
) -> CaseView:
    """Agree or dispute a finding, with a note; said again, it replaces your last position."""
    now = rt.clock.now()
    return await rt.write(
        lambda c: review.take_position(c, user, incident_id, number, request, now)
    )


@router.post("/{incident_id}/comments", status_code=201, response_model=CaseView)
async def comment(
    incident_id: RecordId, request: TextRequest, user: CurrentUser, rt: CurrentRuntime
) -> Response:
    """The mediator's comment on a case referred to it; every party of the case reads it."""
    now = rt.clock.now()
    said = await rt.write(lambda c: review.comment(c, user, incident_id, request.text, now))
    return as_json(said, 201)


@router.post("/{incident_id}/attachments", status_code=201, response_model=CaseView)
async def attach(
    incident_id: RecordId,
    name: FileName,
    http: Request,
    user: CurrentUser,
    rt: CurrentRuntime,
) -> Response:
    """Attach a file (a photo, a radar or EW log, a report): the request's body, streamed,
    under `?name=`, of the type its `Content-Type` declares (PDF, JPEG, PNG, TIFF, WebP, or
    UTF-8 text, CSV or JSON), which its bytes must be; at most 50 MiB (413 past it). It is an
    item of your party's own, seen by no one else until you share it (`POST .../share`)."""
    await rt.read(lambda c: incidents.open_case(c, user, incident_id))
    now = rt.clock.now()
    async with received(http, name, ATTACHMENT_MAX_BYTES) as upload:
        found = await rt.write(lambda c: attachments.attach(c, user, incident_id, upload, now))
    return as_json(found, 201)


@router.get("/{incident_id}/attachments/{sha256}")
async def attachment(
    incident_id: RecordId, sha256: Sha256, user: CurrentUser, rt: CurrentRuntime
) -> Response:
    """A file of the case you may see, by its SHA-256, as it was attached."""
    found = await rt.read(lambda c: attachments.attachment(c, user, incident_id, sha256))
    return served(rt, found)


@router.get("/{incident_id}/dossier")
async def dossier(incident_id: RecordId, user: CurrentUser, rt: CurrentRuntime) -> Response:
    """The case as you may see it, with every item's ledger entry and inclusion proof under
    a signed head, and the files you may see, as a zip: `clearline verify case.zip --key KEY`
    checks it offline."""
    now, key = rt.clock.now(), signing.public_text(rt.key)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOLED)  # noqa: SIM115 (closed by the answer)
    try:
        await rt.read(lambda c: make_dossier(c, user, incident_id, key, now, out))
    except BaseException:
        out.close()
        raise
    out.seek(0)
    disposition = f'attachment; filename="incident-{incident_id}.zip"'
    return StreamingResponse(
        _pieces(out),
        media_type="application/zip",
        headers={"Content-Disposition": disposition},
    )


def _pieces(out: IO[bytes]) -> Iterator[bytes]:
    """The spooled dossier, a mebibyte at a time, removed once sent (or the client gone)."""
    with out:
        while piece := out.read(MIB):
            yield piece
