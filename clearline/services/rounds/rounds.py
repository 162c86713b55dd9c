"""Rounds of talks: the mediator opens and closes them; the parties' liaison officers and the
mediator write the agenda and its minutes, attach files and table proposals.

A round is the agreement's business alone: only its parties and mediators read it, and every
change to it is an event on the ledger for all of them. Closing a round records which tabled
proposals it agreed; the line adopts none of them until every party has signed (see
``services.protocol.proposals``): agreeing at a table is not signing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection

from clearline.model.agreement import Agreement
from clearline.model.attachment import Attachment
from clearline.model.errors import conflict, forbidden, invalid, not_found
from clearline.model.event import EventType
from clearline.model.round import (
    AgendaItem,
    AgendaRequest,
    Round,
    RoundRequest,
    RoundState,
)
from clearline.model.user import Role, User
from clearline.services.incidents import visibility as incident_visibility
from clearline.services.protocol.proposals import open_proposal, tell
from clearline.services.protocol.versions import member_of
from clearline.services.record.uploads import Upload
from clearline.services.rounds.figures import RoundFigures, report_figures
from clearline.store import agreements as agreement_store
from clearline.store import blobs
from clearline.store import incidents as incident_store
from clearline.store import rounds as round_store


def open_round(
    connection: Connection, user: User, agreement_id: str, request: RoundRequest, now: datetime
) -> Round:
    """A new round, hosted by the user's party: the mediator's."""
    agreement = _as_mediator(connection, user, agreement_id)
    if request.ends_on < request.starts_on:
        raise invalid("ends_on", f"{request.ends_on} is before starts_on {request.starts_on}")
    outside = sorted(set(request.attendees) - {m.party for m in agreement.members})
    if outside:
        raise invalid("attendees", f"{', '.join(outside)} is not of {agreement_id}")
    round = Round(
        agreement_id=agreement_id,
        number=round_store.next_number(connection, agreement_id),
        place=request.place,
        starts_on=request.starts_on,
        ends_on=request.ends_on,
        host=user.party,
        attendees=request.attendees,
        state=RoundState.OPEN,
        agenda=(),
        attachments=(),
        tabled=(),
        adopted=(),
        created_at=now,
        closed_at=None,
    )
    round_store.insert(connection, round)
    tell(connection, agreement, EventType.ROUND_OPENED, {"round": _dump(round)}, now)
    return round


def add_item(
    connection: Connection,
    user: User,
    agreement_id: str,
    number: int,
    request: AgendaRequest,
    now: datetime,
) -> Round:
    agreement, round = _writable(connection, user, agreement_id, number)
    if request.incident is not None:
        _check_incident(connection, user, agreement, request.incident)
    item = AgendaItem(
        number=len(round.agenda) + 1,
        title=request.title,
        added_by=user.party,
        incident=request.incident,
    )
    changed = round.model_copy(update={"agenda": (*round.agenda, item)})
    return _changed(connection, agreement, changed, "agenda", user, now)


def record_minutes(
    connection: Connection,
    user: User,
    agreement_id: str,
    number: int,
    item: int,
    text: str,
    now: datetime,
) -> Round:
    """The minutes of one agenda item, as the writer records them; written again, replaced."""
    agreement, round = _writable(connection, user, agreement_id, number)
    if not 1 <= item <= len(round.agenda):
        raise not_found("item", f"round {number} has no agenda item {item}")
    agenda = list(round.agenda)
    agenda[item - 1] = agenda[item - 1].model_copy(
        update={"minutes": text, "minutes_by": user.party}
    )
    changed = round.model_copy(update={"agenda": tuple(agenda)})
    return _changed(connection, agreement, changed, "minutes", user, now)


def attach(
    connection: Connection,
    user: User,
    agreement_id: str,
    number: int,
    upload: Upload,
    now: datetime,
) -> Round:
    """A file of the minutes, kept whole; its SHA-256 goes on the ledger for every member."""
    agreement, round = _writable(connection, user, agreement_id, number)
    if any(a.name == upload.name for a in round.attachments):
        raise conflict("name", f"round {number} has a file named {upload.name!r} already")
    attachment = upload.attachment(user.party, now)
    blobs.keep(connection, upload.sha256, upload.size, upload.chunks())
    round_store.insert_attachment(connection, agreement_id, number, attachment)
    changed = round.model_copy(update={"attachments": (*round.attachments, attachment)})
    return _changed(connection, agreement, changed, "attachment", user, now)


def attachment(
    connection: Connection, user: User, agreement_id: str, number: int, name: str
) -> Attachment:
    found = read(connection, user, agreement_id, number)
    for kept in found.attachments:
        if kept.name == name:
            return kept
    raise not_found("name", f"round {number} has no file named {name!r}")


def table(
    connection: Connection,
    user: User,
    agreement_id: str,
    number: int,
    proposal: int,
    now: datetime,
) -> Round:
    """Put an open proposal to the round."""
    agreement, round = _writable(connection, user, agreement_id, number)
    open_proposal(connection, agreement_id, proposal, "proposal")
    if proposal in round.tabled:
        raise conflict("proposal", f"proposal {proposal} is tabled at round {number} already")
    changed = round.model_copy(update={"tabled": (*round.tabled, proposal)})
    return _changed(connection, agreement, changed, "tabled", user, now)


def close(
    connection: Connection,
    user: User,
    agreement_id: str,
    number: int,
    adopted: list[int],
    now: datetime,
) -> Round:
    """End the round, recording which tabled proposals it agreed."""
    agreement = _as_mediator(connection, user, agreement_id)
    round = _open(connection, agreement_id, number)
    untabled = sorted(set(adopted) - set(round.tabled))
    if untabled:
        raise invalid("adopted", f"proposal {untabled[0]} was not tabled at round {number}")
    closed = round.model_copy(
        update={
            "state": RoundState.CLOSED,
            "adopted": tuple(sorted(set(adopted))),
            "closed_at": now,
        }
    )
    round_store.update(connection, closed)
    tell(connection, agreement, EventType.ROUND_CLOSED, {"round": _dump(closed)}, now)
    return closed


def rounds_of(connection: Connection, user: User, agreement_id: str) -> list[Round]:
    """The agreement's rounds; for a party that joined later, those opened since."""
    joined = member_of(connection, user, agreement_id).joined(user.party)
    found = round_store.of_agreement(connection, agreement_id)
    return [r for r in found if joined is None or r.created_at >= joined]


