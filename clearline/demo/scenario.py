"""Scenarios: a theatre played on the line's clock, from a data file.

A scenario is data, a JSON or YAML file anyone can write: its places (zones, declared
positions) and its events (notices, messages, acknowledgements, track feeds, unknown objects),
each a step of a timeline done at its time as one of the line's users, through the same
services the API calls, so that it is screened, alerted, escalated and recorded exactly as a
real party's traffic would be. What the line then does by itself (conflicts, alerts,
escalations, line checks, identification queries about unknown objects) is not in the file.

Every time in a file counts in seconds from the start of play (``at_s``, and ``start_s``,
``observed_at_s``, ... in place of the line's absolute ``start``, ``observed_at``, ...), so
one file plays on any date and at any speed. A file is checked whole when it is loaded, and
every complaint names its step and field (``timeline.3.volumes.0.end_s: ...``), so that a
mistake shows before the play starts rather than as a refusal half-way through.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import Connection

from clearline.model.errors import ClearlineError, from_validation, invalid, not_found, reason_of
from clearline.model.message import (
    BODY_MODELS,
    REPLY_TO,
    MessageType,
    ObjectKind,
    Precedence,
)
from clearline.model.notice import ActivityKind, AmendRequest, NoticeRequest, Sharing
from clearline.model.track import TrackBatch, TrackReport
from clearline.model.user import User
from clearline.model.wellclear import KNOT_MS
from clearline.model.zone import PositionIn, PositionKind, ZoneIn
from clearline.services.deconfliction import notices, zones
from clearline.services.deconfliction.engine import ConflictEngine
from clearline.services.line import hotline, sending
from clearline.services.tactical import tracks
from clearline.services.tactical.picture import Pictures
from clearline.store import agreements as agreement_store
from clearline.store import tracks as track_store
from clearline.store import users as user_store
from clearline.store.writer import on_rollback

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


# --- the file ------------------------------------------------------------------------------------


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    at_s: float = Field(ge=0, description="When, in seconds from the start of play.")
    user: str = Field(alias="as", min_length=1, description="The user who does it, by name.")
    id: str | None = Field(
        default=None, min_length=1, max_length=64, description="A label later steps refer to."
    )


class ZoneStep(_Step):
    """A zone, as a GeoJSON Feature whose properties are the zone's fields (``clearline zone
    import`` reads the same); without ``as``, a zone agreed by all, set up at talks."""

    do: Literal["zone"]
    user: str | None = Field(default=None, alias="as")  # type: ignore[assignment]
    feature: dict[str, Any]


class PositionStep(_Step):
    """A declared position of the user's party."""

    do: Literal["position"]
    name: str
    kind: PositionKind
    lat: float | None = None
    lon: float | None = None
    mgrs: str | None = None
    valid_until_s: float | None = None


class NoticeStep(_Step):
    """A notice filed; its volumes' windows as ``start_s`` and ``end_s``."""

    do: Literal["notice"]
    kind: ActivityKind
    volumes: list[dict[str, Any]] = Field(min_length=1)
    sharing: Sharing = Sharing.SHARED
    free_text: str | None = None


class AmendStep(_Step):
    """A new version of the notice an earlier step (``notice``, its id) filed."""

    do: Literal["amend"]
    notice: str
    volumes: list[dict[str, Any]] = Field(min_length=1)
    sharing: Sharing | None = None
    free_text: str | None = None


class CancelStep(_Step):
    do: Literal["cancel"]
    notice: str


class MessageStep(_Step):
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


class AckStep(_Step):
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


class _Feed(_Step):
    for_s: float = Field(
        default=0, ge=0, description="Report again every every_s for this long; 0: once."
    )
    every_s: float = Field(default=5, gt=0)

    def assets(self) -> list[Asset]:
        raise NotImplementedError


class TracksStep(_Feed):
    """A feed of the user's party's command system: its assets, flown straight on."""

    do: Literal["tracks"]
    reports: list[Asset] = Field(min_length=1)

    def assets(self) -> list[Asset]:
        return self.reports


