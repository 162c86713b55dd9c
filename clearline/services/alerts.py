"""Alerted records: what the line finds between parties and keeps on record (a conflict, an
encounter), each told to every party involved as that party may see it, and alerted on the
lines between them as system messages linked back to the record.

Conflicts (``deconfliction.conflicts``) and encounters (``tactical.encounters``) differ in what
finds them and in what each party may see of them; how they are fetched, announced and
alerted is the same, and is here.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection

from clearline.model.errors import not_found
from clearline.model.event import EventType
from clearline.model.message import MessageType, Precedence
from clearline.model.protocol import Protocol
from clearline.services.line import lines, messages
from clearline.store import events


class Alerted(typing.Protocol):
    """What every alerted record has: its id, its agreement and the parties it involves."""

    @property
    def id(self) -> int: ...

    @property
    def agreement_id(self) -> str: ...

    @property
    def parties(self) -> tuple[str, ...]: ...


R = TypeVar("R", bound=Alerted)


@dataclass(frozen=True)
class AlertedRecords(Generic[R]):
    """One kind of alerted record, by how the store loads one and links an alert to it."""

    name: str
    """The record's key in an event's payload and its name in a refusal: ``conflict``."""
    load: Callable[[Connection, int], R | None]
    link: Callable[[Connection, int, int], None]
    """Record that a message (the last argument) is an alert about a record (the second)."""
    alert_type: MessageType

    def get(self, connection: Connection, record_id: int) -> R:
        """A record just stored, or found by the line itself: it is on record."""
        found = self.load(connection, record_id)
        assert found is not None, f"a {self.name} just stored or found must load"
        return found

    def involving(self, connection: Connection, party: str, record_id: int) -> R:
        """The record, where ``party`` is involved in it; to any other party it does not exist."""
        found = self.load(connection, record_id)
        if found is None or party not in found.parties:
            raise not_found("id", f"no {self.name} {record_id} involves you")
        return found

    def announce(
        self,
        connection: Connection,
        type: EventType,
        record_id: int,
        now: datetime,
        view: Callable[[R, str], BaseModel],
    ) -> None:
        """One event per party involved, each with the record as ``view`` shows it that party."""
        record = self.get(connection, record_id)
        events.append_each(
            connection,
            type,
            now,
            record.agreement_id,
            record.parties,
            lambda party: {self.name: view(record, party).model_dump(mode="json")},
        )

    def alert(
        self,
        connection: Connection,
        record: R,
        between: Iterable[tuple[str, str]],
        precedence: Precedence,
        body: dict[str, Any],
        protocol: Protocol,
        now: datetime,
    ) -> None:
        """One alert on each line of the record's agreement between each pair of parties, due
        as the protocol says for its precedence, and linked to the record."""
        for a, b in between:
            for line in lines.lines_in(connection, record.agreement_id, a, b):
                message = messages.send_system(
                    connection,
                    line,
                    self.alert_type,
                    precedence,
                    body,
                    protocol,
                    now,
                )
                self.link(connection, record.id, message.id)
