"""Figures every benchmark reports the same way: nearest-rank percentiles and latencies in ms.

Beside the benchmarks (``python bench/NAME.py`` puts this folder first on the path).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Latency:
    count: int
    median_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, seconds: list[float]) -> Latency:
        ms = [s * 1e3 for s in seconds]
        return cls(len(ms), statistics.median(ms), percentile(ms, 99), max(ms))
