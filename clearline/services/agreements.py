"""Setting up an agreement: its parties, mediator, protocol v1 and the lines it names (by
default, one between each pair of parties)."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import combinations

from sqlalchemy import Connection

from clearline.model.agreement import Agreement, Member, Party, PartyRole
from clearline.model.errors import conflict, invalid
from clearline.model.protocol import Protocol
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
    if store.agreement_exists(connection, agreement_id):
        raise conflict("id", f"agreement {agreement_id!r} exists already")
    protocol = protocol or Protocol()
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
        store.upsert_party(connection, party)
    store.insert_agreement(connection, agreement, now)
    store.insert_protocol(connection, agreement_id, protocol, now)
    first_check = now + timedelta(seconds=protocol.line_check_interval_s)
    for a, b in pairs:
        store.insert_line(connection, agreement_id, a, b, now, first_check)
    return agreement


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
