"""Proposed protocol versions, the parties' signatures on them, and the keys they are
checked against."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from clearline.model.proposal import Approval, Proposal, ProposalState, SigningKey
from clearline.store import schema
from clearline.store.schema import agreement_members, approvals, proposals, signing_keys


def next_number(connection: Connection, agreement_id: str) -> int:
    return schema.next_number(connection, proposals, agreement_id)


def insert(connection: Connection, **values: Any) -> None:
    connection.execute(proposals.insert().values(state=ProposalState.OPEN, **values))


def get(connection: Connection, agreement_id: str, number: int) -> Proposal | None:
    found = of_agreement(connection, agreement_id, proposals.c.number == number)
    return found[0] if found else None


def of_agreement(
    connection: Connection, agreement_id: str, where: sa.ColumnElement[bool] | None = None
) -> list[Proposal]:
    """The agreement's proposals, newest first, each with its signatures."""
    query = sa.select(proposals).where(proposals.c.agreement_id == agreement_id)
    if where is not None:
        query = query.where(where)
    rows = connection.execute(query.order_by(proposals.c.number.desc())).all()
    signed = _approvals(connection, agreement_id, [row.number for row in rows])
    return [
        Proposal.model_validate(
            {**row._asdict(), "protocol": row.rules, "approvals": signed.get(row.number, ())}
        )
        for row in rows
    ]


def naming(connection: Connection, agreement_id: str, party: str) -> list[int]:
    """The numbers of the agreement's proposals the party must sign, newest first."""
    query = sa.select(proposals.c.number, proposals.c.signers).where(
        proposals.c.agreement_id == agreement_id
    )
    rows = connection.execute(query.order_by(proposals.c.number.desc()))
    return [row.number for row in rows if party in (row.signers or ())]


def asked_to_join(connection: Connection, agreement_id: str, party: str) -> bool:
    """Whether an open proposal of the agreement names the party as a signer although it is
    not a member: it is asked to join."""
    query = sa.select(proposals.c.signers).where(
        proposals.c.agreement_id == agreement_id, proposals.c.state == ProposalState.OPEN
    )
    named = any(party in (signers or ()) for signers in connection.execute(query).scalars())
    member = connection.execute(
        sa.select(agreement_members.c.party).where(
            agreement_members.c.agreement_id == agreement_id, agreement_members.c.party == party
        )
    ).first()
    return named and member is None


def numbered(numbers: list[int]) -> sa.ColumnElement[bool]:
    return proposals.c.number.in_(numbers)


def state_is(state: ProposalState) -> sa.ColumnElement[bool]:
    return proposals.c.state == state


def open_for_version(connection: Connection, agreement_id: str, version: int) -> list[int]:
    query = sa.select(proposals.c.number).where(
        proposals.c.agreement_id == agreement_id,
        proposals.c.version == version,
        proposals.c.state == ProposalState.OPEN,
    )
    return list(connection.execute(query).scalars())


def decide(
    connection: Connection,
    agreement_id: str,
    number: int,
    state: ProposalState,
    now: datetime,
    by: int | None,
    decision: str | None,
) -> None:
    connection.execute(
        proposals.update()
        .where(proposals.c.agreement_id == agreement_id, proposals.c.number == number)
        .values(state=state, decided_at=now, decided_by=by, decision=decision)
    )


def insert_approval(
    connection: Connection, agreement_id: str, number: int, approval: Approval
) -> None:
    connection.execute(
        approvals.insert().values(
            agreement_id=agreement_id, proposal=number, **approval.model_dump()
        )
    )


def _approvals(
    connection: Connection, agreement_id: str, numbers: list[int]
) -> dict[int, tuple[Approval, ...]]:
    query = (
        sa.select(approvals)
        .where(approvals.c.agreement_id == agreement_id, approvals.c.proposal.in_(numbers))
        .order_by(approvals.c.signed_at, approvals.c.party)
    )
    found: dict[int, list[Approval]] = {}
    for row in connection.execute(query):
        found.setdefault(row.proposal, []).append(Approval.model_validate(row._asdict()))
    return {number: tuple(signed) for number, signed in found.items()}


def insert_key(connection: Connection, key: SigningKey) -> None:
    connection.execute(signing_keys.insert().values(**key.model_dump()))


def key_by_public(connection: Connection, public_key: str) -> SigningKey | None:
    row = connection.execute(
        sa.select(signing_keys).where(signing_keys.c.public_key == public_key)
    ).first()
    return None if row is None else SigningKey.model_validate(row._asdict())


def keys_of(connection: Connection, user_id: int) -> list[SigningKey]:
    query = (
        sa.select(signing_keys)
        .where(signing_keys.c.user_id == user_id)
        .order_by(signing_keys.c.registered_at, signing_keys.c.key_id)
    )
    return [SigningKey.model_validate(row._asdict()) for row in connection.execute(query)]
