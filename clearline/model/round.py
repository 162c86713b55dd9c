"""Rounds of talks: the parties meet, the mediator hosting, to review how the line worked and
to table amendments of its protocol."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from clearline.model.agreement import PartyCode
from clearline.model.attachment import MIB, Attachment
from clearline.model.fields import RecordId, Text

ATTACHMENT_MAX_BYTES = 10 * MIB
"""Minutes' attachments are documents (a signed record of decisions, a map), not archives."""


class RoundState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class AgendaItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    number: int
    title: str
    added_by: PartyCode
    minutes: str | None = Field(default=None, description="What was said and agreed on it.")
    minutes_by: PartyCode | None = None
    incident: int | None = Field(default=None, description="The incident it takes up, if one.")


class Round(BaseModel):
    model_config = ConfigDict(frozen=True)

    agreement_id: str
    number: int
    place: str
    starts_on: date
    ends_on: date
    host: PartyCode = Field(description="The mediator who hosts it.")
    attendees: dict[PartyCode, list[str]]
    state: RoundState
    agenda: tuple[AgendaItem, ...]
    attachments: tuple[Attachment, ...]
    tabled: tuple[int, ...] = Field(description="The proposals put to the round, by number.")
    adopted: tuple[int, ...] = Field(
        description="Those the round agreed, recorded at its close; each is adopted on the "
        "line only once every party has signed it."
    )
    created_at: datetime
    closed_at: datetime | None


class RoundRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    place: str = Field(min_length=1, max_length=200)
    starts_on: date
    ends_on: date
    attendees: dict[PartyCode, list[Text]] = Field(
        default_factory=dict, description="Who attends for each party, by name and office."
    )


class AgendaRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=500)
    incident: RecordId | None = Field(
        default=None,
        description="An incident to take up: one every party of the agreement is involved in.",
    )


class MinutesRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=100_000)


class TableRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    proposal: int = Field(ge=1)


class CloseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    adopted: list[int] = Field(
        default_factory=list, description="Tabled proposals the round agreed."
    )
