"""A scenario's steps, and what each sends to the line: a zone, a position, a notice, an
amendment of it, a message, a batch of track reports, a protocol amendment and its
signatures, or an incident, built from the file's relative times
(``NAME_s``, seconds from the start of play) by the same models the API takes, so that a step
the line would refuse is refused when the file is loaded."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clearline.model.errors import from_validation, invalid
from clearline.model.incident import IncidentRequest, IncidentSeverity, Place
from clearline.model.message import (
    BODY_MODELS,
    IncidentKind,
    MessageType,
    ObjectKind,
    Point,
    Precedence,
)
from clearline.model.notice import ActivityKind, AmendRequest, NoticeRequest, Sharing
from clearline.model.proposal import ProposalRequest
from clearline.model.round import RoundRequest
from clearline.model.track import TrackBatch, TrackReport
from clearline.model.wellclear import KNOT_MS
from clearline.model.zone import PositionIn, PositionKind, ZoneIn
from clearline.services.line.messages import SendRequest

TIME_FIELDS = frozenset(
    {
        "start",
        "end",
        "observed_at",
        "occurred_at",
        "window_start",
        "window_end",
        "valid_from",
        "valid_until",
        "until",
    }
)
"""Times the line takes as absolute; a file gives each as ``NAME_s``, seconds from the start."""
REFERENCE = datetime(2000, 1, 1, tzinfo=UTC)
"""A start of play to check a file's steps against when it is loaded."""
METRES_PER_DEGREE = 111_320.0


class BaseStep(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    at_s: float = Field(ge=0, description="When, in seconds from the start of play.")
    user: str = Field(alias="as", min_length=1, description="The user who does it, by name.")
    id: str | None = Field(
        default=None, min_length=1, max_length=64, description="A label later steps refer to."
    )


class ZoneStep(BaseStep):
    """A zone, as a GeoJSON Feature whose properties are the zone's fields (``clearline zone
    import`` reads the same); without ``as``, a zone agreed by all, set up at talks."""

    do: Literal["zone"]
    user: str | None = Field(default=None, alias="as")  # type: ignore[assignment]
    feature: dict[str, Any]


class PositionStep(BaseStep):
    """A declared position of the user's party."""

    do: Literal["position"]
    name: str
    kind: PositionKind
    lat: float | None = None
    lon: float | None = None
    mgrs: str | None = None
    valid_until_s: float | None = None


class NoticeStep(BaseStep):
    """A notice filed; its volumes' windows as ``start_s`` and ``end_s``."""

    do: Literal["notice"]
    kind: ActivityKind
    volumes: list[dict[str, Any]] = Field(min_length=1)
    sharing: Sharing | None = Field(default=None, description="Absent: the protocol's default.")
    free_text: str | None = None


class AmendStep(BaseStep):
    """A new version of the notice an earlier step (``notice``, its id) filed."""

    do: Literal["amend"]
    notice: str
    volumes: list[dict[str, Any]] = Field(min_length=1)
    sharing: Sharing | None = None
    free_text: str | None = None


class CancelStep(BaseStep):
    do: Literal["cancel"]
    notice: str


class MessageStep(BaseStep):
    """A message on the line. A reply names the step it answers in ``reply_to``: a message
    step, or an ``unknown`` step for the identification query the line raised about it; it
    goes to the sender of what it answers unless ``to`` says otherwise."""

    do: Literal["message"]
    type: MessageType
    precedence: Precedence
    to: str | None = None
    body: dict[str, Any] = Field(default_factory=dict)
    free_text: str | None = None
    reply_to: str | None = None


class AckStep(BaseStep):
    """An acknowledgement: of the message an earlier step sent (``message``), or of the newest
    unacknowledged message of a type in the user's inbox (``latest``: line checks, alerts)."""

    do: Literal["ack"]
    message: str | None = None
    latest: MessageType | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.message is None) == (self.latest is None):
            raise ValueError("give message (a step's id) or latest (a message type), not both")
        return self


class RoundStep(BaseStep):
    """A round of talks the mediator opens, on the day play starts, with its agenda."""

    do: Literal["round"]
    place: str = Field(min_length=1)
    attendees: dict[str, list[str]] = Field(default_factory=dict)
    agenda: list[str] = Field(default_factory=list)


