"""Incidents as cases: filed by a party (directly or from an incident report it sent or
received), moved through joint review by the parties involved, explained by each in its own
account, and referred to the mediator by any of them.

Every step is an event on the ledger for the case's audience, each party getting the case as it
may see it, and a system message on the lines between them, in each reader's language.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from clearline.model.agreement import Agreement
from clearline.model.errors import conflict, forbidden, invalid, not_found
from clearline.model.event import EventType
from clearline.model.incident import (
    NEXT_STATES,
    CaseView,
    Incident,
    IncidentRequest,
    IncidentState,
    Narrative,
    Place,
    Referral,
    ShareRequest,
    StateChange,
)
from clearline.model.message import IncidentKind, IncidentStep, MessageType, Point, Precedence
from clearline.model.protocol import Protocol
from clearline.model.user import HUMAN_WATCH_ROLES, User
from clearline.services.deconfliction import bounds
from clearline.services.deconfliction.notices import agreement_for
from clearline.services.incidents import visibility
from clearline.services.incidents.facts import facts
from clearline.services.incidents.gathering import gather
from clearline.services.incidents.timeline import timeline
from clearline.services.line import messages
from clearline.services.line.visibility import visible
from clearline.services.tactical.picture import Identity
from clearline.store import agreements as agreement_store
from clearline.store import events as event_store
from clearline.store import incidents as incident_store
from clearline.store import tracks as track_store

WINDOW_AROUND_REPORT_S = 600
"""Filed from an incident report, the window runs this long either side of its time."""


def file(connection: Connection, user: User, request: IncidentRequest, now: datetime) -> CaseView:
    """A new case, with the evidence the line gathers for it."""
    _writer(user)
    agreement_id = agreement_for(connection, user.party, request.agreement)
    agreement = _agreement(connection, agreement_id)
    request = _from_report(connection, user, request, agreement_id, now)
    kind, start, end, place = _required(request)
    protocol = agreement_store.protocol_in_force(connection, agreement_id, start)
    _check_window(start, end, protocol, now)
    _check_place(connection, place, protocol, user, agreement_id)
    parties = _involved(agreement, user.party, request.parties)
    _check_tracks(connection, agreement_id, user.party, request.tracks)
    narratives = {}
    if request.narrative:
        narratives[user.party] = Narrative(text=request.narrative, at=now)
    incident = Incident(
        id=0,
        agreement_id=agreement_id,
        kind=kind,
        start=start,
        end=end,
        place=place,
        parties=parties,
        tracks=tuple(dict.fromkeys(request.tracks)),
        severity=request.severity,
        state=IncidentState.REPORTED,
        filed_by=user.party,
        filed_at=now,
        from_message=request.from_message,
        protocol_version=protocol.version,
        narratives=narratives,
        history=(StateChange(state=IncidentState.REPORTED, by=user.party, at=now),),
        referral=None,
    )
    incident = incident.model_copy(update={"id": incident_store.insert(connection, incident)})
    found = gather(connection, agreement, incident, protocol, now)
    incident_store.add_evidence(connection, incident.id, [(f.seq, f.owner) for f in found])
    _tell(connection, incident, EventType.INCIDENT_FILED, {}, now)
    _post(connection, agreement, incident, IncidentStep.FILED, user.party, now)
    return case(connection, user, incident.id)


def cases(connection: Connection, user: User) -> list[Incident]:
    """The cases the user's party is in, or (a mediator) has been referred; newest first."""
    agreement_ids = [a.id for a in agreement_store.agreements_of(connection, user.party)]
    found = incident_store.of_agreements(connection, agreement_ids)
    return [
        visibility.view(i, user.party, incident_store.evidence(connection, i.id))
        for i in found
        if visibility.sees_case(i, user.party)
    ]


def case(connection: Connection, user: User, incident_id: int) -> CaseView:
    """The case as the user's party sees it: 404 to anyone else, as if there were none."""
    incident = visible_case(connection, user, incident_id)
    items = incident_store.evidence(connection, incident_id)
    shown = visibility.evidence_for(incident, items, user.party)
    seen = visibility.view(incident, user.party, items)
    return CaseView(
        incident=seen,
        evidence=tuple(shown),
        timeline=tuple(timeline(seen, shown)),
        facts=tuple(facts(seen, shown)),
    )


