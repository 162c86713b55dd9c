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
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearline.demo.steps import (
    ACTIONS,
    REFERENCE,
    TIME_FIELDS,
    AckStep,
    AmendStep,
    CancelStep,
    CloseRoundStep,
    MessageStep,
    NoticeStep,
    PositionStep,
    ProposeStep,
    RoundStep,
    SignStep,
    Step,
    TracksStep,
    UnknownStep,
    ZoneStep,
    amend_request,
    feed_batch,
    message_request,
    notice_request,
    position_request,
    proposal_request,
    round_request,
    zone_request,
)
from clearline.model.errors import ClearlineError, invalid, reason_of
from clearline.model.message import REPLY_TO, MessageType


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    description: str = ""
    agreement: str | None = Field(
        default=None, description="Needed only where the line runs several agreements."
    )
    timeline: list[Step] = Field(min_length=1)


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
        if isinstance(step, CloseRoundStep):
            for n, label in enumerate(step.adopted):
                if not isinstance(made.get(label), ProposeStep):
                    raise invalid(f"{where}.adopted.{n}", _not_made(label, made, (ProposeStep,)))
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
    if isinstance(step, SignStep):
        return [("proposal", (ProposeStep,))]
    if isinstance(step, ProposeStep):
        return [("round", (RoundStep,))]
    if isinstance(step, CloseRoundStep):
        return [("round", (RoundStep,))]
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
        zone_request(step)
    elif isinstance(step, PositionStep):
        position_request(step, REFERENCE)
    elif isinstance(step, NoticeStep):
        notice_request(step, scenario.agreement, REFERENCE)
    elif isinstance(step, AmendStep):
        amend_request(step, REFERENCE)
    elif isinstance(step, MessageStep):
        message_request(step, step.to or "ZZ", 1 if step.reply_to else None, REFERENCE)
    elif isinstance(step, TracksStep | UnknownStep):
        feed_batch(step, scenario.agreement, REFERENCE, step.at_s)
    elif isinstance(step, ProposeStep):
        proposal_request(step, REFERENCE)
    elif isinstance(step, RoundStep):
        round_request(step, REFERENCE)


_ACTION_OF: dict[type, str] = {
    NoticeStep: "notice",
    MessageStep: "message",
    UnknownStep: "unknown",
    ProposeStep: "propose",
    RoundStep: "round",
}
