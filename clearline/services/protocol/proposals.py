"""Amending a protocol: a liaison officer proposes a version, every party signs it, and it is
adopted, to take effect at its effective time.

No rule changes without every party's signature: approval is an Ed25519 signature by the
approver's own registered key over the version's digest, which the line checks and keeps but
could not have made. One party's rejection ends a proposal. Each step is an event on the
ledger and a system message on every line of the agreement, in each reader's language.

Who is party to the agreement is a rule like any other: a version that names other
``parties`` is how a party joins or leaves (``effect`` applies it, with the lines). Its
signers are fixed when it is proposed: every party then, and every party it adds, whose
liaison officer reads and signs that one proposal, and learns nothing else of the agreement
until it takes effect.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import json_merge_patch
from pydantic import ValidationError
from sqlalchemy import Connection

from clearline.model.agreement import INSTALLATION, Agreement
from clearline.model.errors import conflict, forbidden, from_validation, invalid, not_found
from clearline.model.event import EventType
from clearline.model.message import AmendmentStage, MessageType, Precedence
from clearline.model.proposal import (
    Approval,
    Proposal,
    ProposalRequest,
    ProposalState,
    SigningKey,
)
from clearline.model.protocol import Protocol
from clearline.model.user import Role, User
from clearline.services.agreements import line_pairs
from clearline.services.line import messages
from clearline.services.protocol.signatures import digest, valid
from clearline.services.protocol.versions import member_of
from clearline.store import agreements as agreement_store
from clearline.store import events
from clearline.store import proposals as proposal_store

FIXED = ("theatre_centre",)
"""Rules an amendment may not change: every stored geometry is indexed in the projection
centred on ``theatre_centre``. A proposal that changes it is refused, rather than adopted and
quietly not applied."""


def propose(
    connection: Connection,
    user: User,
    agreement_id: str,
    request: ProposalRequest,
    now: datetime,
) -> Proposal:
    """A new version, checked whole, numbered after the newest adopted one."""
    agreement = _as_liaison(connection, user, agreement_id)
    base = agreement_store.newest_protocol(connection, agreement_id)
    protocol = _version(agreement, base, request)
    joining = _joining(connection, agreement, protocol, request)
    _effective_time(connection, agreement_id, base, request.effective_at, now)
    superseded = _superseded(connection, agreement_id, request.supersedes)
    number = proposal_store.next_number(connection, agreement_id)
    proposal_store.insert(
        connection,
        agreement_id=agreement_id,
        number=number,
        version=protocol.version,
        rules=protocol.model_dump(mode="json"),
        digest=digest(protocol),
        party=user.party,
        proposed_by=user.id,
        reason=request.reason,
        effective_at=request.effective_at,
        supersedes=superseded,
        created_at=now,
        signers=[*agreement.parties(), *joining],
    )
    proposal = _get(connection, agreement_id, number)
    dump = proposal.model_dump(mode="json", exclude={"approvals"})
    tell(connection, agreement, EventType.PROTOCOL_PROPOSED, {"proposal": dump}, now, joining)
    _post(connection, agreement, proposal, AmendmentStage.PROPOSED, user.party, now, request.reason)
    if superseded is not None:
        _supersede(connection, agreement, superseded, f"superseded by proposal {number}", now)
    return _get(connection, agreement_id, number)


def approve(
    connection: Connection,
    user: User,
    agreement_id: str,
    number: int,
    signature: str,
    now: datetime,
) -> Proposal:
    """The user's party signs; the last party to sign adopts the version."""
    agreement, proposal = _as_signer(connection, user, agreement_id, number)
    if any(a.party == user.party for a in proposal.approvals):
        raise conflict("number", f"{user.party} has signed proposal {number} already")
    key = _signing_key(connection, user, proposal, signature)
    approval = Approval(
        party=user.party, user_id=user.id, key_id=key, signature=signature, signed_at=now
    )
    if set(proposal.signers) - set(agreement.parties()):
        _show_keys(connection, agreement, proposal, user, now)
    proposal_store.insert_approval(connection, agreement_id, number, approval)
    payload = {
        "proposal": number,
        "digest": proposal.digest,
        "approval": approval.model_dump(mode="json"),
    }
    tell(connection, agreement, EventType.PROTOCOL_APPROVED, payload, now, proposal.signers)
    _post(connection, agreement, proposal, AmendmentStage.APPROVED, user.party, now)
    signed = {a.party for a in proposal.approvals} | {user.party}
    if signed >= set(proposal.signers):
        _adopt(connection, agreement, proposal, user, now)
    return _get(connection, agreement_id, number)