class UnknownStep(_Feed):
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
    | UnknownStep,
    Field(discriminator="do"),
]
ACTIONS = ("zone", "position", "notice", "amend", "cancel", "message", "ack", "tracks", "unknown")


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    description: str = ""
    agreement: str | None = Field(
        default=None, description="Needed only where the line runs several agreements."
    )
    timeline: list[Step] = Field(min_length=1)


# --- loading and checking ------------------------------------------------------------------------


def load(path: Path | Traversable) -> Scenario:
    """A scenario file (JSON, or YAML by its suffix), checked whole; a ClearlineError naming
    the step and field of the first mistake otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise invalid("scenario", f"cannot read {path}: {_why(exc)}") from exc
    try:
        yaml_file = path.name.endswith((".yaml", ".yml"))
        data = yaml.safe_load(text) if yaml_file else json.loads(text)
    except (ValueError, yaml.YAMLError) as exc:
        reason = " ".join(str(exc).split())
        raise invalid(
            "scenario", f"{path.name} is not valid {'YAML' if yaml_file else 'JSON'}: {reason}"
        ) from exc
    return parse(data)


def packaged(name: str = "syria.json") -> Scenario:
    """A scenario shipped with Clearline (``clearline/demo/scenarios/``)."""
    return load(resources.files("clearline.demo") / "scenarios" / name)


def parse(data: Any) -> Scenario:
    """A scenario from its parsed file, checked whole (see ``load``)."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise _problem(exc) from exc
    _check_order(scenario)
    for index, step in enumerate(scenario.timeline):
        try:
            _check_step(scenario, step)
        except ValidationError as exc:
            raise _problem(exc, f"timeline.{index}", _place_of(step)) from exc
        except ClearlineError as exc:
            raise invalid(_in_file(f"timeline.{index}.{exc.field}"), exc.reason) from exc
    return scenario


def _why(exc: Exception) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


def _problem(exc: ValidationError, within: str = "", place: str = "") -> ClearlineError:
    """Pydantic's first complaint, named as the file names it: ``timeline.3.do``, not the
    union's tag; ``end_s``, not ``end``."""
    first = exc.errors()[0]
    loc = [str(part) for part in first["loc"]]
    if len(loc) > 2 and loc[0] == "timeline" and loc[2] in ACTIONS:
        del loc[2]
    reason = reason_of(first)
    if first["type"] == "union_tag_invalid":
        loc.append("do")
        reason = f"unknown action {first['input'].get('do')!r}; one of {', '.join(ACTIONS)}"
    elif first["type"] == "union_tag_not_found":
        loc.append("do")
        reason = f"missing: what the step does, one of {', '.join(ACTIONS)}"
    if place and loc and loc[0] == "geometry":
        place = "feature"
    field = ".".join(part for part in (within, place, *loc) if part)
    return invalid(_in_file(field) or "scenario", reason)


def _in_file(field: str) -> str:
    """A field as the file names it: a time the line takes as ``end`` is ``end_s`` there."""
    return field + "_s" if field.rpartition(".")[2] in TIME_FIELDS else field


def _place_of(step: Any) -> str:
    """Where a step's nested record sits in the file, for its complaints."""
    return "feature.properties" if isinstance(step, ZoneStep) else ""


def _check_order(scenario: Scenario) -> None:
    """Steps in time order; labels unique; every reference to an earlier step of the right
    kind."""
    made: dict[str, Any] = {}
    previous = 0.0
    for index, step in enumerate(scenario.timeline):
        where = f"timeline.{index}"
        if step.at_s < previous:
            raise invalid(f"{where}.at_s", f"before the step above it ({previous:g} s)")
        previous = step.at_s
        for name, kinds in _references(step):
            label = getattr(step, name)
            if label is not None and not isinstance(made.get(label), kinds):
                raise invalid(f"{where}.{name}", _not_made(label, made, kinds))
        if step.id is not None:
            if step.id in made:
                raise invalid(f"{where}.id", f"{step.id!r} labels an earlier step already")
            made[step.id] = step
        if isinstance(step, MessageStep):
            _check_reply(step, made, where)


