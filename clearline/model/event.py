"""Events: every change on the line, numbered in one global sequence.

A client that saw event N and reconnects asks for everything after N and gets exactly that.
Each event names the parties (its audience) that may see it; nobody else ever receives it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class EventType(StrEnum):
    MESSAGE_SENT = "message.sent"
    """A message was put on the line. Payload: ``message``."""
    MESSAGE_RELEASED = "message.released"
    """A message held by a suspension reached its recipients. Payload: ``message``."""
    MESSAGE_DELIVERED = "message.delivered"
    """A client of the recipient party received it. Payload: ``message_id``, ``party``, ``user``."""
    MESSAGE_ACKNOWLEDGED = "message.acknowledged"
    """A human of the recipient party read it. Payload: ``message_id``, ``party``, ``user``."""
    MESSAGE_ANSWERED = "message.answered"
    """A reply came. Payload: ``message_id``, ``party``, ``user``, ``answer_id``."""
    MESSAGE_ESCALATED = "message.escalated"
    """Not acknowledged in time; up one step. Payload: ``message_id``, ``party``, ``role``,
    ``after_s``, ``summary``."""
    MESSAGE_OVERDUE = "message.overdue"
    """The ladder is exhausted and still nobody answered. Payload as for escalated."""
    LINE_SUSPENDED = "line.suspended"
    """Payload: ``line`` (parties, state, by, reason)."""
    LINE_RESTORED = "line.restored"
    """Payload: ``line``."""
    LINE_CHECK_ANSWERED = "line_check.answered"
    """Payload: ``message_id``, ``party``, ``answer_s``."""


class Event(BaseModel):
    model_config = ConfigDict(frozen=True)

    seq: int
    type: EventType
    time: datetime
    agreement_id: str
    audience: tuple[str, ...]
    payload: dict[str, Any]