def move(
    connection: Connection,
    user: User,
    incident_id: int,
    state: IncidentState,
    note: str | None,
    now: datetime,
) -> CaseView:
    """The next step of the review, by an involved party, in order. The other party
    acknowledges; findings are agreed once every involved party agrees every finding; a
    disputed case closes once every party has recorded its account."""
    incident = _involved_writer(connection, user, incident_id)
    if state not in NEXT_STATES[incident.state]:
        following = ", ".join(sorted(NEXT_STATES[incident.state])) or "nothing: it is closed"
        raise conflict("state", f"incident {incident_id} is {incident.state}; next: {following}")
    if state is IncidentState.ACKNOWLEDGED and user.party == incident.filed_by:
        raise forbidden("state", "the other party acknowledges an incident, not its filer")
    if state is IncidentState.FINDINGS_AGREED:
        _check_agreed(incident)
    if state is IncidentState.CLOSED and incident.state is IncidentState.DISPUTED:
        _check_positions_recorded(incident)
    step = StateChange(state=state, by=user.party, at=now, note=note)
    moved = incident.model_copy(update={"state": state, "history": (*incident.history, step)})
    record_change(connection, moved, "state", user.party, now, note=note)
    return case(connection, user, incident_id)


def narrate(
    connection: Connection, user: User, incident_id: int, text: str, now: datetime
) -> CaseView:
    """The party's own account, written again: replaced, the earlier one kept on the ledger."""
    incident = open_case(connection, user, incident_id)
    before = incident.narratives.get(user.party)
    shared = before.shared_with if before else ()
    narrative = Narrative(text=text, at=now, shared_with=shared)
    narratives = {**incident.narratives, user.party: narrative}
    record_change(
        connection,
        incident.model_copy(update={"narratives": narratives}),
        "narrative",
        user.party,
        now,
    )
    return case(connection, user, incident_id)


def share(
    connection: Connection, user: User, incident_id: int, request: ShareRequest, now: datetime
) -> CaseView:
    """Show evidence the party owns, or its account, to another involved party or the
    mediator. Never anyone else's: a party shows only its own record."""
    incident = _involved_writer(connection, user, incident_id)
    agreement = _agreement(connection, incident.agreement_id)
    target = request.to
    if target == user.party or target not in {*incident.parties, *agreement.mediators()}:
        raise invalid("with", f"{target} is neither another party of this case nor its mediator")
    items = {item.seq: item for item in incident_store.evidence(connection, incident_id)}
    for n, seq in enumerate(request.items):
        item = items.get(seq)
        if item is None or not visibility.sees(incident, item, user.party):
            raise not_found(f"items.{n}", f"incident {incident_id} has no item {seq} of yours")
        if item.owner != user.party:
            raise forbidden(
                f"items.{n}", f"item {seq} is {item.owner or 'the line'}'s to share, not yours"
            )
    if not request.items and not request.narrative and not request.questions:
        raise invalid("items", "name the items or questions to share, or share the narrative")
    incident_store.share(connection, incident_id, request.items, target)
    changed = _share_questions(incident, user.party, request.questions, target)
    if request.narrative:
        changed = _share_narrative(changed, user.party, target)
    extra = {
        "items": sorted(request.items),
        "with": target,
        "narrative": request.narrative,
        "questions": sorted(request.questions),
    }
    record_change(connection, changed, "share", user.party, now, extra=extra)
    return case(connection, user, incident_id)


def refer(
    connection: Connection, user: User, incident_id: int, note: str, now: datetime
) -> CaseView:
    """Put the case before the agreement's mediator, at any state: it then sees the case, the
    accounts and the items shown to it, no more."""
    incident = _involved_writer(connection, user, incident_id)
    if incident.referral is not None:
        raise conflict("incident", f"incident {incident_id} was referred already")
    agreement = _agreement(connection, incident.agreement_id)
    if not agreement.mediators():
        raise invalid("incident", f"{agreement.id} has no mediator to refer it to")
    referral = Referral(by=user.party, at=now, note=note, to=tuple(agreement.mediators()))
    referred = incident.model_copy(update={"referral": referral})
    record_change(connection, referred, "referral", user.party, now, note=note)
    return case(connection, user, incident_id)


