"""Checking offline that no rule changed without every party's signature.

The line checks each approval's signature as it is given, but an auditor need not take the
line's word for it: every step of an amendment is on the ledger, whole in the export of every
party and mediator of the agreement. So for each adopted version in an export, ``Amendments``
finds the proposed document, hashes it again, and checks that every party that had to sign
did: by a key registered for that party before it signed, over that digest. A line that wrote
an approval itself, with its own key or any key not registered for that party, fails here,
although the ledger it wrote is consistent and signed.

It is an observer of ``services.record.audit.verify``: it sees each payload only once that
payload is known to be the one the line recorded, and judges once the whole tree holds.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from clearline.model import canonical
from clearline.model.event import EventType
from clearline.services.protocol.signatures import valid
from clearline.services.record.audit import Tampered

Agreed = tuple[str, int]
"""An agreement and a proposal's number in it."""


class _Payload(BaseModel):
    """What of a payload the check reads; the rest is the line's to add to."""

    model_config = ConfigDict(strict=True, frozen=True)


class _Key(_Payload):
    key_id: str
    party: str
    public_key: str


class _Registered(_Payload):
    agreement_id: str
    key: _Key


class _Proposal(_Payload):
    number: int
    protocol: dict[str, Any]


class _Proposed(_Payload):
    agreement_id: str
    proposal: _Proposal


class _Approval(_Payload):
    party: str
    key_id: str
    signature: str


class _Approved(_Payload):
    agreement_id: str
    proposal: int
    approval: _Approval


class _Adopted(_Payload):
    agreement_id: str
    proposal: int
    version: int
    digest: str
    parties: list[str]


P = TypeVar("P", bound=_Payload)


@dataclass(frozen=True)
class _Seen:
    """A payload read, and the entry it was read at: what came before what matters."""

    index: int
    payload: Any


@dataclass
class Amendments:
    """Observes an export's ``protocol.*`` entries; ``finish`` checks every adoption among them
    and counts them in ``adopted``. A registration, proposal or approval it cannot read vouches
    for nothing (an adoption that needs it fails); an adoption it cannot read fails itself."""

    adopted: int = 0
    keys: dict[tuple[str, str], list[_Seen]] = field(default_factory=lambda: defaultdict(list))
    """Registrations by agreement and key id."""
    documents: dict[Agreed, _Seen] = field(default_factory=dict)
    """The document first proposed under each number."""
    approvals: dict[Agreed, list[_Seen]] = field(default_factory=lambda: defaultdict(list))
    adoptions: list[_Seen] = field(default_factory=list)

    def observe(self, type: str, payload: Any, index: int) -> None:
        """Keep what an adoption is checked against; judge nothing yet: the tree may still fail,
        and a broken tree is the first thing to name."""
        if type == EventType.PROTOCOL_ADOPTED:
            self.adoptions.append(_Seen(index, payload))
        elif type == EventType.KEY_REGISTERED and (key := _read(_Registered, payload)):
            self.keys[key.agreement_id, key.key.key_id].append(_Seen(index, key.key))
        elif type == EventType.PROTOCOL_PROPOSED and (proposed := _read(_Proposed, payload)):
            agreed = (proposed.agreement_id, proposed.proposal.number)
            self.documents.setdefault(agreed, _Seen(index, proposed.proposal.protocol))
        elif type == EventType.PROTOCOL_APPROVED and (approved := _read(_Approved, payload)):
            agreed = (approved.agreement_id, approved.proposal)
            self.approvals[agreed].append(_Seen(index, approved.approval))

    def finish(self) -> None:
        """Raise ``Tampered`` at the first adoption that does not hold, in the log's order."""
        for seen in self.adoptions:
            adopted = _read(_Adopted, seen.payload)
            if adopted is None:
                raise Tampered("its protocol.adopted payload is unreadable", seen.index)
            self._check(adopted, seen.index)
            self.adopted += 1

    def _check(self, adopted: _Adopted, index: int) -> None:
        name = f"version {adopted.version} of {adopted.agreement_id}"
        problem = self._document_problem(adopted, index)
        if problem:
            raise Tampered(f"{name}: {problem}", index)
        if not adopted.parties:
            raise Tampered(f"{name} names no party that had to sign it", index)
        for party in adopted.parties:
            if not self._signed_by(party, adopted, index):
                raise Tampered(f"{name} lacks a valid signature of {party}", index)

    def _document_problem(self, adopted: _Adopted, index: int) -> str | None:
        """Why the digest signed is not that of the version adopted, if it is not: the document
        hashed here, not the line's word for its digest, is what the signatures are held to."""
        document = self.documents.get((adopted.agreement_id, adopted.proposal))
        if document is None or document.index > index:
            return f"proposal {adopted.proposal}'s document is not in the export before it"
        if document.payload.get("version") != adopted.version:
            return f"proposal {adopted.proposal}'s document is another version"
        if digest(document.payload) != adopted.digest:
            return f"its digest is not that of proposal {adopted.proposal}'s document"
        return None

    def _signed_by(self, party: str, adopted: _Adopted, index: int) -> bool:
        """Whether an approval before the adoption is the party's signature of its digest, by a
        key registered for that party before the approval: a key the line registered later, or
        for another party, could be the line's own."""
        for seen in self.approvals.get((adopted.agreement_id, adopted.proposal), []):
            approval: _Approval = seen.payload
            if seen.index > index or approval.party != party:
                continue
            for key in self.keys.get((adopted.agreement_id, approval.key_id), []):
                registered: _Key = key.payload
                if (
                    key.index < seen.index
                    and registered.party == party
                    and valid(registered.public_key, adopted.digest, approval.signature)
                ):
                    return True
        return False


def digest(document: dict[str, Any]) -> str:
    """Hex SHA-256 of the document's RFC 8785 canonical JSON, as it stands in the export: not
    read into today's model first, whose defaults could change what an older version hashes to."""
    try:
        return hashlib.sha256(canonical.dumps(document)).hexdigest()
    except canonical.CanonicalizationError:
        return ""


def _read(model: type[P], payload: Any) -> P | None:
    try:
        return model.model_validate(payload)
    except ValidationError:
        return None
