"""The line between two parties of an agreement, and its state."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from clearline.model.agreement import PartyCode


class LineState(StrEnum):
    """Lines have been suspended in anger before (Russia, 2015 and 2017); the record says so."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    RESTORED = "restored"
    CLOSED = "closed"
    """No longer in the protocol (a party left, a pair was dropped): kept for its history,
    carrying nothing, checked by nobody."""

    @property
    def carries_traffic(self) -> bool:
        return self not in (LineState.SUSPENDED, LineState.CLOSED)


class Line(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    agreement_id: str
    party_a: PartyCode
    party_b: PartyCode
    state: LineState
    changed_at: datetime
    changed_by: int | None
    reason: str | None
    next_line_check_at: datetime

    def other(self, party: str) -> str:
        return self.party_b if party == self.party_a else self.party_a

    def joins(self, party: str) -> bool:
        return party in (self.party_a, self.party_b)
