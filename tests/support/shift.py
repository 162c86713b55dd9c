"""The demo line with its simulated shift, played hour by hour of demo time on a fixed clock,
and how many items a party has pending."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from clearline import demo
from clearline.api.app import create_app
from clearline.clock import FixedClock
from clearline.demo import scenario as scenarios
from clearline.runtime.loops import run_for
from clearline.services.line.pending import queue
from clearline.store.database import create_engine, database_url, migrate
from clearline.store.writer import run_now
from tests.conftest import START

HOUR_S = 3_600
T = TypeVar("T")


def play_demo(db: Path, hours: int, seed: int, each_hour: Callable[[Connection], T]) -> list[T]:
    """The demo as ``clearline demo --until`` plays it (the packaged scenario, then the shift
    of ``seed``), ``each_hour`` read at the end of every hour of demo time."""
    url = database_url(str(db))
    clock = FixedClock(START)
    engine = create_engine(url)
    migrate(engine)
    run_now(engine, lambda c: demo.create_demo(c, clock.now()))
    engine.dispose()
    app: Any = create_app(
        url, clock=clock, watch_interval_s=None, scenario=scenarios.packaged(), shift_seed=seed
    )
    seen = []
    with TestClient(app) as client:
        rt, player, life = app.state.runtime, app.state.player, app.state.life
        portal = client.portal
        assert portal is not None, "a client in its with block runs the app's event loop"
        for _ in range(hours):
            portal.call(run_for, rt, clock, HOUR_S, player, life)
            seen.append(rt.read_now(each_hour))
    return seen


def pending(connection: Connection, party: str) -> int:
    """Items in ``party``'s pending queue, as its console shows them."""
    return len(queue(connection, party))