def reject(
    connection: Connection,
    user: User,
    agreement_id: str,
    number: int,
    reason: str,
    now: datetime,
) -> Proposal:
    """One party's no ends it: a rule changes only with every party's signature (a party
    asked to join may decline)."""
    agreement, proposal = _as_signer(connection, user, agreement_id, number)
    proposal_store.decide(
        connection, agreement_id, number, ProposalState.REJECTED, now, user.id, reason
    )
    payload = {"proposal": number, "party": user.party, "reason": reason}
    tell(connection, agreement, EventType.PROTOCOL_REJECTED, payload, now, proposal.signers)
    _post(connection, agreement, proposal, AmendmentStage.REJECTED, user.party, now, reason)
    return _get(connection, agreement_id, number)


def proposals_of(
    connection: Connection, user: User, agreement_id: str, state: ProposalState | None = None
) -> list[Proposal]:
    """Every proposal of the agreement, newest first: parties and mediators read them all; a
    party asked to join, those it is asked to sign."""
    where = None if state is None else proposal_store.state_is(state)
    if not _is_member(connection, user, agreement_id):
        asked = proposal_store.naming(connection, agreement_id, user.party)
        if not asked:
            member_of(connection, user, agreement_id)
        only = proposal_store.numbered(asked)
        where = only if where is None else where & only
    return proposal_store.of_agreement(connection, agreement_id, where)


def read(connection: Connection, user: User, agreement_id: str, number: int) -> Proposal:
    if number not in proposal_store.naming(connection, agreement_id, user.party):
        member_of(connection, user, agreement_id)
    return _get(connection, agreement_id, number)


def post(
    connection: Connection,
    agreement: Agreement,
    body: dict[str, Any],
    now: datetime,
    free_text: str | None = None,
) -> None:
    """A protocol_change message on every line of the agreement, due as the version in force
    says for ROUTINE: the change is to be read, not woken up for."""
    protocol = agreement_store.protocol_in_force(connection, agreement.id, now)
    for line in agreement_store.open_lines(connection, agreement.id):
        messages.send_system(
            connection,
            line,
            MessageType.PROTOCOL_CHANGE,
            Precedence.ROUTINE,
            body,
            protocol,
            now,
            free_text=free_text,
        )


def tell(
    connection: Connection,
    agreement: Agreement,
    type: EventType,
    payload: dict[str, Any],
    now: datetime,
    also: Iterable[str] = (),
) -> None:
    """An event for the agreement's parties and mediators (and ``also``: a party asked to
    join, or one that leaves), which names the agreement in its payload so that an auditor
    reading an export knows which agreement each step is of."""
    audience = list(dict.fromkeys([*(m.party for m in agreement.members), *also]))
    body = {"agreement_id": agreement.id, **payload}
    events.append(connection, type, now, agreement.id, audience, body)


def key_payload(key: SigningKey, party: str) -> dict[str, Any]:
    """A registered key as the ledger carries it, for the other side and for ``audit``."""
    return {
        "key_id": key.key_id,
        "user_id": key.user_id,
        "party": party,
        "public_key": key.public_key,
    }


def _post(
    connection: Connection,
    agreement: Agreement,
    proposal: Proposal,
    stage: AmendmentStage,
    party: str | None,
    now: datetime,
    free_text: str | None = None,
) -> None:
    body = {
        "proposal": proposal.number,
        "stage": stage,
        "version": proposal.version,
        "by_party": party,
        "effective_at": proposal.effective_at.isoformat(),
    }
    post(connection, agreement, body, now, free_text)


def _as_signer(
    connection: Connection, user: User, agreement_id: str, number: int
) -> tuple[Agreement, Proposal]:
    """The agreement and the open proposal, if the user is a liaison officer of a party that
    must sign it: one of the agreement's parties, or one it would add."""
    if number not in proposal_store.naming(connection, agreement_id, user.party):
        return _as_liaison(connection, user, agreement_id), open_proposal(
            connection, agreement_id, number
        )
    if user.role is not Role.LIAISON_OFFICER:
        raise forbidden("role", f"only a liaison officer proposes and signs, not a {user.role}")
    agreement = agreement_store.get_agreement(connection, agreement_id)
    assert agreement is not None, "a proposal's agreement exists"
    return agreement, open_proposal(connection, agreement_id, number)


