"""Every benchmark in `bench/` runs end to end at a small size: a benchmark nobody can run
measures nothing, and three had stopped at their first step as the models grew (a message's
protocol version, a notice's default sharing, the protocol in force at a time). Their figures
are not asserted here (these machines are shared and noisy), only that each ran, checked what
it checks itself (same answers as its plain loop, proofs verified, canonical bytes equal to
the reference's: it exits otherwise) and gave a verdict on each of its targets."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SMALL = {
    "hotline": "--rate 20 --duration 2 --concurrency 4",
    "ledger": "--entries 1000 --appends 192 --batches 64 --proofs 200 --naive-size 200"
    " --naive-proofs 10 --naive-full 1",
    "conflicts": "--sizes 2000 --notices 50 --baseline 10 --with-store 10",
    "tracks": "--sizes 100 --cycles 3 --warm-up 1 --baseline 100 --batches 2",
    "attachments": "--sizes 1 --repeats 1",
}


def ledger(found: dict[str, Any]) -> None:
    assert found["proofs"]["verified"] == 2 * (200 + 10)
    assert found["audit"]["verified_entries"] == found["audit"]["entries"] >= 1000
    assert [c["what"] for c in found["canonical"]] == [
        "message.sent payload",
        "message.acknowledged payload",
        "envelope",
    ]
    assert all(a["seal_reference_per_s"] > 0 for a in found["appends_full"])


CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {"ledger": ledger}


@pytest.mark.slow
@pytest.mark.parametrize("name", SMALL)
def test_the_bench_runs_and_judges_every_target(name: str, tmp_path: Path) -> None:
    figures = tmp_path / f"{name}.json"
    done = subprocess.run(
        [sys.executable, str(BENCH / f"{name}.py"), *SMALL[name].split(), "--json", str(figures)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    found = json.loads(figures.read_text())
    assert found["targets"], "no target judged"
    assert all(isinstance(v["met"], bool) for v in found["targets"].values())
    CHECKS.get(name, lambda _found: None)(found)
