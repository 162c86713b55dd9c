"""Alerted records: a record is there for the parties it involves and for no other; the rest
(announcing, alerting) is specified through conflicts and encounters, which share it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import pytest
from sqlalchemy import Connection

from clearline.model.errors import ClearlineError, ErrorKind
from clearline.model.message import MessageType
from clearline.services.alerts import AlertedRecords

NO_STORE = cast(Connection, None)


@dataclass(frozen=True)
class Clash:
    id: int
    agreement_id: str
    parties: tuple[str, ...]


def _load(_connection: Any, record_id: int) -> Clash | None:
    return Clash(record_id, "il-tr-syria", ("IL", "TR")) if record_id == 1 else None


CLASHES = AlertedRecords("clash", _load, lambda *_: None, MessageType.CONFLICT_ALERT)


def test_a_party_involved_gets_the_record() -> None:
    assert CLASHES.involving(NO_STORE, "TR", 1) == Clash(1, "il-tr-syria", ("IL", "TR"))


@pytest.mark.parametrize(("party", "record_id"), [("AZ", 1), ("IL", 2)])
def test_to_any_other_party_it_does_not_exist(party: str, record_id: int) -> None:
    with pytest.raises(ClearlineError) as refused:
        CLASHES.involving(NO_STORE, party, record_id)
    assert refused.value.kind is ErrorKind.NOT_FOUND
    assert refused.value.reason == f"no clash {record_id} involves you"
