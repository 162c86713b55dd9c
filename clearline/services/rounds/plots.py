"""The round's plots, drawn on the server with matplotlib, as SVG for pages and PNG for PDFs.

A plot is drawn only from what the viewer may see: the section it is given has passed through
``Cell.shown_to``. A series shown as ``fewer than 3`` is not drawn; the title says so instead.
Figures are built without pyplot (``Figure`` on the Agg canvas), so that no global state or
display is touched and requests may draw at once.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import dates
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from clearline.model.report import FEWER_THAN_3, Section, Shown, Timing

SIZE = (7.0, 3.2)
PNG_DPI = 150
STYLE: Any = {"svg.fonttype": "none", "svg.hashsalt": "clearline", "font.size": 9}
"""Text stays text in SVG (searchable, no glyph paths); ids are stable between runs."""

Plot = Callable[[Section], Figure]


def answer_times(section: Section) -> Figure:
    """Acknowledgement times per precedence, as boxes, with the deadlines as dashed lines."""
    figure, axes = _figure()
    shown, hidden = _series(section.acknowledgement)
    for n, (_, timing) in enumerate(shown, start=1):
        assert isinstance(timing.samples_s, list)
        axes.boxplot([timing.samples_s], positions=[n], widths=0.5)
        for deadline in timing.deadlines_s:
            axes.hlines(deadline, n - 0.4, n + 0.4, colors="tab:red", linestyles="dashed")
    axes.set_xticks(range(1, len(shown) + 1), [p for p, _ in shown])
    axes.set_yscale("log")
    axes.set_ylabel("seconds (log)")
    axes.set_title(_title("Acknowledgement times against the deadline (dashed)", shown, hidden))
    return figure


def weekly(section: Section) -> Figure:
    """Messages and conflicts per ISO week, side by side."""
    figure, axes = _figure()
    series = {"messages": section.weekly_messages, "conflicts": section.weekly_conflicts}
    weeks = list(section.weekly_messages)
    hidden = [name for name, counts in series.items() if FEWER_THAN_3 in counts.values()]
    drawn = [(n, c) for n, c in series.items() if n not in hidden]
    for offset, (name, counts) in enumerate(drawn):
        xs = [i + offset * 0.4 - 0.2 * (len(drawn) - 1) for i in range(len(weeks))]
        axes.bar(xs, [_number(counts[w]) for w in weeks], width=0.4, label=name)
    axes.set_xticks(range(len(weeks)), weeks)
    if drawn:
        axes.legend()
    axes.set_title(_title("Messages and conflicts per ISO week", drawn, hidden))
    return figure


def line_check_times(section: Section) -> Figure:
    """Each answered line check's answer time when it was sent, with the deadline."""
    figure, axes = _figure()
    checks = section.line_checks
    if isinstance(checks.over_time, str):
        axes.set_title(f"Line-check answer times: {checks.over_time}, not plotted")
        return figure
    times = [dates.date2num(datetime.fromisoformat(at)) for at, _ in checks.over_time]
    axes.xaxis_date()
    axes.plot(times, [s for _, s in checks.over_time], "o")
    for deadline in checks.answer.deadlines_s:
        axes.axhline(deadline, color="tab:red", linestyle="dashed")
    axes.set_ylabel("seconds")
    figure.autofmt_xdate()
    title = "Line-check answer times against the deadline (dashed)"
    axes.set_title(title if times else f"{title}: none answered")
    return figure


PLOTS: dict[str, Plot] = {
    "answer_times": answer_times,
    "weekly": weekly,
    "line_check_times": line_check_times,
}


def as_svg(figure: Figure) -> str:
    """An ``<svg>`` element to put inline in a page: no XML prologue, metadata or links."""
    buffer = io.StringIO()
    with matplotlib.rc_context(STYLE):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    return svg.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "").replace(
        "xlink:href", "href"
    )


def as_png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=PNG_DPI)
    return buffer.getvalue()


def svgs(section: Section) -> dict[str, str]:
    """Every plot of ``section``, by name, as inline SVG."""
    return {name: as_svg(plot(section)) for name, plot in PLOTS.items()}


def _figure() -> tuple[Figure, Axes]:
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=SIZE, layout="constrained")
        return figure, figure.add_subplot()


def _series(by: dict[str, Timing]) -> tuple[list[tuple[str, Timing]], list[str]]:
    """The series with samples to draw, and the names of those hidden from the viewer."""
    shown = [(k, t) for k, t in by.items() if isinstance(t.samples_s, list) and t.samples_s]
    hidden = [k for k, t in by.items() if isinstance(t.samples_s, str)]
    return shown, hidden


def _title(title: str, shown: Sequence[tuple[str, object]], hidden: list[str]) -> str:
    if hidden:
        title += f"\n{', '.join(hidden)}: {FEWER_THAN_3}, not plotted"
    return title if shown or hidden else f"{title}: none"


def _number(shown: Shown) -> float:
    assert isinstance(shown, int | float), "only figures the viewer may see are drawn"
    return float(shown)