class CloseRoundStep(BaseStep):
    """The mediator closes the round an earlier step opened, with the proposals (their steps'
    ids) it agreed."""

    do: Literal["close_round"]
    round: str
    adopted: list[str] = Field(default_factory=list)


class ProposeStep(BaseStep):
    """An amendment of the protocol proposed by a liaison officer, as a JSON merge patch of
    the newest adopted version, to take effect ``effective_s`` from the start; tabled at the
    round an earlier step opened, if it names one."""

    do: Literal["propose"]
    patch: dict[str, Any] = Field(min_length=1)
    reason: str = Field(min_length=1)
    effective_s: float = Field(ge=0)
    round: str | None = None


class SignStep(BaseStep):
    """A liaison officer signs the proposal an earlier step made. The demo plays every
    liaison officer, so it makes each one's key (in memory, registered at their first
    signature); on a real line each party makes and keeps its own."""

    do: Literal["sign"]
    proposal: str


class TrackName(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    party: str
    track_id: str = Field(description="As the party's feed reports it.")


class IncidentStep(BaseStep):
    """An incident a party files about what happened between ``start_s`` and ``end_s`` at a
    point, naming the tracks involved as their feeds report them; referred to the mediator
    with ``refer`` as its note, if given."""

    do: Literal["incident"]
    kind: IncidentKind
    start_s: float = Field(ge=0)
    end_s: float = Field(ge=0)
    lat: float
    lon: float
    tracks: list[TrackName] = Field(default_factory=list)
    severity: IncidentSeverity = IncidentSeverity.SERIOUS
    narrative: str | None = None
    refer: str | None = None


class Asset(BaseModel):
    """Something a feed reports: where it is at the step's time, and how it moves on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    track_id: str
    kind: ObjectKind
    lat: float
    lon: float
    alt_ft: float
    ground_speed_kt: float = Field(default=0, ge=0)
    track_deg: float = Field(default=0, ge=0, lt=360)
    vertical_rate_fpm: float = 0
    share_with: list[str] | None = None
    coarse: bool = False


class FeedStep(BaseStep):
    for_s: float = Field(
        default=0, ge=0, description="Report again every every_s for this long; 0: once."
    )
    every_s: float = Field(default=5, gt=0)

    def assets(self) -> list[Asset]:
        raise NotImplementedError


class TracksStep(FeedStep):
    """A feed of the user's party's command system: its assets, flown straight on."""

    do: Literal["tracks"]
    reports: list[Asset] = Field(min_length=1)

    def assets(self) -> list[Asset]:
        return self.reports


class UnknownStep(FeedStep):
    """An object the user's party's sensors see and nobody has claimed: near another party's
    forces, the line asks that party "is this yours?" by itself."""

    do: Literal["unknown"]
    track_id: str
    lat: float
    lon: float
    alt_ft: float
    ground_speed_kt: float = Field(default=0, ge=0)
    track_deg: float = Field(default=0, ge=0, lt=360)

    def assets(self) -> list[Asset]:
        fields = self.model_dump(include={"track_id", "lat", "lon", "alt_ft", "track_deg"})
        speed = self.ground_speed_kt
        return [Asset(kind=ObjectKind.UNKNOWN_OBJECT, ground_speed_kt=speed, **fields)]


Step = Annotated[
    ZoneStep
    | PositionStep
    | NoticeStep
    | AmendStep
    | CancelStep
    | MessageStep
    | AckStep
    | TracksStep
    | UnknownStep
    | RoundStep
    | CloseRoundStep
    | ProposeStep
    | SignStep
    | IncidentStep,
    Field(discriminator="do"),
]
ACTIONS = (
    "zone",
    "position",
    "notice",
    "amend",
    "cancel",
    "message",
    "ack",
    "tracks",
    "unknown",
    "round",
    "close_round",
    "propose",
    "sign",
    "incident",
)


def absolute(value: Any, start: datetime) -> Any:
    """``value`` with every ``NAME_s`` of a time the line takes as ``NAME``, an ISO time."""
    if isinstance(value, list):
        return [absolute(item, start) for item in value]
    if not isinstance(value, dict):
        return value
    converted = {}
    for key, item in value.items():
        name = key.removesuffix("_s")
        if key.endswith("_s") and name in TIME_FIELDS and isinstance(item, int | float):
            converted[name] = (start + timedelta(seconds=item)).isoformat()
        else:
            converted[key] = absolute(item, start)
    return converted


def zone_request(step: ZoneStep) -> ZoneIn:
    feature = step.feature
    properties = feature.get("properties")
    if feature.get("type") != "Feature" or not isinstance(properties, dict):
        raise invalid("feature", "must be a GeoJSON Feature with properties")
    return ZoneIn.model_validate({**properties, "geometry": feature.get("geometry")})


def position_request(step: PositionStep, start: datetime) -> PositionIn:
    fields = step.model_dump(
        include={"name", "kind", "lat", "lon", "mgrs", "valid_until_s"}, exclude_none=True
    )
    return PositionIn.model_validate(absolute(fields, start))


def notice_request(step: NoticeStep, agreement: str | None, start: datetime) -> NoticeRequest:
    fields = step.model_dump(include={"kind", "volumes", "sharing", "free_text"})
    return NoticeRequest.model_validate({**absolute(fields, start), "agreement": agreement})


def amend_request(step: AmendStep, start: datetime) -> AmendRequest:
    fields = step.model_dump(include={"volumes", "sharing", "free_text"})
    return AmendRequest.model_validate(absolute(fields, start))


def round_request(step: RoundStep, start: datetime) -> RoundRequest:
    day = start.date()
    return RoundRequest.model_validate(
        {"place": step.place, "starts_on": day, "ends_on": day, "attendees": step.attendees}
    )


def proposal_request(step: ProposeStep, start: datetime) -> ProposalRequest:
    effective_at = start + timedelta(seconds=step.effective_s)
    return ProposalRequest(patch=step.patch, reason=step.reason, effective_at=effective_at)


def incident_request(step: IncidentStep, tracks: list[int], start: datetime) -> IncidentRequest:
    return IncidentRequest(
        kind=step.kind,
        start=start + timedelta(seconds=step.start_s),
        end=start + timedelta(seconds=step.end_s),
        place=Place(point=Point(lat=step.lat, lon=step.lon)),
        tracks=tracks,
        severity=step.severity,
        narrative=step.narrative,
    )


def message_request(
    step: MessageStep, to: str, in_reply_to: int | None, start: datetime
) -> SendRequest:
    body = absolute(step.body, start)
    try:
        BODY_MODELS[step.type].model_validate(body)
    except ValidationError as exc:
        raise from_validation(exc, "body") from exc
    request = {
        "to": to,
        "type": step.type,
        "precedence": step.precedence,
        "body": body,
        "free_text": step.free_text,
        "in_reply_to": in_reply_to,
    }
    return SendRequest.model_validate(request)


def feed_batch(
    step: FeedStep, agreement: str | None, start: datetime, elapsed: float
) -> TrackBatch:
    """The feed's assets as reported ``elapsed`` seconds into play, flown straight on from
    where the file puts them at the step's time (flat earth: fine over a few minutes)."""
    when = start + timedelta(seconds=elapsed)
    flown = elapsed - step.at_s
    reports = [_report(asset, when, flown) for asset in step.assets()]
    return TrackBatch(agreement=agreement, reports=reports)


def _report(asset: Asset, when: datetime, flown_s: float) -> TrackReport:
    angle = math.radians(asset.track_deg)
    metres = asset.ground_speed_kt * KNOT_MS * flown_s
    lat = asset.lat + metres * math.cos(angle) / METRES_PER_DEGREE
    lon = asset.lon + metres * math.sin(angle) / (
        METRES_PER_DEGREE * math.cos(math.radians(asset.lat))
    )
    alt_ft = asset.alt_ft + asset.vertical_rate_fpm * flown_s / 60
    fields = asset.model_dump(exclude={"lat", "lon", "alt_ft"})
    return TrackReport.model_validate(
        {**fields, "lat": lat, "lon": lon, "alt_ft": alt_ft, "time": when}
    )
