"""A party's pending queue: what its duty officer still has to acknowledge, as items.

An item is one message, or several folded into one where showing each would only bury the
rest: the "line check missed" alerts of one line are one item with a count and the time of
the last, acknowledged in one act. A warning, a query or a conflict alert is never folded: it
is an item of its own, acknowledged on its own.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from clearline.model.message import Message


class PendingKind(StrEnum):
    MESSAGE = "message"
    LINE_CHECK = "line_check"
    LINE_CHECK_MISSED = "line_check_missed"


class PendingItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str = Field(
        description="Its kind and newest message: new as soon as something new joins it, so "
        "that a client tells a fold that grew from one it has shown already."
    )
    kind: PendingKind
    message: Message = Field(description="The newest message of the item: the one to show.")
    message_ids: list[int] = Field(description="Every message folded into it, oldest first.")
    count: int
    first_at: datetime
    last_at: datetime
    due_at: datetime | None = Field(description="The earliest deadline among its messages.")
    overdue: bool