def read(connection: Connection, user: User, agreement_id: str, number: int) -> Round:
    joined = member_of(connection, user, agreement_id).joined(user.party)
    round = _get(connection, agreement_id, number)
    if joined is not None and round.created_at < joined:
        raise not_found("number", f"{agreement_id} has no round {number} since you joined")
    return round


def report(
    connection: Connection,
    user: User,
    agreement_id: str,
    number: int,
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
) -> RoundFigures:
    """The figures a round opens with, as ``user`` may see them: how the line worked since
    the last round (from the day after it ended, or from the agreement's start) until the
    day this one starts, or until now if that is sooner or the round starts the day the
    window does; or over the window asked for."""
    round = read(connection, user, agreement_id, number)
    before = round_store.get(connection, agreement_id, number - 1) if number > 1 else None
    if start is None:
        start = (
            _midnight(before.ends_on + timedelta(days=1))
            if before is not None
            else agreement_store.created_at(connection, agreement_id)
        )
    if end is None:
        end = min(now, _midnight(round.starts_on))
        end = end if end > start else now  # it starts the day the window does: so far
    if end <= start:
        raise invalid("to", f"the window ends ({end.isoformat()}) before it starts")
    return report_figures(connection, agreement_id, user, start, end)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _as_mediator(connection: Connection, user: User, agreement_id: str) -> Agreement:
    agreement = member_of(connection, user, agreement_id)
    if user.party not in agreement.mediators() or user.role is not Role.MEDIATOR:
        raise forbidden("role", f"the mediator of {agreement_id} opens and closes its rounds")
    return agreement


def _check_incident(
    connection: Connection, user: User, agreement: Agreement, incident_id: int
) -> None:
    """Every member of the agreement reads the round: an incident goes on its agenda only if
    every party is in it, and only by one who sees it."""
    incident = incident_store.get(connection, incident_id)
    if (
        incident is None
        or incident.agreement_id != agreement.id
        or not incident_visibility.sees_case(incident, user.party)
    ):
        raise not_found("incident", f"no incident {incident_id} of yours in {agreement.id}")
    outside = sorted(set(agreement.parties()) - set(incident.parties))
    if outside:
        raise invalid(
            "incident",
            f"{', '.join(outside)} of {agreement.id} is not in incident {incident_id}: "
            "the round would show it to them",
        )


def _writable(
    connection: Connection, user: User, agreement_id: str, number: int
) -> tuple[Agreement, Round]:
    """The agreement and the open round, if the user writes rounds: the mediator, or a
    party's liaison officer; the watch reads them."""
    agreement = member_of(connection, user, agreement_id)
    mediator = user.party in agreement.mediators() and user.role is Role.MEDIATOR
    if not mediator and user.role is not Role.LIAISON_OFFICER:
        raise forbidden(
            "role", f"liaison officers and the mediator write rounds, not a {user.role}"
        )
    return agreement, _open(connection, agreement_id, number)


def _open(connection: Connection, agreement_id: str, number: int) -> Round:
    round = _get(connection, agreement_id, number)
    if round.state is not RoundState.OPEN:
        raise conflict("number", f"round {number} is closed")
    return round


def _get(connection: Connection, agreement_id: str, number: int) -> Round:
    round = round_store.get(connection, agreement_id, number)
    if round is None:
        raise not_found("number", f"{agreement_id} has no round {number}")
    return round


def _changed(
    connection: Connection,
    agreement: Agreement,
    round: Round,
    change: str,
    user: User,
    now: datetime,
) -> Round:
    round_store.update(connection, round)
    payload = {"change": change, "by": user.party, "round": _dump(round)}
    tell(connection, agreement, EventType.ROUND_CHANGED, payload, now)
    return round


def _dump(round: Round) -> dict[str, Any]:
    return round.model_dump(mode="json")
