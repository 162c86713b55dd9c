"""Agreements and the parties in them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

PARTY_CODE = r"^[A-Z]{2,3}$"
PartyCode = Annotated[str, StringConstraints(pattern=PARTY_CODE)]
"""A party's short code, as on the line: ``IL``, ``TR``, ``AZ``."""

INSTALLATION = "ZZ"
"""The code the installation's operators belong to: ISO 3166-1 keeps ``ZZ`` for users' own
purposes, so no country will ever have it. It is in no agreement and may not join one, so an
operator's account reads no party's records by construction, as well as by its role."""


class PartyRole(StrEnum):
    """What a party is in an agreement: one of the forces, or the mediator who hosts the talks."""

    PARTY = "party"
    MEDIATOR = "mediator"


class Party(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: PartyCode
    name: str = Field(min_length=1, max_length=100)


class Member(BaseModel):
    """A party's place in one agreement."""

    model_config = ConfigDict(frozen=True)

    party: PartyCode
    role: PartyRole
    since: datetime | None = Field(
        default=None,
        description="When it joined by amendment; none for a party there from the start. What "
        "the agreement's other parties shared and finished before then is not its to read.",
    )


class Agreement(BaseModel):
    """The parties, the mediator and the protocol version in force on one installation's line."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    members: tuple[Member, ...]
    protocol_version: int

    def parties(self) -> list[str]:
        return [m.party for m in self.members if m.role is PartyRole.PARTY]

    def mediators(self) -> list[str]:
        return [m.party for m in self.members if m.role is PartyRole.MEDIATOR]

    def joined(self, party: str) -> datetime | None:
        """When ``party`` joined, if it joined later than the start."""
        return next((m.since for m in self.members if m.party == party), None)


class AgreementRequest(BaseModel):
    """An agreement an operator sets up: its parties, its mediators and protocol version 1."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", examples=["tr-ru-ir-syria"])
    name: str = Field(min_length=1, max_length=200)
    parties: list[Party] = Field(min_length=2, max_length=20)
    mediators: list[Party] = Field(default_factory=list, max_length=5)
    protocol: dict[str, Any] | None = Field(
        default=None,
        description="Version 1, every rule of it (``clearline protocol show`` prints one); "
        "left out, the defaults. Checked whole before anything is stored.",
    )


class AgreementView(BaseModel):
    """An agreement as its members (and the operator) see it: who is in it, and its lines."""

    agreement: Agreement
    lines: list[tuple[PartyCode, PartyCode]]
