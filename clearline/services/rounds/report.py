"""A round's figures as a viewer takes them into the talks: JSON, a self-contained HTML page
and a PDF.

All three render the ``RoundFigures`` they are given, already cut to one viewer: nothing here
reads the store or decides what a viewer may see. The page makes no requests (inline CSS and
SVG, and a policy that forbids any fetch), so it may be mailed or opened where no network is;
the PDF carries the same tables and plots, and its text can be searched and extracted.
"""

from __future__ import annotations

import html
import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus.tables import TableStyle

from clearline.model.report import RoundFigures, Section, Shown, Timing
from clearline.services.rounds import plots

Rows = list[list[str]]
TableData = tuple[str, list[str], Rows]
"""A table: its heading, its column names and its rows, as both renderings print them."""

TIMING_COLUMNS = ["Count", "Median s", "90th pct s", "Max s", "In time", "Deadline s"]

CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { border-bottom: 1px solid #999; margin-top: 2.5rem; }
h3 { font-size: 1rem; margin-top: 1.5rem; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #eee; }
figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; }
.meta { color: #555; }
"""
POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def as_json(figures: RoundFigures) -> dict[str, Any]:
    """The figures as JSON values (times as ISO 8601), as the API would answer them."""
    return figures.model_dump(mode="json")


def as_html(figures: RoundFigures, title: str) -> str:
    """One page with everything inline: it fetches nothing, not even a font."""
    body = [f"<h1>{_e(title)}</h1>", *(f'<p class="meta">{_e(m)}</p>' for m in _meta(figures))]
    for heading, section in _sections(figures):
        body.append(f"<h2>{_e(heading)}</h2>")
        body.extend(_html_table(table) for table in tables(section))
        body.extend(f"<figure>{svg}</figure>" for svg in plots.svgs(section).values())
    head = (
        f'<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="{POLICY}">'
        f"<title>{_e(title)}</title><style>{CSS}</style>"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head>{head}</head><body>{"".join(body)}</body></html>\n'
    )


def as_pdf(figures: RoundFigures, title: str) -> bytes:
    """An A4 PDF of the same tables and plots (PNG at ``plots.PNG_DPI``)."""
    styles = getSampleStyleSheet()
    story: list[Flowable] = [Paragraph(_e(title), styles["Title"])]
    story += [Paragraph(_e(m), styles["Normal"]) for m in _meta(figures)]
    for heading, section in _sections(figures):
        story += [Spacer(1, 0.5 * cm), Paragraph(_e(heading), styles["Heading1"])]
        for table in tables(section):
            story += _pdf_table(table, styles)
        for plot in plots.PLOTS.values():
            story.append(_pdf_image(plots.as_png(plot(section))))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="Clearline")
    document.build(story)
    return buffer.getvalue()


def tables(section: Section) -> list[TableData]:
    """The section's figures as tables, the same in the page and the PDF."""
    return [
        _counts("Messages by type", "Type", section.messages_by_type, section.messages),
        _counts("Messages by precedence", "Precedence", section.messages_by_precedence),
        _timings("Acknowledgement times", section.acknowledgement),
        _timings("Answer times", section.answer),
        _counts("Escalations by highest level", "Level", section.escalations_by_level),
        _line_checks(section),
        _notices(section),
        _counts("Conflicts by source", "Source", section.conflicts_by_source, section.conflicts),
        _counts("Conflicts by severity", "Severity", section.conflicts_by_severity),
        _counts("Conflicts by outcome", "State", section.conflicts_by_state),
        _timings("Time to resolution", {"resolved or closed": section.resolution}),
        _counts("Encounters by highest alert level", "Level", section.encounters_by_level),
        _counts("Incidents by kind", "Kind", section.incidents_by_kind),
        _counts("Incidents by state of review", "State", section.incidents_by_state),
        _suspensions(section),
        _weekly(section),
    ]


def _sections(figures: RoundFigures) -> list[tuple[str, Section]]:
    whole = "All parties" if figures.mediator else "All parties, as you may see them"
    found = [(whole, figures.aggregate)]
    if figures.own is not None:
        found.append((f"{figures.viewer_party}: your own items", figures.own))
    return found


def _meta(figures: RoundFigures) -> list[str]:
    versions = ", ".join(
        f"version {p.version} (in force from {p.effective_at:%Y-%m-%d %H:%M} UTC)"
        for p in figures.protocols
    )
    return [
        f"Agreement {figures.agreement_id}, from {figures.start.isoformat()} "
        f"to {figures.end.isoformat()} (end not included).",
        f"Prepared for {figures.viewer_party}"
        + (" (mediator)." if figures.mediator else ".")
        + " A figure resting on one or two items you may not see reads 'fewer than 3'.",
        f"Protocol: {versions}.",
    ]


def _counts(
    heading: str, key: str, counts: dict[str, Shown], total: Shown | None = None
) -> TableData:
    rows = [[k, _fmt(v)] for k, v in counts.items()]
    if total is not None:
        rows.append(["all", _fmt(total)])
    return heading, [key, "Count"], rows


def _timing_row(name: str, timing: Timing) -> list[str]:
    stats = [timing.count, timing.median_s, timing.p90_s, timing.max_s]
    deadlines = ", ".join(str(d) for d in timing.deadlines_s) or "–"
    return [name, *(_fmt(s) for s in stats), _share(timing.within_deadline), deadlines]


def _timings(heading: str, by: dict[str, Timing]) -> TableData:
    rows = [_timing_row(k, t) for k, t in by.items()]
    return heading, ["", *TIMING_COLUMNS], rows


def _line_checks(section: Section) -> TableData:
    checks = section.line_checks
    counts = [_fmt(checks.sent), _fmt(checks.answered), _fmt(checks.missed)]
    answer = _timing_row("", checks.answer)[2:]
    columns = ["Sent", "Answered", "Missed", *TIMING_COLUMNS[1:]]
    return "Line checks", columns, [counts + answer]


def _notices(section: Section) -> TableData:
    rows = [
        [kind, _fmt(count), _fmt(section.late_notices_by_kind.get(kind, 0))]
        for kind, count in section.notices_by_kind.items()
    ]
    rows.append(["all", _fmt(section.notices), _fmt(section.late_notices)])
    return "Notices by kind", ["Kind", "Filed", "Late"], rows


def _suspensions(section: Section) -> TableData:
    s = section.suspensions
    return (
        "Line suspensions",
        ["Count", "Total s", "Longest s"],
        [[_fmt(s.count), _fmt(s.total_s), _fmt(s.longest_s)]],
    )


def _weekly(section: Section) -> TableData:
    rows = [
        [week, _fmt(count), _fmt(section.weekly_conflicts.get(week, 0))]
        for week, count in section.weekly_messages.items()
    ]
    return "Per ISO week", ["Week", "Messages", "Conflicts"], rows


def _fmt(shown: Shown) -> str:
    if shown is None:
        return "–"
    if isinstance(shown, float) and not shown.is_integer():
        return f"{shown:.1f}"
    if isinstance(shown, float):
        return str(int(shown))
    return str(shown)


def _share(shown: Shown) -> str:
    return f"{shown:.0%}" if isinstance(shown, float) else _fmt(shown)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _html_table(table: TableData) -> str:
    heading, columns, rows = table
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in rows)
    return (
        f"<h3>{_e(heading)}</h3><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _pdf_table(table: TableData, styles: Any) -> list[Flowable]:
    heading, columns, rows = table
    grid = Table([columns, *rows], hAlign="LEFT", repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ]
        )
    )
    return [Paragraph(_e(heading), styles["Heading3"]), grid]


def _pdf_image(png: bytes) -> Image:
    width = 16 * cm
    return Image(io.BytesIO(png), width=width, height=width * plots.SIZE[1] / plots.SIZE[0])
