"""The node's health for its operator: ``/readyz`` fails, saying why, when the watch stops
finishing rounds or the database does not answer; ``/metrics`` gives the line's figures to an
operator while a warning is sent, escalated and acknowledged, and nothing to a party."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from clearline import demo
from clearline.api.app import create_app
from clearline.clock import FixedClock
from clearline.runtime import loops
from tests.conftest import Line, warning


def scrape(
    line: Line, operator: dict[str, str]
) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = line.client.get("/metrics", headers=operator)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def test_the_figures_follow_a_warning_from_sending_to_acknowledgement(
    line: Line, clock: FixedClock, operator: dict[str, str]
) -> None:
    flash = (("precedence", "FLASH"),)
    before = scrape(line, operator)
    assert before[("clearline_unacknowledged", flash)] == 0
    sent = line.send("TR", warning(to="IL", free_text="SECRET-WARNING-41"))
    assert sent.status_code == 201, sent.text
    clock.advance(60)
    line.watch()
    during = scrape(line, operator)
    assert during[("clearline_messages_total", (("precedence", "FLASH"), ("type", "warning")))] == 1
    assert during[("clearline_unacknowledged", flash)] == 1
    assert during[("clearline_overdue", flash)] == 0
    assert during[("clearline_ledger_entries", ())] > before[("clearline_ledger_entries", ())]
    clock.advance(90)  # past FLASH's 2 minutes, and the ladder is tried
    line.watch()
    assert scrape(line, operator)[("clearline_overdue", flash)] == 1
    message_id = sent.json()["id"]
    acked = line.post("IL", f"/v1/messages/{message_id}/ack", "watch_commander")
    assert acked.status_code == 200, acked.text
    after = scrape(line, operator)
    assert after[("clearline_unacknowledged", flash)] == 0
    assert after[("clearline_overdue", flash)] == 0
    assert after[("clearline_acknowledgement_seconds_count", flash)] == 1
    assert after[("clearline_acknowledgement_seconds_sum", flash)] == 150
    assert after[("clearline_acknowledgement_seconds_bucket", (("le", "120.0"), *flash))] == 0
    assert after[("clearline_acknowledgement_seconds_bucket", (("le", "300.0"), *flash))] == 1
    assert after[("clearline_writer_batch_seconds_count", ())] >= 3
    assert after[("clearline_sweep_seconds_count", ())] >= 1


def test_the_figures_are_the_operators_alone(line: Line, operator: dict[str, str]) -> None:
    line.send("TR", warning(to="IL", free_text="SECRET-WARNING-41"))
    for party in ("IL", "TR", "AZ"):
        for role in line.tokens[party]:
            answer = line.get(party, "/metrics", role)
            assert answer.status_code == 403, (party, role, answer.text)
            assert answer.json()["field"] == "role"
    assert line.client.get("/metrics").status_code == 401
    assert "SECRET-WARNING-41" not in line.client.get("/metrics", headers=operator).text


@pytest.fixture
def running(sqlite_url: str, tokens: demo.Tokens) -> Iterator[TestClient]:
    """A node whose loops run, every 50 ms, on the real clock."""
    app = create_app(sqlite_url, watch_interval_s=0.05)
    with TestClient(app) as client:
        yield client


def until(client: TestClient, status: int, timeout_s: float = 5.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        answer = client.get("/readyz")
        if answer.status_code == status or time.monotonic() > deadline:
            assert answer.status_code == status, answer.text
            return dict(answer.json())
        time.sleep(0.02)


def test_a_node_is_ready_once_its_loops_run_and_not_once_its_watch_stops_finishing(
    running: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert until(running, 200) == {"status": "ready"}

    async def failing(_rt: object) -> int:
        raise RuntimeError("the watch's step failed")

    monkeypatch.setattr(loops, "watch", failing)  # logged and retried: the loop lives, stalled
    refused = until(running, 503)
    assert refused["error"] == "unavailable" and refused["field"] == "scheduler"
    assert refused["reason"].startswith("the watch has not finished a round for")
    assert running.get("/healthz").status_code == 200  # alive, not ready
    monkeypatch.undo()
    assert until(running, 200) == {"status": "ready"}


def test_a_node_whose_database_does_not_answer_is_not_ready(
    running: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    until(running, 200)
    rt = running.app.state.runtime  # type: ignore[attr-defined]

    async def unreachable(_operation: object) -> None:
        raise sa.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(rt, "read", unreachable)
    refused = until(running, 503)
    assert refused["field"] == "database"
    assert refused["reason"].startswith("unreachable: OperationalError")