def _references(step: Any) -> list[tuple[str, tuple[type, ...]]]:
    if isinstance(step, AmendStep | CancelStep):
        return [("notice", (NoticeStep,))]
    if isinstance(step, MessageStep):
        return [("reply_to", (MessageStep, UnknownStep))]
    if isinstance(step, AckStep):
        return [("message", (MessageStep,))]
    return []


def _not_made(label: str, made: dict[str, Any], kinds: tuple[type, ...]) -> str:
    wanted = " or ".join(repr(_ACTION_OF[kind]) for kind in kinds)
    if label not in made:
        return f"no earlier step has id {label!r}"
    return f"step {label!r} is a {made[label].do!r} step; this needs a {wanted} step"


def _check_reply(step: MessageStep, made: dict[str, Any], where: str) -> None:
    answers = REPLY_TO.get(step.type)
    if answers is not None and step.reply_to is None:
        raise invalid(f"{where}.reply_to", f"{step.type} answers {answers}: name its step")
    if step.reply_to is None and step.to is None:
        raise invalid(f"{where}.to", "a message that replies to nothing needs `to`")
    original = made.get(step.reply_to) if step.reply_to else None
    if isinstance(original, UnknownStep) and step.type is not MessageType.IDENTIFICATION_REPLY:
        raise invalid(
            f"{where}.type", "an unknown object's query is answered by an identification_reply"
        )
    if isinstance(original, MessageStep) and answers is not None and original.type is not answers:
        raise invalid(f"{where}.type", f"{step.type} answers {answers}, not {original.type}")


def _check_step(scenario: Scenario, step: Any) -> None:
    """Build what the step would send, at a reference start: the line's own models check it."""
    if isinstance(step, ZoneStep):
        _zone(step)
    elif isinstance(step, PositionStep):
        _position(step, REFERENCE)
    elif isinstance(step, NoticeStep):
        _notice(step, scenario.agreement, REFERENCE)
    elif isinstance(step, AmendStep):
        _amendment(step, REFERENCE)
    elif isinstance(step, MessageStep):
        _request(step, step.to or "ZZ", 1 if step.reply_to else None, REFERENCE)
    elif isinstance(step, TracksStep | UnknownStep):
        _batch(step, scenario.agreement, REFERENCE, step.at_s)


# --- what each step sends ------------------------------------------------------------------------


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


def _zone(step: ZoneStep) -> ZoneIn:
    feature = step.feature
    properties = feature.get("properties")
    if feature.get("type") != "Feature" or not isinstance(properties, dict):
        raise invalid("feature", "must be a GeoJSON Feature with properties")
    return ZoneIn.model_validate({**properties, "geometry": feature.get("geometry")})


def _position(step: PositionStep, start: datetime) -> PositionIn:
    fields = step.model_dump(
        include={"name", "kind", "lat", "lon", "mgrs", "valid_until_s"}, exclude_none=True
    )
    return PositionIn.model_validate(absolute(fields, start))


def _notice(step: NoticeStep, agreement: str | None, start: datetime) -> NoticeRequest:
    fields = step.model_dump(include={"kind", "volumes", "sharing", "free_text"})
    return NoticeRequest.model_validate({**absolute(fields, start), "agreement": agreement})


def _amendment(step: AmendStep, start: datetime) -> AmendRequest:
    fields = step.model_dump(include={"volumes", "sharing", "free_text"})
    return AmendRequest.model_validate(absolute(fields, start))


def _request(
    step: MessageStep, to: str, in_reply_to: int | None, start: datetime
) -> hotline.SendRequest:
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
    return hotline.SendRequest.model_validate(request)


def _batch(step: _Feed, agreement: str | None, start: datetime, elapsed: float) -> TrackBatch:
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


# --- playing -------------------------------------------------------------------------------------


