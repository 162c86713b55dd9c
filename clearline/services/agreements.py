"""Setting up an agreement: its parties, mediator, protocol v1 and the lines it names (by
default, one between each pair of parties).

A party is one party on the whole installation: a second agreement that names it under
another name is refused rather than renaming it in the first, whose parties never agreed."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import combinations

from pydantic import ValidationError
from sqlalchemy import Connection

from clearline.model.agreement import (
    INSTALLATION,
    Agreement,
    AgreementRequest,
    AgreementView,
    Member,
    Party,
    PartyRole,
)
from clearline.model.errors import conflict, from_validation, invalid
from clearline.model.protocol import Protocol
from clearline.model.user import Role, User
from clearline.store import agreements as store


def create_agreement(
    connection: Connection,
    agreement_id: str,
    name: str,
    parties: list[Party],
    mediators: list[Party],
    now: datetime,
    protocol: Protocol | None = None,
) -> Agreement:
    if len(parties) < 2:
        raise invalid("parties", "an agreement needs at least two parties")
    codes = [p.code for p in parties + mediators]
    if len(set(codes)) != len(codes):
        raise invalid("parties", "a party may appear only once in an agreement")
    if INSTALLATION in codes:
        raise invalid("parties", f"{INSTALLATION} is the installation's own code, not a party's")
    if store.agreement_exists(connection, agreement_id):
        raise conflict("id", f"agreement {agreement_id!r} exists already")
    protocol = protocol or Protocol()
    if protocol.version != 1:
        raise invalid("protocol.version", "an agreement starts at version 1; amend it after")
    pairs = line_pairs(protocol, [p.code for p in parties])
    agreement = Agreement(
        id=agreement_id,
        name=name,
        protocol_version=protocol.version,
        members=tuple(
            [Member(party=p.code, role=PartyRole.PARTY) for p in parties]
            + [Member(party=m.code, role=PartyRole.MEDIATOR) for m in mediators]
        ),
    )
    for party in parties + mediators:
        keep_party(connection, party)
    store.insert_agreement(connection, agreement, now)
    store.insert_protocol(connection, agreement_id, protocol, now)
    first_check = now + timedelta(seconds=protocol.line_check_interval_s)
    for a, b in pairs:
        store.insert_line(connection, agreement_id, a, b, now, first_check)
    return agreement


def opened(connection: Connection, request: AgreementRequest, now: datetime) -> AgreementView:
    """An operator's new agreement, its protocol checked whole first."""
    try:
        protocol = Protocol.model_validate(request.protocol or {})
    except ValidationError as exc:
        raise from_validation(exc, "protocol") from None
    agreement = create_agreement(
        connection, request.id, request.name, request.parties, request.mediators, now, protocol
    )
    return _view(connection, agreement)


def listed(connection: Connection, user: User) -> list[AgreementView]:
    """Every agreement for an operator; for anyone else, those its party is in."""
    if user.role is Role.OPERATOR:
        found = [store.get_agreement(connection, i) for i in store.agreement_ids(connection)]
        return [_view(connection, a) for a in found if a is not None]
    return [_view(connection, a) for a in store.agreements_of(connection, user.party)]


def _view(connection: Connection, agreement: Agreement) -> AgreementView:
    lines = store.open_lines(connection, agreement.id)
    return AgreementView(agreement=agreement, lines=[(x.party_a, x.party_b) for x in lines])


def keep_party(connection: Connection, party: Party, field: str = "parties") -> None:
    """The party, added to the installation if new; refused if it is there under another
    name."""
    known = store.party_name(connection, party.code)
    if known is None:
        store.insert_party(connection, party)
    elif known != party.name:
        raise conflict(field, f"{party.code} is on this installation as {known!r} already")


def line_pairs(
    protocol: Protocol, parties: list[str], field: str = "protocol.line_pairs"
) -> list[tuple[str, str]]:
    """The pairs the protocol names, each of two parties of the agreement (a mediator has no
    line of its own), or every pair where it names none."""
    if protocol.line_pairs is None:
        return list(combinations(sorted(parties), 2))
    for pair in protocol.line_pairs:
        outside = sorted(set(pair) - set(parties))
        if outside:
            raise invalid(field, f"{', '.join(outside)} is not a party to it")
    return list(protocol.line_pairs)
