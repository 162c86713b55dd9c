"""The joint review of a case: the questions the parties put to each other and their answers,
the findings one proposes and each agrees or disputes, and the mediator's comments once the
case is referred to it.

Each is kept with the case and told to its audience like every other step, so the ledger holds
who wrote what and when, and a dossier's check holds the case to it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from clearline.model.errors import conflict, forbidden, invalid, not_found
from clearline.model.incident import (
    Answer,
    CaseView,
    Comment,
    Finding,
    FindingPosition,
    FindingRequest,
    Incident,
    IncidentState,
    PositionRequest,
    Question,
    QuestionRequest,
    Recommendation,
    Stance,
)
from clearline.model.user import Role, User
from clearline.services.incidents import incidents
from clearline.store import proposals as proposal_store

REVIEWING = frozenset({IncidentState.UNDER_REVIEW, IncidentState.DISPUTED})
"""Findings are proposed and weighed while the parties review the case together."""


def ask(
    connection: Connection, user: User, incident_id: int, request: QuestionRequest, now: datetime
) -> CaseView:
    """A question to another involved party (or to every other one), at any state but closed."""
    incident = incidents.open_case(connection, user, incident_id)
    if request.to is not None and (request.to == user.party or request.to not in incident.parties):
        raise invalid("to", f"{request.to} is not another party of incident {incident_id}")
    question = Question(
        number=len(incident.questions) + 1,
        by=user.party,
        at=now,
        to=request.to,
        text=request.text,
    )
    asked = incident.model_copy(update={"questions": (*incident.questions, question)})
    extra = {"question": question.number}
    incidents.record_change(connection, asked, "question", user.party, now, extra=extra)
    return incidents.case(connection, user, incident_id)


def answer(
    connection: Connection, user: User, incident_id: int, number: int, text: str, now: datetime
) -> CaseView:
    """An answer by a party the question was put to; several may answer one put to all."""
    incident = incidents.open_case(connection, user, incident_id)
    question = _question(incident, number)
    if user.party == question.by or question.to not in (None, user.party):
        asked = question.to or "the other parties"
        raise forbidden("party", f"question {number} was put to {asked}, not {user.party}")
    given = Answer(by=user.party, at=now, text=text)
    answered = question.model_copy(update={"answers": (*question.answers, given)})
    changed = _with_question(incident, answered)
    extra = {"question": number}
    incidents.record_change(connection, changed, "answer", user.party, now, extra=extra)
    return incidents.case(connection, user, incident_id)


def propose(
    connection: Connection, user: User, incident_id: int, request: FindingRequest, now: datetime
) -> CaseView:
    """A contributing factor, and what to do about it, put to the other parties; its proposer
    agrees with it by proposing it."""
    incident = _reviewing(connection, user, incident_id)
    recommendation = None
    if request.recommendation is not None:
        proposal = request.recommendation.proposal
        if proposal is not None and not _proposal_exists(connection, incident, proposal):
            raise invalid(
                "recommendation.proposal",
                f"{incident.agreement_id} has no proposal {proposal} of an amendment",
            )
        recommendation = Recommendation(text=request.recommendation.text, proposal=proposal)
    finding = Finding(
        number=len(incident.findings) + 1,
        by=user.party,
        at=now,
        factor=request.factor,
        text=request.text,
        recommendation=recommendation,
        positions={user.party: Stance(position=FindingPosition.AGREE, at=now)},
    )
    proposed = incident.model_copy(update={"findings": (*incident.findings, finding)})
    extra = {"finding": finding.number}
    incidents.record_change(connection, proposed, "finding", user.party, now, extra=extra)
    return incidents.case(connection, user, incident_id)


def take_position(
    connection: Connection,
    user: User,
    incident_id: int,
    number: int,
    request: PositionRequest,
    now: datetime,
) -> CaseView:
    """Where the party stands on a finding; it may change its mind while the review lasts."""
    incident = _reviewing(connection, user, incident_id)
    finding = _finding(incident, number)
    stance = Stance(position=request.position, at=now, note=request.note)
    weighed = finding.model_copy(update={"positions": {**finding.positions, user.party: stance}})
    findings = tuple(weighed if f.number == number else f for f in incident.findings)
    extra = {"finding": number, "position": request.position}
    incidents.record_change(
        connection,
        incident.model_copy(update={"findings": findings}),
        "position",
        user.party,
        now,
        note=request.note,
        extra=extra,
    )
    return incidents.case(connection, user, incident_id)


def comment(
    connection: Connection, user: User, incident_id: int, text: str, now: datetime
) -> CaseView:
    """The mediator's word on a case referred to it: every party of the case reads it."""
    incident = incidents.visible_case(connection, user, incident_id)
    if incident.referral is None or user.party not in incident.referral.to:
        raise forbidden("party", f"the mediator comments on incident {incident_id}, once referred")
    if user.role is not Role.MEDIATOR:
        raise forbidden("role", f"the mediator comments on a case, not a {user.role}")
    if incident.state is IncidentState.CLOSED:
        raise conflict("incident", f"incident {incident_id} is closed")
    said = Comment(number=len(incident.comments) + 1, by=user.party, at=now, text=text)
    commented = incident.model_copy(update={"comments": (*incident.comments, said)})
    extra = {"comment": said.number}
    incidents.record_change(connection, commented, "comment", user.party, now, extra=extra)
    return incidents.case(connection, user, incident_id)


def _reviewing(connection: Connection, user: User, incident_id: int) -> Incident:
    incident = incidents.open_case(connection, user, incident_id)
    if incident.state not in REVIEWING:
        raise conflict(
            "state",
            f"incident {incident_id} is {incident.state}: findings are made under joint review",
        )
    return incident


def _question(incident: Incident, number: int) -> Question:
    for question in incident.questions:
        if question.number == number:
            return question
    raise not_found("number", f"incident {incident.id} has no question {number}")


def _finding(incident: Incident, number: int) -> Finding:
    for finding in incident.findings:
        if finding.number == number:
            return finding
    raise not_found("number", f"incident {incident.id} has no finding {number}")


def _with_question(incident: Incident, question: Question) -> Incident:
    questions = tuple(question if q.number == question.number else q for q in incident.questions)
    return incident.model_copy(update={"questions": questions})


def _proposal_exists(connection: Connection, incident: Incident, number: int) -> bool:
    return proposal_store.get(connection, incident.agreement_id, number) is not None
