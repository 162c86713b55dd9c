"""Messages on the line: precedence, types, their typed bodies and per-recipient states.

Bodies are structured on purpose: a structured warning renders in the reader's language and
cannot be misread, where free text is shown as written and marked untranslated.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from clearline.model.agreement import PartyCode
from clearline.model.conflict import ConflictSource
from clearline.model.fields import RecordId, Text
from clearline.model.user import Role
from clearline.model.zone import Severity


class Precedence(StrEnum):
    FLASH = "FLASH"
    IMMEDIATE = "IMMEDIATE"
    PRIORITY = "PRIORITY"
    ROUTINE = "ROUTINE"


class MessageType(StrEnum):
    WARNING = "warning"
    IDENTIFICATION_QUERY = "identification_query"
    IDENTIFICATION_REPLY = "identification_reply"
    REQUEST = "request"
    REQUEST_REPLY = "request_reply"
    CROSSING_REQUEST = "crossing_request"
    CROSSING_DECISION = "crossing_decision"
    INCIDENT_REPORT = "incident_report"
    LINE_CHECK = "line_check"
    LINE_CHECK_REPLY = "line_check_reply"
    FREE_TEXT = "free_text"
    LINE_CHECK_MISSED = "line_check_missed"
    CONFLICT_ALERT = "conflict_alert"
    TRACK_ALERT = "track_alert"
    PROTOCOL_CHANGE = "protocol_change"
    INCIDENT_UPDATE = "incident_update"


SYSTEM_TYPES = frozenset(
    {
        MessageType.LINE_CHECK_MISSED,
        MessageType.CONFLICT_ALERT,
        MessageType.TRACK_ALERT,
        MessageType.PROTOCOL_CHANGE,
        MessageType.INCIDENT_UPDATE,
    }
)
"""Types only the line itself raises."""

REPLY_TO: dict[MessageType, MessageType] = {
    MessageType.IDENTIFICATION_REPLY: MessageType.IDENTIFICATION_QUERY,
    MessageType.REQUEST_REPLY: MessageType.REQUEST,
    MessageType.CROSSING_DECISION: MessageType.CROSSING_REQUEST,
    MessageType.LINE_CHECK_REPLY: MessageType.LINE_CHECK,
}
"""Each reply type and the one type it answers; a message of the answered type expects it."""

EXPECTS_REPLY = frozenset(REPLY_TO.values())


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Point(_Body):
    """WGS84 latitude and longitude in degrees."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Hazard(StrEnum):
    AIR_STRIKE = "air_strike"
    ARTILLERY_FIRE = "artillery_fire"
    AIR_DEFENCE_ACTIVE = "air_defence_active"
    HOSTILE_AIRCRAFT = "hostile_aircraft"
    UNSAFE_PROXIMITY = "unsafe_proximity"
    OTHER = "other"


class ObjectKind(StrEnum):
    FIXED_WING = "fixed_wing"
    ROTARY = "rotary"
    UAV = "uav"
    GROUND_UNIT = "ground_unit"
    UNKNOWN_OBJECT = "unknown_object"


class Against(StrEnum):
    """What a track is predicted to lose separation with (a track alert's counterpart)."""

    TRACK = "track"
    ZONE = "zone"
    POSITION = "position"
    NOTICE = "notice"


class IdentificationAnswer(StrEnum):
    OURS = "ours"
    PARTNER_FORCE = "partner_force"
    NOT_OURS = "not_ours"
    UNKNOWN = "unknown"
    CHECKING = "checking"


class RequestAction(StrEnum):
    HOLD_FIRE = "hold_fire"
    LEAVE_AREA = "leave_area"
    CHANGE_ROUTE = "change_route"
    CEASE_EMISSION = "cease_emission"
    KEEP_CLEAR = "keep_clear"


class RequestAnswer(StrEnum):
    WILL_COMPLY = "will_comply"
    UNABLE = "unable"
    COUNTER_PROPOSAL = "counter_proposal"


