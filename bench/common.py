"""What every benchmark shares: its console, the machine it ran on, figures (nearest-rank
percentiles, latencies in ms), targets marked met or not met, the JSON figures, and the
command-line options they all take.

Beside the benchmarks (``python bench/NAME.py`` puts this folder first on the path, and mypy
finds it there too): ``from common import ...``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import platform
import shutil
import statistics
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from rich.console import Console
from rich.table import Table

console = Console()
"""Where every benchmark prints its progress, tables and verdicts."""


def note(text: str) -> None:
    """A progress line, indented under the step it belongs to."""
    console.print(f"  {text}", highlight=False)


# -- the machine -----------------------------------------------------------------------------


@dataclass(kw_only=True)
class Machine:
    """The machine a run was made on, and how busy it was before the run began: the first
    fields of every benchmark's ``Setting`` (made before the run, so the load is before it)."""

    cpus: int = field(default_factory=lambda: os.cpu_count() or 1)
    python: str = field(default_factory=platform.python_version)
    load_avg_1m_before: float = field(default_factory=lambda: os.getloadavg()[0])

    def describe(self, *versions: str) -> str:
        """``N cores · Python X · <versions> · load average before L``."""
        load = f"load average before {self.load_avg_1m_before:.2f}"
        return " · ".join((f"{self.cpus} cores", f"Python {self.python}", *versions, load))

    def warn_if_busy(self) -> None:
        """Say so when something else was using half the cores or more before the run."""
        if self.load_avg_1m_before > self.cpus / 2:
            console.print("[yellow]the machine was busy before the run: expect lower figures")


@contextlib.contextmanager
def quiet_heap() -> Iterator[None]:
    """Collect, then keep whatever is alive out of the collector's full passes while timing.

    A benchmark holds many objects of its own (requests, the plain loop's lists, a second
    theatre) that a running line does not: a full pass over them is not charged to the code
    timed. What the timed code allocates is collected as usual.
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# -- figures ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0–100) of a non-empty sequence."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Latency:
    """How long something took over many tries: count, median, p99 (nearest rank), max."""

    count: int
    median_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latency:
        """From durations in seconds (at least one)."""
        ms = [s * 1e3 for s in seconds]
        return cls(len(ms), statistics.median(ms), percentile(ms, 99), max(ms))


# -- targets ---------------------------------------------------------------------------------


class Verdict(TypedDict):
    """Whether a target is met, and the figure that says so, as the JSON figures hold it."""

    measured: str
    met: bool


Verdicts = dict[str, Verdict]
"""Verdicts by target, as in ``p99 ≤ 25 ms at 200 msg/s``."""


def verdict(measured: str, met: bool) -> Verdict:
    return {"measured": measured, "met": met}


def targets_table(verdicts: Verdicts, title: str = "targets") -> Table:
    """One row a target: its name, the figure measured, and met (green) or not met (red)."""
    table = Table("target", "measured", "", title=title)
    for name, found in verdicts.items():
        table.add_row(name, found["measured"], "[green]met" if found["met"] else "[red]not met")
    return table


# -- the JSON figures ------------------------------------------------------------------------


def write_figures(path: Path, figures: Mapping[str, Any]) -> None:
    """The figures as indented JSON (UTF-8 as it is, not escaped), and a line saying where."""
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    console.print(f"figures written to {path}")


# -- the command line ------------------------------------------------------------------------


def parser_for(doc: str) -> argparse.ArgumentParser:
    """A benchmark's parser, described by the first paragraph of its docstring."""
    return argparse.ArgumentParser(description=doc.split("\n\n")[0])


def add_common_options(
    parser: argparse.ArgumentParser, *, seed: int | None = None, workdir: bool = False
) -> None:
    """The options benchmarks share, last in their ``--help``: ``--seed`` (where ``seed`` is
    its default), ``--workdir`` (where ``workdir``), and always ``--json FILE``."""
    if seed is not None:
        parser.add_argument("--seed", type=int, default=seed)
    if workdir:
        parser.add_argument("--workdir", type=Path, help="where the temporary folder goes")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")


def int_list(text: str) -> list[int]:
    """An argparse ``type``: comma-separated integers, as a sorted list without repeats."""
    try:
        return sorted({int(n) for n in text.split(",")})
    except ValueError:
        raise argparse.ArgumentTypeError("comma-separated integers") from None


def room_for(workdir: Path | None, need_bytes: float) -> Path:
    """The folder a benchmark's temporary folder goes in (``--workdir``, else the system's),
    once it has ``need_bytes`` free; else the run stops, saying so."""
    base = workdir or Path(tempfile.gettempdir())
    if shutil.disk_usage(base).free < need_bytes:
        raise SystemExit(f"{base} has less than {need_bytes / 1e9:.1f} GB free; try --workdir")
    return base
