"""The bus hands each subscriber only its party's events and cuts off one that falls behind."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clearline.model.event import Event, EventType
from clearline.runtime import bus as bus_module
from clearline.runtime.bus import Bus


def _event(seq: int, *audience: str) -> Event:
    return Event(
        seq=seq,
        type=EventType.LINE_RESTORED,
        time=datetime(2026, 11, 22, tzinfo=UTC),
        agreement_id="a",
        audience=audience,
        payload={},
    )


def test_a_subscriber_gets_only_what_its_party_may_see() -> None:
    bus = Bus()
    il, az = bus.subscribe("IL"), bus.subscribe("AZ")
    bus.publish([_event(1, "IL", "TR"), _event(2, "IL", "TR", "AZ")])
    assert [il.queue.get_nowait().seq for _ in range(il.queue.qsize())] == [1, 2]
    assert [az.queue.get_nowait().seq for _ in range(az.queue.qsize())] == [2]


def test_a_subscriber_that_falls_behind_is_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bus_module, "QUEUE_LIMIT", 2)
    bus = Bus()
    slow = bus.subscribe("IL")
    bus.publish([_event(n, "IL") for n in range(1, 4)])
    assert slow.overflowed
    assert len(bus) == 0
    assert slow.queue.qsize() == 2
