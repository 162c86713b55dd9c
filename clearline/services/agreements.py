"""Setting up an agreement: its parties, mediator, protocol v1 and a line between each pair."""

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
    for a, b in combinations(sorted(p.code for p in parties), 2):
        store.insert_line(connection, agreement_id, a, b, now, first_check)
    return agreement