def _is_member(connection: Connection, user: User, agreement_id: str) -> bool:
    agreement = agreement_store.get_agreement(connection, agreement_id)
    return agreement is not None and user.party in (m.party for m in agreement.members)


def _joining(
    connection: Connection, agreement: Agreement, protocol: Protocol, request: ProposalRequest
) -> list[str]:
    """The parties the version adds, each a party of the installation that neither mediates
    the agreement nor is the installation itself."""
    field = "joining" if request.joining else "protocol.parties"
    joining = [p for p in protocol.parties or () if p not in agreement.parties()]
    for party in joining:
        if party == INSTALLATION:
            raise invalid(field, f"{INSTALLATION} is the installation's own code, not a party's")
        if party in agreement.mediators():
            raise invalid(field, f"{party} mediates {agreement.id}: a mediator signs nothing")
        if not agreement_store.party_exists(connection, party):
            raise not_found(field, f"no party {party!r} on this installation")
    return joining


def _show_keys(
    connection: Connection, agreement: Agreement, proposal: Proposal, user: User, now: datetime
) -> None:
    """The signer's keys, on this agreement's record for every signer just before its
    signature, where a party is joining: the joiner's were registered for other agreements,
    and the joiner was not told the others', so neither side's export could check the other's
    signature without them."""
    for key in proposal_store.keys_of(connection, user.id):
        payload = {"key": key_payload(key, user.party)}
        tell(connection, agreement, EventType.KEY_REGISTERED, payload, now, proposal.signers)


def _as_liaison(connection: Connection, user: User, agreement_id: str) -> Agreement:
    """The agreement, if the user is a liaison officer of one of its parties: a mediator hosts
    the talks but signs nothing, and the watch does not amend the rules it works under."""
    agreement = member_of(connection, user, agreement_id)
    if user.party not in agreement.parties():
        raise forbidden("party", f"{user.party} mediates {agreement_id}; only its parties sign")
    if user.role is not Role.LIAISON_OFFICER:
        raise forbidden("role", f"only a liaison officer proposes and signs, not a {user.role}")
    return agreement


def _version(agreement: Agreement, base: Protocol, request: ProposalRequest) -> Protocol:
    """The proposed document, whole or as a merge patch of ``base``, validated as a version."""
    field = "protocol" if request.protocol is not None else "patch"
    number = base.version + 1
    numbered = {**base.model_dump(mode="json"), "version": number}
    if request.protocol is not None:
        document = dict(request.protocol)
    else:
        document = json_merge_patch.merge(numbered, request.patch or {})
    if document.setdefault("version", number) != number:
        raise invalid(f"{field}.version", f"the next version is {number}; leave it out")
    if request.joining or request.leaving:
        document["parties"] = _members(agreement, document, request)
    try:
        protocol = Protocol.model_validate(document)
    except ValidationError as exc:
        raise from_validation(exc, field) from exc
    parties = list(protocol.parties or agreement.parties())
    line_pairs(protocol, parties, f"{field}.line_pairs")
    for name in FIXED:
        if getattr(protocol, name) != getattr(base, name):
            raise invalid(f"{field}.{name}", "an amendment may not change it")
    if protocol.model_copy(update={"version": base.version}) == base:
        raise invalid(field, f"it changes nothing in version {base.version}")
    return protocol


def _members(agreement: Agreement, document: dict[str, Any], request: ProposalRequest) -> list[str]:
    """The parties after ``joining`` and ``leaving``, each checked against those before."""
    before = list(document.get("parties") or agreement.parties())
    for party in request.joining:
        if party in before:
            raise invalid("joining", f"{party} is a party to {agreement.id} already")
    for party in request.leaving:
        if party not in before:
            raise invalid("leaving", f"{party} is not a party to {agreement.id}")
    after = [p for p in before if p not in request.leaving] + list(request.joining)
    if len(after) < 2:
        raise invalid("leaving", "an agreement needs at least two parties")
    return after