class CrossingDecision(StrEnum):
    APPROVED = "approved"
    DENIED = "denied"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"


class IncidentKind(StrEnum):
    UNSAFE_INTERCEPT = "unsafe_intercept"
    FIRE_CONTROL_RADAR_LOCK = "fire_control_radar_lock"
    LASER = "laser"
    SIMULATED_ATTACK = "simulated_attack"
    AIRSPACE_INTRUSION = "airspace_intrusion"
    FIRE_NEAR_FORCES = "fire_near_forces"
    JAMMING = "jamming"
    OTHER = "other"


class WarningBody(_Body):
    hazard: Hazard
    location: Point
    radius_m: int = Field(gt=0, le=500_000)
    valid_until: AwareDatetime | None = None


class IdentificationQueryBody(_Body):
    object_kind: ObjectKind
    location: Point
    altitude_ft: int | None = Field(default=None, ge=-1_500, le=100_000)
    observed_at: AwareDatetime


class IdentificationReplyBody(_Body):
    answer: IdentificationAnswer


class RequestBody(_Body):
    action: RequestAction
    location: Point
    radius_m: int = Field(gt=0, le=500_000)
    until: AwareDatetime | None = None


class RequestReplyBody(_Body):
    answer: RequestAnswer


class CrossingRequestBody(_Body):
    line_name: Text = Field(min_length=1, max_length=200)
    crossing_point: Point
    window_start: AwareDatetime
    window_end: AwareDatetime

    @model_validator(mode="after")
    def _window_ends_after_start(self) -> Self:
        if self.window_end <= self.window_start:
            raise ValueError("window_end must be after window_start")
        return self


class CrossingDecisionBody(_Body):
    decision: CrossingDecision
    conditions: Text | None = Field(default=None, max_length=2_000)

    @model_validator(mode="after")
    def _conditions_iff_conditional(self) -> Self:
        conditional = self.decision is CrossingDecision.APPROVED_WITH_CONDITIONS
        if conditional and not self.conditions:
            raise ValueError("conditions are required when approved_with_conditions")
        if not conditional and self.conditions:
            raise ValueError("conditions are only for approved_with_conditions")
        return self


class IncidentReportBody(_Body):
    kind: IncidentKind
    occurred_at: AwareDatetime
    location: Point


class EmptyBody(_Body):
    """Line checks, their replies and free text carry nothing structured."""


class LineCheckMissedBody(_Body):
    line_check_id: RecordId
    parties: list[PartyCode] = Field(min_length=1)


class ConflictAlertBody(_Body):
    """What both parties are told of a conflict: where and when, as far as both may see it
    (never a blind notice's place or window), so one message serves both."""

    conflict_id: RecordId
    source: ConflictSource
    severity: Severity
    location: Point | None = Field(
        default=None, description="None where no place of it is seen by both parties."
    )
    window_start: AwareDatetime | None = Field(
        default=None, description="None where no moment of it is seen by both parties."
    )
    window_end: AwareDatetime | None = None
    late_s: float | None = Field(default=None, gt=0)


class TrackAlertBody(_Body):
    """A predicted loss of well-clear between two parties' assets: when and where, with the
    alert level; never a blind track's position or velocity."""

    encounter_id: RecordId
    level: int = Field(ge=1, le=3)
    against: Against
    location: Point | None = Field(
        description="Where both parties may know: null (withheld) where it would show either "
        "of them a track hidden from it."
    )
    violation_at: AwareDatetime
    horizontal_m: int = Field(ge=0, description="Separation at the predicted entry.")
    vertical_ft: int = Field(ge=0)


class IncidentState(StrEnum):
    """Where an incident's joint review stands (``model.incident`` says how it moves)."""

    REPORTED = "reported"
    ACKNOWLEDGED = "acknowledged"
    """The other involved party has taken note of it."""
    UNDER_REVIEW = "under_review"
    FINDINGS_AGREED = "findings_agreed"
    DISPUTED = "disputed"
    CLOSED = "closed"


