"""Agreements and the parties in them."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

PartyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,3}$")]
"""A party's short code, as on the line: ``IL``, ``TR``, ``AZ``."""


class PartyRole(StrEnum):
    """What a party is in an agreement: one of the forces, or the mediator who hosts the talks."""

    PARTY = "party"
    MEDIATOR = "mediator"


class Party(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: PartyCode
    name: str


class Member(BaseModel):
    """A party's place in one agreement."""

    model_config = ConfigDict(frozen=True)

    party: PartyCode
    role: PartyRole


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
