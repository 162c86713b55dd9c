"""Parties, agreements, their protocol versions and the lines between their parties."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import Connection

from clearline.model.agreement import Agreement, Member, Party, PartyRole
from clearline.model.line import Line, LineState
from clearline.model.protocol import Protocol
from clearline.store.schema import agreement_members, agreements, lines, parties, protocols


def party_name(connection: Connection, code: str) -> str | None:
    return connection.execute(
        sa.select(parties.c.name).where(parties.c.code == code)
    ).scalar_one_or_none()


def insert_party(connection: Connection, party: Party) -> None:
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


def set_parties(
    connection: Connection, agreement_id: str, parties: list[str], now: datetime
) -> None:
    """The agreement's parties become these, those new to it since ``now``; its mediators stay
    as they are."""
    member = (agreement_members.c.agreement_id == agreement_id) & (
        agreement_members.c.role == PartyRole.PARTY
    )
    now_in = set(connection.execute(sa.select(agreement_members.c.party).where(member)).scalars())
    connection.execute(
        agreement_members.delete().where(member, agreement_members.c.party.not_in(parties))
    )
    joining = [p for p in parties if p not in now_in]
    if joining:
        connection.execute(
            agreement_members.insert(),
            [
                {"agreement_id": agreement_id, "party": p, "role": PartyRole.PARTY, "since": now}
                for p in joining
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
        members=tuple(
            Member(party=m.party, role=PartyRole(m.role), since=m.since) for m in members
        ),
    )


def created_at(connection: Connection, agreement_id: str) -> datetime:
    return connection.execute(
        sa.select(agreements.c.created_at).where(agreements.c.id == agreement_id)
    ).scalar_one()


def agreement_ids(connection: Connection) -> list[str]:
    return list(connection.execute(sa.select(agreements.c.id).order_by(agreements.c.id)).scalars())


def agreements_of(connection: Connection, party: str) -> list[Agreement]:
    ids = connection.execute(
        sa.select(agreement_members.c.agreement_id)
        .where(agreement_members.c.party == party)
        .order_by(agreement_members.c.agreement_id)
    ).scalars()
    return [a for a in (get_agreement(connection, i) for i in ids) if a is not None]


def party_to(connection: Connection, party: str) -> list[str]:
    """The ids of the agreements ``party`` is a party to (not those it mediates)."""
    return [a.id for a in agreements_of(connection, party) if party in a.parties()]


def insert_protocol(
    connection: Connection,
    agreement_id: str,
    protocol: Protocol,
    now: datetime,
    effective_at: datetime | None = None,
    proposal: int | None = None,
) -> None:
    """An adopted version, in force from ``effective_at`` (at once where none is given)."""
    connection.execute(
        protocols.insert().values(
            agreement_id=agreement_id,
            version=protocol.version,
            rules=protocol.model_dump(mode="json"),
            adopted_at=now,
            effective_at=effective_at or now,
            proposal=proposal,
        )
    )


_VERSION_AT = (
    sa.select(sa.func.max(protocols.c.version))
    .where(protocols.c.agreement_id == sa.bindparam("agreement_id"))
    .where(protocols.c.effective_at <= sa.bindparam("at"))
)
_RULES = sa.select(protocols.c.rules).where(
    protocols.c.agreement_id == sa.bindparam("agreement_id"),
    protocols.c.version == sa.bindparam("version"),
)
_ADOPTED: dict[tuple[str, str, int], Protocol] = {}
"""Protocol versions already read, by database, agreement and version. A version never changes
once adopted (a change is a new version), so this cache is never stale; it spares every message
a JSON parse and a validation of the rules."""


def protocol_in_force(connection: Connection, agreement_id: str, at: datetime) -> Protocol:
    """The newest adopted version whose effective time has come by ``at``: the rules every
    decision made at ``at`` follows, whether or not its taking effect was announced yet."""
    version = connection.execute(
        _VERSION_AT, {"agreement_id": agreement_id, "at": at}
    ).scalar_one_or_none()
    found = protocol_version(connection, agreement_id, version or 1)
    assert found is not None, f"{agreement_id} has no protocol in force at {at}"
    return found


def newest_protocol(connection: Connection, agreement_id: str) -> Protocol:
    """The newest adopted version, in force or not yet: what a new proposal amends."""
    version = connection.execute(
        sa.select(sa.func.max(protocols.c.version)).where(protocols.c.agreement_id == agreement_id)
    ).scalar_one()
    found = protocol_version(connection, agreement_id, version)
    assert found is not None
    return found


def effective_at(connection: Connection, agreement_id: str, version: int) -> datetime | None:
    return connection.execute(
        sa.select(protocols.c.effective_at).where(
            protocols.c.agreement_id == agreement_id, protocols.c.version == version
        )
    ).scalar_one_or_none()


class TakingEffect(NamedTuple):
    agreement_id: str
    version: int
    effective_at: datetime
    proposal: int | None
    """The proposal it came from; None for version 1."""


def versions_taking_effect(connection: Connection, now: datetime) -> list[TakingEffect]:
    """Adopted versions whose effective time has come but whose taking effect has not been
    announced (``agreements.protocol_version`` is the newest announced), oldest first."""
    p = protocols.c
    query = (
        sa.select(p.agreement_id, p.version, p.effective_at, p.proposal)
        .join(agreements, agreements.c.id == p.agreement_id)
        .where(p.effective_at <= now)
        .where(p.version > agreements.c.protocol_version)
        .order_by(p.agreement_id, p.version)
    )
    return [TakingEffect(*row) for row in connection.execute(query)]


def announce_version(connection: Connection, agreement_id: str, version: int) -> None:
    connection.execute(
        agreements.update().where(agreements.c.id == agreement_id).values(protocol_version=version)
    )


def protocol_version(connection: Connection, agreement_id: str, version: int) -> Protocol | None:
    """One stored version of the agreement's protocol, or None if it has no such version."""
    cached = (connection.engine.url.render_as_string(), agreement_id, version)
    if cached not in _ADOPTED:
        key = {"agreement_id": agreement_id, "version": version}
        rules = connection.execute(_RULES, key).scalar_one_or_none()
        if rules is None:
            return None
        _ADOPTED[cached] = Protocol.model_validate(rules)
    return _ADOPTED[cached]


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


