"""Amendments of a protocol: a proposed version, the parties' signatures on it, and the
liaison officers' keys those signatures are checked against."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from clearline.model.agreement import PartyCode
from clearline.model.protocol import Protocol


class ProposalState(StrEnum):
    OPEN = "open"
    ADOPTED = "adopted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class SigningKey(BaseModel):
    """The public half of a liaison officer's own Ed25519 key, as registered for their user."""

    model_config = ConfigDict(frozen=True)

    key_id: str = Field(description="The first 16 bytes of the public key's SHA-256, in hex.")
    user_id: int
    public_key: str = Field(description="The raw 32-byte public key, base64.")
    registered_at: datetime


class Approval(BaseModel):
    """One party's signature: Ed25519 by one of its liaison officers' keys, over the 32 bytes
    of the proposal's ``digest``."""

    model_config = ConfigDict(frozen=True)

    party: PartyCode
    user_id: int
    key_id: str
    signature: str = Field(description="Base64 of the 64-byte Ed25519 signature.")
    signed_at: datetime


class Proposal(BaseModel):
    model_config = ConfigDict(frozen=True)

    agreement_id: str
    number: int
    version: int = Field(description="The version it becomes if every party signs it.")
    protocol: Protocol
    digest: str = Field(description="SHA-256 of the version's canonical JSON (RFC 8785), hex.")
    party: PartyCode
    proposed_by: int
    reason: str
    effective_at: datetime
    supersedes: int | None
    state: ProposalState
    created_at: datetime
    decided_at: datetime | None
    decided_by: int | None
    decision: str | None = Field(description="Why it was rejected, or what superseded it.")
    signers: tuple[PartyCode, ...] = Field(
        description="Every party that must sign it, fixed when it was proposed: the agreement's "
        "parties then, and any party it would add; never its mediators."
    )
    approvals: tuple[Approval, ...]


class ProposalRequest(BaseModel):
    """A new version as a whole document, or as a JSON merge patch (RFC 7396) against the
    newest adopted version; the line numbers the version, so neither needs ``version``."""

    model_config = ConfigDict(extra="forbid")

    protocol: dict[str, Any] | None = None
    patch: dict[str, Any] | None = Field(default=None, description="A JSON merge patch.")
    joining: list[PartyCode] = Field(
        default_factory=list,
        max_length=10,
        description="Parties of the installation that join: added to the version's "
        "``parties``; each of their liaison officers signs too.",
    )
    leaving: list[PartyCode] = Field(
        default_factory=list,
        max_length=10,
        description="Parties that leave: dropped from the version's ``parties``, their lines "
        "closed when it takes effect.",
    )
    reason: str = Field(min_length=1, max_length=4_000)
    effective_at: AwareDatetime
    supersedes: int | None = Field(
        default=None, description="An open proposal this one replaces, ended as superseded."
    )

    @model_validator(mode="after")
    def _one_document(self) -> ProposalRequest:
        if self.protocol is not None and self.patch is not None:
            raise ValueError("give the new version as protocol or as patch, not both")
        if self.protocol is None and self.patch is None and not (self.joining or self.leaving):
            raise ValueError("give the new version as protocol or as patch")
        return self


class ApprovalRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    signature: str = Field(min_length=1, max_length=200, description="Base64, 64 bytes.")


class RejectionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=4_000)


class KeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    public_key: str = Field(min_length=1, max_length=100, description="Raw Ed25519, base64.")
