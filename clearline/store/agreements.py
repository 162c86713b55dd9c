"""Parties, agreements, their protocol versions and the lines between their parties."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from clearline.model.agreement import Agreement, Member, Party, PartyRole
from clearline.model.line import Line, LineState
from clearline.model.protocol import Protocol
from clearline.store.schema import agreement_members, agreements, lines, parties, protocols


def upsert_party(connection: Connection, party: Party) -> None:
    exists = connection.execute(
        sa.select(parties.c.code).where(parties.c.code == party.code)
    ).first()
    if exists:
        connection.execute(
            parties.update().where(parties.c.code == party.code).values(name=party.name)
        )
    else:
        connection.execute(parties.insert().values(code=party.code, name=party.name))


def party_exists(connection: Connection, code: str) -> bool:
    return (
        connection.execute(sa.select(parties.c.code).where(parties.c.code == code)).first()
        is not None
    )


def insert_agreement(connection: Connection, agreement: Agreement, now: datetime) -> None:
    connection.execute(
        agreements.insert().values(
            id=agreement.id,
            name=agreement.name,
            protocol_version=agreement.protocol_version,
            created_at=now,
        )
    )
    connection.execute(
        agreement_members.insert(),
        [
            {"agreement_id": agreement.id, "party": m.party, "role": m.role}
            for m in agreement.members
        ],
    )


def agreement_exists(connection: Connection, agreement_id: str) -> bool:
    query = sa.select(agreements.c.id).where(agreements.c.id == agreement_id)
    return connection.execute(query).first() is not None


def get_agreement(connection: Connection, agreement_id: str) -> Agreement | None:
    row = connection.execute(sa.select(agreements).where(agreements.c.id == agreement_id)).first()
    if row is None:
        return None
    members = connection.execute(
        sa.select(agreement_members)
        .where(agreement_members.c.agreement_id == agreement_id)
        .order_by(agreement_members.c.party)
    ).all()
    return Agreement(
        id=row.id,
        name=row.name,
        protocol_version=row.protocol_version,
        members=tuple(Member(party=m.party, role=PartyRole(m.role)) for m in members),
    )


def agreements_of(connection: Connection, party: str) -> list[Agreement]:
    ids = connection.execute(
        sa.select(agreement_members.c.agreement_id)
        .where(agreement_members.c.party == party)
        .order_by(agreement_members.c.agreement_id)
    ).scalars()
    return [a for a in (get_agreement(connection, i) for i in ids) if a is not None]


def insert_protocol(
    connection: Connection, agreement_id: str, protocol: Protocol, now: datetime
) -> None:
    connection.execute(
        protocols.insert().values(
            agreement_id=agreement_id,
            version=protocol.version,
            rules=protocol.model_dump(mode="json"),
            adopted_at=now,
        )
    )


def protocol_in_force(connection: Connection, agreement_id: str) -> Protocol:
    rules = connection.execute(
        sa.select(protocols.c.rules)
        .join(agreements, agreements.c.id == protocols.c.agreement_id)
        .where(
            protocols.c.agreement_id == agreement_id,
            protocols.c.version == agreements.c.protocol_version,
        )
    ).scalar_one()
    return Protocol.model_validate(rules)


def insert_line(
    connection: Connection, agreement_id: str, a: str, b: str, now: datetime, first_check: datetime
) -> None:
    party_a, party_b = sorted((a, b))
    connection.execute(
        lines.insert().values(
            agreement_id=agreement_id,
            party_a=party_a,
            party_b=party_b,
            state=LineState.ACTIVE,
            changed_at=now,
            next_line_check_at=first_check,
        )
    )


def lines_between(connection: Connection, a: str, b: str) -> list[Line]:
    party_a, party_b = sorted((a, b))
    return _lines(connection, (lines.c.party_a == party_a) & (lines.c.party_b == party_b))


def lines_of(connection: Connection, party: str) -> list[Line]:
    return _lines(connection, (lines.c.party_a == party) | (lines.c.party_b == party))


def lines_of_agreements(connection: Connection, agreement_ids: list[str]) -> list[Line]:
    return _lines(connection, lines.c.agreement_id.in_(agreement_ids))


def get_line(connection: Connection, line_id: int) -> Line:
    return _lines(connection, lines.c.id == line_id)[0]


def lines_due_for_check(connection: Connection, now: datetime) -> list[Line]:
    return _lines(
        connection,
        (lines.c.next_line_check_at <= now) & (lines.c.state != LineState.SUSPENDED),
    )


def update_line(connection: Connection, line_id: int, **values: Any) -> Line:
    connection.execute(lines.update().where(lines.c.id == line_id).values(**values))
    return get_line(connection, line_id)


def _lines(connection: Connection, where: sa.ColumnElement[bool]) -> list[Line]:
    rows = connection.execute(sa.select(lines).where(where).order_by(lines.c.id)).all()
    return [
        Line(
            id=r.id,
            agreement_id=r.agreement_id,
            party_a=r.party_a,
            party_b=r.party_b,
            state=LineState(r.state),
            changed_at=r.changed_at,
            changed_by=r.changed_by,
            reason=r.reason,
            next_line_check_at=r.next_line_check_at,
        )
        for r in rows
    ]