def _share_questions(incident: Incident, party: str, numbers: list[int], target: str) -> Incident:
    """The party's own words in the questions named: the question it asked, or its answers."""
    if numbers and target in incident.parties:
        raise invalid("questions", "the involved parties read every question already")
    questions = {q.number: q for q in incident.questions}
    for n, number in enumerate(numbers):
        question = questions.get(number)
        if question is None:
            raise not_found(f"questions.{n}", f"incident {incident.id} has no question {number}")
        if question.by != party and all(a.by != party for a in question.answers):
            raise forbidden(f"questions.{n}", f"{party} neither asked nor answered {number}")
        questions[number] = visibility.show_question(question, party, target)
    return incident.model_copy(update={"questions": tuple(questions.values())})


def _check_agreed(incident: Incident) -> None:
    if not incident.findings:
        raise conflict("state", f"incident {incident.id} has no finding to agree yet")
    for finding in incident.findings:
        holdouts = finding.holdouts(incident.parties)
        if holdouts:
            raise conflict(
                "state", f"finding {finding.number} is not agreed by {', '.join(holdouts)}"
            )


def _check_positions_recorded(incident: Incident) -> None:
    """Closed disputed, both positions stay on the record: each party's account."""
    silent = [p for p in incident.parties if p not in incident.narratives]
    if silent:
        raise conflict(
            "state",
            f"a disputed case closes with every party's account: {', '.join(silent)} "
            "has written none",
        )


def _share_narrative(incident: Incident, party: str, target: str) -> Incident:
    narrative = incident.narratives.get(party)
    if narrative is None:
        raise invalid("narrative", f"{party} has written no account of incident {incident.id}")
    if target in incident.parties:
        raise invalid("narrative", "the involved parties read every account already")
    shown = narrative.model_copy(
        update={"shared_with": tuple(sorted({*narrative.shared_with, target}))}
    )
    return incident.model_copy(update={"narratives": {**incident.narratives, party: shown}})


def record_change(
    connection: Connection,
    incident: Incident,
    change: str,
    party: str,
    now: datetime,
    note: str | None = None,
    extra: dict[str, Any] | None = None,
    told: list[str] | None = None,
) -> None:
    """Store the case as changed and tell its audience (or only those ``told``, where the
    change is something only they see); a step of the review (a state, a referral) also goes
    on the lines, where the duty officers read it."""
    incident_store.update(connection, incident)
    _tell(
        connection,
        incident,
        EventType.INCIDENT_CHANGED,
        {"change": change, "by": party, **(extra or {})},
        now,
        told,
    )
    if change in ("state", "referral"):
        step = IncidentStep.REFERRED if change == "referral" else IncidentStep.MOVED
        agreement = _agreement(connection, incident.agreement_id)
        _post(connection, agreement, incident, step, party, now, note)


def _tell(
    connection: Connection,
    incident: Incident,
    type: EventType,
    payload: dict[str, Any],
    now: datetime,
    told: list[str] | None = None,
) -> None:
    """One event per party of the case's audience, with the case and the evidence (by seq) as
    that party sees them after the step: what a dossier's check holds its evidence to."""
    items = incident_store.evidence(connection, incident.id)

    def seen_by(party: str) -> dict[str, Any]:
        return {
            "incident": visibility.view(incident, party, items).model_dump(mode="json"),
            "evidence": [i.seq for i in items if visibility.sees(incident, i, party)],
            **payload,
        }

    event_store.append_each(
        connection, type, now, incident.agreement_id, told or visibility.audience(incident), seen_by
    )


def _post(
    connection: Connection,
    agreement: Agreement,
    incident: Incident,
    step: IncidentStep,
    party: str,
    now: datetime,
    note: str | None = None,
) -> None:
    """A system message on every line between two parties of the case's audience."""
    audience = set(visibility.audience(incident))
    protocol = agreement_store.protocol_in_force(connection, agreement.id, now)
    body = {
        "incident": incident.id,
        "step": step,
        "kind": incident.kind,
        "state": incident.state,
        "by_party": party,
    }
    precedence = Precedence.PRIORITY if step is IncidentStep.FILED else Precedence.ROUTINE
    for line in agreement_store.open_lines(connection, agreement.id):
        if {line.party_a, line.party_b} <= audience:
            messages.send_system(
                connection,
                line,
                MessageType.INCIDENT_UPDATE,
                precedence,
                body,
                protocol,
                now,
                free_text=note,
            )


