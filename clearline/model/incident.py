"""Incidents: a case the parties review together after something happened between their forces,
built on what the line itself recorded about it, so that the first dispute (who told whom what,
and when) is settled by the record rather than by memory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from clearline.model.agreement import PartyCode
from clearline.model.attachment import MIB
from clearline.model.fields import RecordId, Text
from clearline.model.message import IncidentKind, IncidentState, Point

MAX_NARRATIVE = 20_000
MAX_NOTE = 2_000
ATTACHMENT_MAX_BYTES = 50 * MIB
"""A photo, a log or a report, not a recording: a file past this is refused as it streams."""


NEXT_STATES: dict[IncidentState, frozenset[IncidentState]] = {
    IncidentState.REPORTED: frozenset({IncidentState.ACKNOWLEDGED}),
    IncidentState.ACKNOWLEDGED: frozenset({IncidentState.UNDER_REVIEW}),
    IncidentState.UNDER_REVIEW: frozenset({IncidentState.FINDINGS_AGREED, IncidentState.DISPUTED}),
    IncidentState.FINDINGS_AGREED: frozenset({IncidentState.CLOSED}),
    IncidentState.DISPUTED: frozenset({IncidentState.UNDER_REVIEW, IncidentState.CLOSED}),
    IncidentState.CLOSED: frozenset(),
}
"""The order a case moves in; a disputed case may go back to review before it closes. It moves
to findings agreed once every involved party agrees every finding proposed."""


class IncidentSeverity(StrEnum):
    MINOR = "minor"
    SERIOUS = "serious"
    GRAVE = "grave"
    """Lives lost or an aircraft down."""


class Place(BaseModel):
    """Where it happened: a point with a radius, an area, or along one of the tracks involved
    (its path over the window, as the filer sees it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    point: Point | None = None
    radius_m: int | None = Field(default=None, gt=0, le=200_000)
    area: list[Point] | None = Field(default=None, min_length=3, max_length=500)
    track: RecordId | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        given = [name for name in ("point", "area", "track") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give one of point (with radius_m), area or track")
        if self.radius_m is not None and self.point is None:
            raise ValueError("radius_m goes with a point")
        return self


class IncidentRequest(BaseModel):
    """What a party files. From an incident report message (``from_message``), its kind,
    time and location are the defaults of the fields left out."""

    model_config = ConfigDict(extra="forbid")

    agreement: str | None = Field(
        default=None, description="Needed only where the party is in several agreements."
    )
    from_message: RecordId | None = None
    kind: IncidentKind | None = None
    start: AwareDatetime | None = Field(default=None, description="When it began.")
    end: AwareDatetime | None = Field(default=None, description="When it ended.")
    place: Place | None = None
    parties: list[PartyCode] = Field(
        default_factory=list,
        description="The other parties involved; absent: every other party of the agreement.",
    )
    tracks: list[RecordId] = Field(default_factory=list, max_length=50)
    severity: IncidentSeverity = IncidentSeverity.SERIOUS
    narrative: Text | None = Field(default=None, max_length=MAX_NARRATIVE)


class StateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: IncidentState
    note: Text | None = Field(default=None, max_length=MAX_NOTE)


class TextRequest(BaseModel):
    """Words a party writes into the case: its account, an answer, the mediator's comment."""

    model_config = ConfigDict(extra="forbid")

    text: Text = Field(min_length=1, max_length=MAX_NARRATIVE)


class ShareRequest(BaseModel):
    """Show evidence the party owns (by its ledger event's sequence number), its account, or
    its own words in questions (by number: the question it asked, or its answers), to another
    party or the mediator."""

    model_config = ConfigDict(extra="forbid")

    to: PartyCode = Field(alias="with")
    items: list[RecordId] = Field(default_factory=list, max_length=10_000)
    narrative: bool = False
    questions: list[RecordId] = Field(default_factory=list, max_length=1_000)


class Factor(StrEnum):
    """What contributed to an incident: the taxonomy a finding names one of."""

    LATE_OR_WRONG_NOTIFICATION = "late_or_wrong_notification"
    NO_ACKNOWLEDGEMENT = "no_acknowledgement"
    MISIDENTIFICATION = "misidentification"
    PROTOCOL_GAP = "protocol_gap"
    EQUIPMENT = "equipment"
    OTHER = "other"


class FindingPosition(StrEnum):
    AGREE = "agree"
    DISPUTE = "dispute"


class QuestionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text = Field(min_length=1, max_length=MAX_NOTE)
    to: PartyCode | None = Field(
        default=None, description="The party asked; absent: every other involved party."
    )


class RecommendationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text = Field(min_length=1, max_length=MAX_NOTE)
    proposal: RecordId | None = Field(
        default=None, description="The protocol amendment it asks for, by proposal number."
    )


class FindingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    factor: Factor
    text: Text = Field(min_length=1, max_length=MAX_NOTE)
    recommendation: RecommendationRequest | None = None


class PositionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    position: FindingPosition
    note: Text | None = Field(default=None, max_length=MAX_NOTE)


class ReferRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Text = Field(min_length=1, max_length=MAX_NOTE)


class StateChange(BaseModel):
    """A step a party took: the state it moved the case to."""

    model_config = ConfigDict(frozen=True)

    state: IncidentState
    by: PartyCode | None = Field(description="None for the line (filed).")
    at: datetime
    note: str | None = None


class Narrative(BaseModel):
    """A party's own account, as it last wrote it."""

    model_config = ConfigDict(frozen=True)

    text: str
    at: datetime
    shared_with: tuple[PartyCode, ...] = Field(
        default=(), description="Beyond the involved parties: the mediator, once referred."
    )


class Referral(BaseModel):
    model_config = ConfigDict(frozen=True)

    by: PartyCode
    at: datetime
    note: str
    to: tuple[PartyCode, ...]


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True)

    by: PartyCode
    at: datetime
    text: str
    shared_with: tuple[PartyCode, ...] = ()


class Question(BaseModel):
    """A question one involved party put to another in the review, with the answers given.
    Each party's words are its own: the mediator reads those their author showed it."""

    model_config = ConfigDict(frozen=True)

    number: int
    by: PartyCode
    at: datetime
    to: PartyCode | None
    text: str | None = Field(description="None where its author has not shown it to the reader.")
    shared_with: tuple[PartyCode, ...] = ()
    answers: tuple[Answer, ...] = ()


class Recommendation(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    proposal: int | None = None


class Stance(BaseModel):
    model_config = ConfigDict(frozen=True)

    position: FindingPosition
    at: datetime
    note: str | None = None


class Finding(BaseModel):
    """A contributing factor one party proposed, and where each involved party stands on it:
    its proposer agrees by proposing it."""

    model_config = ConfigDict(frozen=True)

    number: int
    by: PartyCode
    at: datetime
    factor: Factor
    text: str
    recommendation: Recommendation | None = None
    positions: dict[PartyCode, Stance]

    def holdouts(self, parties: Sequence[str]) -> list[str]:
        """The parties that have not agreed it: disputed, or not yet said."""
        return [
            party
            for party in parties
            if party not in self.positions
            or self.positions[party].position != FindingPosition.AGREE
        ]


class Comment(BaseModel):
    """The mediator's word on a case referred to it, read by every party of the case."""

    model_config = ConfigDict(frozen=True)

    number: int
    by: PartyCode
    at: datetime
    text: str


class Incident(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    agreement_id: str
    kind: IncidentKind
    start: datetime
    end: datetime
    place: Place
    parties: tuple[PartyCode, ...] = Field(description="Every party involved, the filer first.")
    tracks: tuple[int, ...]
    severity: IncidentSeverity
    state: IncidentState
    filed_by: PartyCode
    filed_at: datetime
    from_message: int | None
    protocol_version: int = Field(description="The protocol version in force at its start.")
    narratives: dict[PartyCode, Narrative]
    history: tuple[StateChange, ...]
    referral: Referral | None
    questions: tuple[Question, ...] = ()
    findings: tuple[Finding, ...] = ()
    comments: tuple[Comment, ...] = ()


class EvidenceItem(BaseModel):
    """One entry of the ledger the line gathered for the case: what happened, as recorded."""

    model_config = ConfigDict(frozen=True)

    seq: int = Field(description="The event's sequence number; its ledger entry holds it.")
    type: str
    time: datetime
    owner: PartyCode | None = Field(description="Whose record it is; None for the line's own.")
    audience: tuple[PartyCode, ...] = Field(description="Who saw it when it happened.")
    shared_with: tuple[PartyCode, ...] = Field(description="Who its owner showed it to since.")
    payload: dict[str, Any]


class Fact(BaseModel):
    """A figure the reviewers need, computed from the evidence, never typed by a party."""

    model_config = ConfigDict(frozen=True)

    kind: str
    text: str
    values: dict[str, Any]
    items: tuple[int, ...] = Field(description="The evidence it is computed from, by seq.")


class TimelineEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    time: datetime
    seq: int | None = Field(description="Its evidence item; None for the case's own steps.")
    type: str
    owner: PartyCode | None
    text: str
    note: str | None = Field(
        default=None, description="What a person wrote with a step of the case: untranslated."
    )
    receipts: dict[PartyCode, dict[str, datetime]] = Field(
        default_factory=dict,
        description="For a message: when each recipient party's client got it and a human "
        "acknowledged it, from their own entries.",
    )


class CaseView(BaseModel):
    """An incident as one reader may see it: the case, the evidence shown to it, the timeline
    and the facts computed from what it sees."""

    model_config = ConfigDict(frozen=True)

    incident: Incident
    evidence: tuple[EvidenceItem, ...]
    timeline: tuple[TimelineEntry, ...]
    facts: tuple[Fact, ...]