@dataclass
class _Turn:
    """One step being done: where, when, and with what the line keeps in memory."""

    connection: Connection
    index: int
    now: datetime
    conflict_engine: ConflictEngine
    pictures: Pictures
    player: Player

    def user(self, name: str | None) -> User | None:
        if name is None:
            return None
        found = user_store.user_by_name(self.connection, name)
        if found is None:
            raise not_found("as", f"no user named {name!r}")
        return found

    def agreement(self, party: str | None) -> str:
        wanted = self.player.scenario.agreement
        if party is not None:
            return notices.agreement_for(self.connection, party, wanted)
        ids = agreement_store.agreement_ids(self.connection)
        if wanted is None and len(ids) != 1:
            raise invalid("agreement", "the line runs several agreements: the scenario names one")
        return wanted or ids[0]

    def made(self, label: str, field: str) -> int:
        found = self.player.made.get(label)
        if found is None:
            raise not_found(field, f"step {label!r} created nothing (it failed)")
        return found


@dataclass
class Player:
    """Plays a scenario from ``start`` on the line's clock: ``due`` says which steps' time has
    come, ``apply`` does one in the caller's transaction. It remembers what it did, so that
    asking again does nothing twice; a step that failed is not tried again. It remembers in
    memory only: ``clearline demo`` plays on a fresh store every run, and a play started again
    on the same store gets its notices and messages back by their idempotency keys."""

    scenario: Scenario
    start: datetime
    tried: set[int] = field(default_factory=set)
    made: dict[str, int] = field(default_factory=dict)
    """What labelled steps created: notice, message, zone, position or track ids."""
    _reported: dict[int, float] = field(default_factory=dict)

    def elapsed(self, now: datetime) -> float:
        return (now - self.start).total_seconds()

    def due(self, now: datetime) -> list[int]:
        """Steps whose time has come and that are not done, or feeds due to report again."""
        elapsed = self.elapsed(now)
        return [
            index
            for index, step in enumerate(self.scenario.timeline)
            if step.at_s <= elapsed and self._owes(index, step, elapsed)
        ]

    def describe(self, index: int) -> str:
        step = self.scenario.timeline[index]
        label = f" {step.id!r}" if step.id else ""
        return f"timeline.{index}{label} ({step.do} as {step.user or 'the administrator'})"

    def apply(
        self,
        connection: Connection,
        index: int,
        now: datetime,
        conflict_engine: ConflictEngine,
        pictures: Pictures,
    ) -> None:
        """Do step ``index`` at ``now`` as its user. What it creates is remembered under its
        label, and forgotten again if the transaction rolls back."""
        step = self.scenario.timeline[index]
        elapsed = self.elapsed(now)
        if step.at_s > elapsed or not self._owes(index, step, elapsed):
            return
        first = index not in self.tried
        self.tried.add(index)
        if isinstance(step, _Feed):
            self._reported[index] = elapsed
        created = _ACTIONS[step.do](
            _Turn(connection, index, now, conflict_engine, pictures, self), step
        )
        label = step.id
        if first and label is not None and created is not None:
            self.made[label] = created
            on_rollback(connection, partial(self._forget, label))

    def _forget(self, label: str) -> None:
        self.made.pop(label, None)

    def _owes(self, index: int, step: Any, elapsed: float) -> bool:
        if index not in self.tried:
            return True
        if not isinstance(step, _Feed) or elapsed > step.at_s + step.for_s:
            return False
        return elapsed - self._reported.get(index, -math.inf) >= step.every_s


def _do_zone(turn: _Turn, step: ZoneStep) -> int:
    by = turn.user(step.user)
    agreement_id = turn.agreement(by.party if by else None)
    return zones.add_zone(
        turn.connection, agreement_id, _zone(step), by, turn.now, turn.conflict_engine
    ).id


def _do_position(turn: _Turn, step: PositionStep) -> int:
    user = _someone(turn, step)
    request = _position(step, turn.player.start)
    return zones.declare(turn.connection, user, request, turn.now, turn.conflict_engine).id


def _do_notice(turn: _Turn, step: NoticeStep) -> int:
    user = _someone(turn, step)
    request = _notice(step, turn.player.scenario.agreement, turn.player.start)
    key = _key(turn)
    notice, _ = notices.file(turn.connection, user, request, turn.now, key, turn.conflict_engine)
    return notice.id