def _from_report(
    connection: Connection, user: User, request: IncidentRequest, agreement_id: str, now: datetime
) -> IncidentRequest:
    """The fields left out, from the incident report the case is raised from."""
    if request.from_message is None:
        return request
    message = visible(connection, user.party, request.from_message)
    if message.type is not MessageType.INCIDENT_REPORT or message.agreement_id != agreement_id:
        raise invalid(
            "from_message", f"message {message.id} is not an incident report of {agreement_id}"
        )
    body = message.body
    occurred = datetime.fromisoformat(body["occurred_at"])
    around = WINDOW_AROUND_REPORT_S
    defaults = {
        "kind": IncidentKind(body["kind"]),
        "place": Place(point=Point.model_validate(body["location"])),
        "start": occurred - timedelta(seconds=around),
        "end": min(now, occurred + timedelta(seconds=around)),
    }
    given = request.model_dump(exclude_unset=True)
    return request.model_copy(update={k: v for k, v in defaults.items() if k not in given})


def _required(request: IncidentRequest) -> tuple[IncidentKind, datetime, datetime, Place]:
    for name in ("kind", "start", "end", "place"):
        if getattr(request, name) is None:
            raise invalid(name, "is required (or give from_message, an incident report)")
    assert request.kind and request.start and request.end and request.place
    return request.kind, request.start, request.end, request.place


def _check_window(start: datetime, end: datetime, protocol: Protocol, now: datetime) -> None:
    if end <= start:
        raise invalid("end", f"{end.isoformat()} is not after start {start.isoformat()}")
    if end > now + timedelta(seconds=protocol.clock_skew_s):
        raise invalid("end", "is ahead of the line's clock: an incident is filed once it happened")


def _check_place(
    connection: Connection, place: Place, protocol: Protocol, user: User, agreement_id: str
) -> None:
    if place.point is not None:
        bounds.point_in_theatre(place.point.lat, place.point.lon, protocol, "place.point")
    if place.area is not None:
        coordinates = [[p.lon, p.lat] for p in place.area]
        bounds.drawn_in_theatre(coordinates, protocol, "place.area")
    if place.track is not None:
        _check_tracks(connection, agreement_id, user.party, [place.track], "place.track")


def _check_tracks(
    connection: Connection, agreement_id: str, party: str, wanted: list[int], field: str = "tracks"
) -> None:
    rows = {row.id: row for row in track_store.tracks_of(connection, agreement_id)}
    for n, track_id in enumerate(wanted):
        row = rows.get(track_id)
        if row is None or not Identity.of(row._asdict()).seen_by(party):
            name = field if field != "tracks" else f"tracks.{n}"
            raise invalid(name, f"no track {track_id} you may see in {agreement_id}")


def _involved(agreement: Agreement, filer: str, named: list[str]) -> tuple[str, ...]:
    others = [p for p in agreement.parties() if p != filer]
    for n, party in enumerate(named):
        if party not in others:
            raise invalid(f"parties.{n}", f"{party} is not another party of {agreement.id}")
    return (filer, *(sorted(set(named)) if named else others))


def _writer(user: User) -> None:
    if user.role not in HUMAN_WATCH_ROLES:
        raise forbidden(
            "role",
            f"duty officers, watch commanders and liaison officers write incidents, "
            f"not a {user.role}",
        )


def visible_case(connection: Connection, user: User, incident_id: int) -> Incident:
    incident = incident_store.get(connection, incident_id)
    if incident is None or not visibility.sees_case(incident, user.party):
        raise not_found("id", f"no incident {incident_id} of yours")
    return incident


def _involved_writer(connection: Connection, user: User, incident_id: int) -> Incident:
    incident = visible_case(connection, user, incident_id)
    if user.party not in incident.parties:
        raise forbidden("party", f"{user.party} is not involved in incident {incident_id}")
    _writer(user)
    return incident


def open_case(connection: Connection, user: User, incident_id: int) -> Incident:
    incident = _involved_writer(connection, user, incident_id)
    if incident.state is IncidentState.CLOSED:
        raise conflict("incident", f"incident {incident_id} is closed")
    return incident


def _agreement(connection: Connection, agreement_id: str) -> Agreement:
    agreement = agreement_store.get_agreement(connection, agreement_id)
    assert agreement is not None, agreement_id
    return agreement
