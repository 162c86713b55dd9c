"""`bench/ledger.py` runs end to end at a small size: a benchmark nobody can run measures
nothing (it had stopped at its first message when the message model grew a field). Its
figures are not asserted here, only that every proof it timed was verified and every byte of
canonical JSON equalled the reference's, which the bench checks itself and exits on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "ledger.py"
SMALL = "--entries 1000 --appends 192 --batches 64 --proofs 200 --naive-size 200"


@pytest.mark.slow
def test_the_ledger_bench_runs_and_checks_what_it_times(tmp_path: Path) -> None:
    figures = tmp_path / "ledger.json"
    args = [*SMALL.split(), "--naive-proofs", "10", "--naive-full", "1", "--json", str(figures)]
    done = subprocess.run(
        [sys.executable, str(BENCH), *args], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    found = json.loads(figures.read_text())
    assert found["proofs"]["verified"] == 2 * (200 + 10)
    assert found["audit"]["verified_entries"] == found["audit"]["entries"] >= 1000
    assert [c["what"] for c in found["canonical"]] == [
        "message.sent payload",
        "message.acknowledged payload",
        "envelope",
    ]
    assert all(a["seal_reference_per_s"] > 0 for a in found["appends_full"])