def _do_amend(turn: _Turn, step: AmendStep) -> int:
    user = _someone(turn, step)
    notice_id = turn.made(step.notice, "notice")
    request = _amendment(step, turn.player.start)
    return notices.amend(
        turn.connection, user, notice_id, request, turn.now, turn.conflict_engine
    ).id


def _do_cancel(turn: _Turn, step: CancelStep) -> int:
    user = _someone(turn, step)
    notice_id = turn.made(step.notice, "notice")
    return notices.cancel(turn.connection, user, notice_id, turn.now, turn.conflict_engine).id


def _do_message(turn: _Turn, step: MessageStep) -> int:
    """Send as the API does: a crossing decision rescreens, an identification reply settles
    an unknown object."""
    user = _someone(turn, step)
    original = _original(turn, step, user) if step.reply_to else None
    to = step.to or (original.sender_party if original else None)
    if to is None:
        raise invalid("to", "the message it answers has no sending party")
    request = _request(step, to, original.id if original else None, turn.player.start)
    message, _ = sending.send(
        turn.connection, user, request, turn.now, _key(turn), turn.conflict_engine, turn.pictures
    )
    return message.id


def _original(turn: _Turn, step: MessageStep, user: User) -> Any:
    """The message a reply answers: one an earlier step sent, or the identification query the
    line raised to the user's party about an unknown object an earlier step reported."""
    assert step.reply_to is not None
    made = turn.made(step.reply_to, "reply_to")
    target = next(s for s in turn.player.scenario.timeline if s.id == step.reply_to)
    if isinstance(target, UnknownStep):
        asked = [q for q in track_store.queries_of(turn.connection, made) if q.asked == user.party]
        if not asked:
            raise not_found(
                "reply_to", f"the line has asked {user.party} nothing about {step.reply_to!r} yet"
            )
        made = int(asked[0].message_id)
    return hotline.visible(turn.connection, user.party, made)


def _do_ack(turn: _Turn, step: AckStep) -> None:
    user = _someone(turn, step)
    if step.message is not None:
        message_id = turn.made(step.message, "message")
    else:
        message_id = _newest_unacknowledged(turn, user, step.latest)
    hotline.acknowledge(turn.connection, user, message_id, turn.now)


def _newest_unacknowledged(turn: _Turn, user: User, type: MessageType | None) -> int:
    inbox = hotline.messages_for(turn.connection, user.party, "inbox", None, type, None, 100)
    for message in inbox:
        own = message.recipient(user.party)
        if own is not None and own.acknowledged_at is None:
            return message.id
    raise not_found("latest", f"no unacknowledged {type} in {user.party}'s inbox")


def _do_tracks(turn: _Turn, step: TracksStep | UnknownStep) -> int | None:
    """Report the feed where its assets are now; an unknown's label is its track's id."""
    user = _someone(turn, step)
    agreement = turn.player.scenario.agreement
    elapsed = turn.player.elapsed(turn.now)
    batch = _batch(step, agreement, turn.player.start, elapsed)
    tracks.ingest(turn.connection, user, batch, turn.now, turn.pictures)
    if not isinstance(step, UnknownStep):
        return None
    picture = turn.pictures.of(turn.connection, turn.agreement(user.party), turn.now.timestamp())
    return picture.keys[(user.party, step.track_id)]


def _someone(turn: _Turn, step: _Step) -> User:
    user = turn.user(step.user)
    assert user is not None, "every step but a zone names its user (checked at load)"
    return user


def _key(turn: _Turn) -> str:
    """The same step of the same scenario is the same request: played again on the same
    store, the line answers with what it made the first time."""
    return f"scenario:{turn.player.scenario.name}:{turn.index}"


_ACTIONS: dict[str, Callable[[_Turn, Any], int | None]] = {
    "zone": _do_zone,
    "position": _do_position,
    "notice": _do_notice,
    "amend": _do_amend,
    "cancel": _do_cancel,
    "message": _do_message,
    "ack": _do_ack,
    "tracks": _do_tracks,
    "unknown": _do_tracks,
}

_ACTION_OF: dict[type, str] = {NoticeStep: "notice", MessageStep: "message", UnknownStep: "unknown"}