class IncidentStep(StrEnum):
    FILED = "filed"
    MOVED = "moved"
    REFERRED = "referred"
    """To the mediator."""


class IncidentUpdateBody(_Body):
    """An incident was filed, moved on, or referred to the mediator; the note a person wrote
    with it travels as the message's free text."""

    incident: int = Field(ge=1)
    step: IncidentStep
    kind: IncidentKind
    state: IncidentState
    by_party: PartyCode | None = Field(default=None, description="Who filed, moved or referred it.")


class AmendmentStage(StrEnum):
    """Where an amendment of the protocol has got to, as the line tells both parties."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"
    ADOPTED = "adopted"
    IN_FORCE = "in_force"


class ProtocolChangeBody(_Body):
    """An amendment moved on: proposed, signed by a party, rejected, superseded, adopted by
    every party, or in force. The reason a person gave travels as the message's free text."""

    proposal: int = Field(ge=1)
    stage: AmendmentStage
    version: int = Field(ge=1)
    by_party: PartyCode | None = Field(
        default=None, description="Who proposed, signed or rejected it; None for the line."
    )
    effective_at: AwareDatetime


BODY_MODELS: dict[MessageType, type[_Body]] = {
    MessageType.WARNING: WarningBody,
    MessageType.IDENTIFICATION_QUERY: IdentificationQueryBody,
    MessageType.IDENTIFICATION_REPLY: IdentificationReplyBody,
    MessageType.REQUEST: RequestBody,
    MessageType.REQUEST_REPLY: RequestReplyBody,
    MessageType.CROSSING_REQUEST: CrossingRequestBody,
    MessageType.CROSSING_DECISION: CrossingDecisionBody,
    MessageType.INCIDENT_REPORT: IncidentReportBody,
    MessageType.LINE_CHECK: EmptyBody,
    MessageType.LINE_CHECK_REPLY: EmptyBody,
    MessageType.FREE_TEXT: EmptyBody,
    MessageType.LINE_CHECK_MISSED: LineCheckMissedBody,
    MessageType.CONFLICT_ALERT: ConflictAlertBody,
    MessageType.TRACK_ALERT: TrackAlertBody,
    MessageType.PROTOCOL_CHANGE: ProtocolChangeBody,
    MessageType.INCIDENT_UPDATE: IncidentUpdateBody,
}


class DeliveryState(StrEnum):
    """Where a message stands for one recipient party, in the order it moves."""

    HELD = "held"
    SENT = "sent"
    DELIVERED = "delivered"
    ACKNOWLEDGED = "acknowledged"
    ANSWERED = "answered"


class Recipient(BaseModel):
    """One recipient party's copy of a message: every transition with its time and user."""

    model_config = ConfigDict(frozen=True)

    party: PartyCode
    state: DeliveryState
    released_at: datetime | None
    delivered_at: datetime | None
    delivered_to: int | None
    acknowledged_at: datetime | None
    acknowledged_by: int | None
    answered_at: datetime | None
    answered_by: int | None
    answer_id: int | None
    due_at: datetime | None
    escalation_level: int
    escalated_to: Role | None
    overdue: bool


class MessageDraft(BaseModel):
    """A message as the line is about to store it: all but what storing gives it (its id, its
    time and its recipients' copies). One declaration for both, so a new field is one edit."""

    model_config = ConfigDict(frozen=True)

    agreement_id: str
    line_id: int
    sender_party: PartyCode | None
    sender_user: int | None
    type: MessageType
    precedence: Precedence
    body: dict[str, Any]
    free_text: str | None
    in_reply_to: int | None
    line_suspended: bool
    protocol_version: int = Field(description="The protocol version its deadline came from.")


class Message(MessageDraft):
    id: int
    created_at: datetime
    recipients: tuple[Recipient, ...]

    def recipient(self, party: str) -> Recipient | None:
        return next((r for r in self.recipients if r.party == party), None)