def _effective_time(
    connection: Connection, agreement_id: str, base: Protocol, at: datetime, now: datetime
) -> None:
    """Not before the notice period of the version in force has run, nor before the newest
    adopted version takes effect: versions take effect in their order."""
    notice_s = agreement_store.protocol_in_force(connection, agreement_id, now).amendment_notice_s
    earliest = now + timedelta(seconds=notice_s)
    if at < earliest:
        reason = "it is in the past" if at < now else f"the notice period is {notice_s} s"
        raise invalid("effective_at", f"{reason}: the earliest is {earliest.isoformat()}")
    newest = agreement_store.effective_at(connection, agreement_id, base.version)
    if newest is not None and at < newest:
        raise invalid(
            "effective_at", f"version {base.version} takes effect only at {newest.isoformat()}"
        )


def _superseded(connection: Connection, agreement_id: str, number: int | None) -> int | None:
    if number is None:
        return None
    open_proposal(connection, agreement_id, number, "supersedes")
    return number


def open_proposal(
    connection: Connection, agreement_id: str, number: int, field: str = "number"
) -> Proposal:
    """The proposal, if it is still open; ``field`` names what asked for it."""
    proposal = _get(connection, agreement_id, number, field)
    if proposal.state is not ProposalState.OPEN:
        raise conflict(field, f"proposal {number} is {proposal.state}, no longer open")
    return proposal


def _get(connection: Connection, agreement_id: str, number: int, field: str = "number") -> Proposal:
    proposal = proposal_store.get(connection, agreement_id, number)
    if proposal is None:
        raise not_found(field, f"{agreement_id} has no proposal {number}")
    return proposal


def _signing_key(connection: Connection, user: User, proposal: Proposal, signature: str) -> str:
    """The id of the user's registered key that made this signature over the digest."""
    keys = proposal_store.keys_of(connection, user.id)
    if not keys:
        raise invalid(
            "signature",
            "you have no registered key: make one with `clearline protocol keygen` and register "
            "it with `clearline protocol register`",
        )
    for key in keys:
        if valid(key.public_key, proposal.digest, signature):
            return key.key_id
    raise invalid(
        "signature",
        f"not a signature of proposal {proposal.number}'s digest {proposal.digest} by a key "
        "registered for you",
    )


def _adopt(
    connection: Connection, agreement: Agreement, proposal: Proposal, by: User, now: datetime
) -> None:
    """Every party signed: the version is stored, to take effect at its effective time or now,
    whichever is later (signatures that came late do not make it apply to the past)."""
    effective_at = max(proposal.effective_at, now)
    protocol = proposal.protocol
    agreement_store.insert_protocol(
        connection, agreement.id, protocol, now, effective_at, proposal.number
    )
    proposal_store.decide(
        connection, agreement.id, proposal.number, ProposalState.ADOPTED, now, by.id, None
    )
    payload = {
        "proposal": proposal.number,
        "version": protocol.version,
        "digest": proposal.digest,
        "effective_at": effective_at.isoformat(),
        "parties": list(proposal.signers),
    }
    tell(connection, agreement, EventType.PROTOCOL_ADOPTED, payload, now, proposal.signers)
    adopted = proposal.model_copy(update={"effective_at": effective_at})
    _post(connection, agreement, adopted, AmendmentStage.ADOPTED, None, now)
    for other in proposal_store.open_for_version(connection, agreement.id, protocol.version):
        reason = f"version {protocol.version} was adopted from proposal {proposal.number}"
        _supersede(connection, agreement, other, reason, now)


def supersede_stale(
    connection: Connection, agreement: Agreement, left: list[str], reason: str, now: datetime
) -> None:
    """End every open proposal whose signers are no longer right: one a party that left would
    still have to sign, or one a party now in would not be asked to."""
    parties = set(agreement.parties())
    for proposal in proposal_store.of_agreement(
        connection, agreement.id, proposal_store.state_is(ProposalState.OPEN)
    ):
        signers = set(proposal.signers)
        if signers & set(left) or not parties <= signers:
            _supersede(connection, agreement, proposal.number, reason, now)


def _supersede(
    connection: Connection, agreement: Agreement, number: int, reason: str, now: datetime
) -> None:
    proposal_store.decide(
        connection, agreement.id, number, ProposalState.SUPERSEDED, now, None, reason
    )
    proposal = _get(connection, agreement.id, number)
    payload = {"proposal": number, "reason": reason}
    tell(connection, agreement, EventType.PROTOCOL_SUPERSEDED, payload, now, proposal.signers)
    _post(connection, agreement, proposal, AmendmentStage.SUPERSEDED, None, now)
