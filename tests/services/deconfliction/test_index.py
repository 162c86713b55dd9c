"""An agreement's index is the store's, in memory: built again from it after a restart."""

from __future__ import annotations

from fastapi.testclient import TestClient

from clearline import demo
from clearline.api.app import create_app
from clearline.clock import FixedClock
from tests.conftest import Line
from tests.support.theatre import filed, notice, volume


def test_the_index_is_rebuilt_from_the_store_after_a_restart(
    db_url: str, tokens: demo.Tokens, clock: FixedClock
) -> None:
    with TestClient(create_app(db_url, clock=clock, watch_interval_s=None)) as client:
        first = Line(client, tokens)
        filed(first, "IL", notice("uav_flight", volume()))
    with TestClient(create_app(db_url, clock=clock, watch_interval_s=None)) as client:
        again = Line(client, tokens)
        filed(again, "TR", notice("uav_flight", volume()))
        assert len(again.conflicts("TR")) == 1