_LINES = sa.select(lines).order_by(lines.c.id)
_BETWEEN = _LINES.where(
    lines.c.party_a == sa.bindparam("party_a"), lines.c.party_b == sa.bindparam("party_b")
)


def lines_between(connection: Connection, a: str, b: str) -> list[Line]:
    """The open lines between two parties: a closed one is no line between them any more."""
    party_a, party_b = sorted((a, b))
    rows = connection.execute(_BETWEEN, {"party_a": party_a, "party_b": party_b})
    return [line for line in map(_line, rows) if line.state is not LineState.CLOSED]


def lines_of(connection: Connection, party: str) -> list[Line]:
    return _lines(connection, (lines.c.party_a == party) | (lines.c.party_b == party))


def lines_of_agreements(connection: Connection, agreement_ids: list[str]) -> list[Line]:
    return _lines(connection, lines.c.agreement_id.in_(agreement_ids))


def open_lines(connection: Connection, agreement_id: str) -> list[Line]:
    """The agreement's lines that are not closed: those a message to all of it goes over."""
    where = (lines.c.agreement_id == agreement_id) & (lines.c.state != LineState.CLOSED)
    return _lines(connection, where)


def get_line(connection: Connection, line_id: int) -> Line:
    return _lines(connection, lines.c.id == line_id)[0]


def lines_due_for_check(connection: Connection, now: datetime) -> list[Line]:
    return _lines(
        connection,
        (lines.c.next_line_check_at <= now)
        & lines.c.state.not_in([LineState.SUSPENDED, LineState.CLOSED]),
    )


def update_line(connection: Connection, line_id: int, **values: Any) -> Line:
    connection.execute(lines.update().where(lines.c.id == line_id).values(**values))
    return get_line(connection, line_id)


def _lines(connection: Connection, where: sa.ColumnElement[bool]) -> list[Line]:
    return [_line(row) for row in connection.execute(_LINES.where(where))]


def _line(row: sa.Row[Any]) -> Line:
    return Line(
        id=row.id,
        agreement_id=row.agreement_id,
        party_a=row.party_a,
        party_b=row.party_b,
        state=LineState(row.state),
        changed_at=row.changed_at,
        changed_by=row.changed_by,
        reason=row.reason,
        next_line_check_at=row.next_line_check_at,
    )
