"""The round report as each viewer takes it away: JSON, a page that fetches nothing, a PDF.

Every byte a viewer gets is searched for what only another party could know: the free text
of TR's blind notices, their count, the names of TR's people.
"""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.demo import AGREEMENT_ID
from clearline.model.report import FEWER_THAN_3
from clearline.model.user import User
from clearline.services.rounds import report
from clearline.services.rounds.figures import report_figures
from tests.conftest import START, Line, warning
from tests.support.theatre import filed, notice, volume
from tests.support.traffic import every_event_type

TITLE = "Baku talks, round 3"
SECRET = "Operation Kestrel over Deir ez-Zor"
VIEWERS = ("il-duty-officer", "tr-duty-officer", "az-mediator")


def rendered(engine: Engine, user: User, end: Any = None) -> tuple[str, str, str]:
    """The JSON (as text), the page and the PDF's extracted text ``user`` is given."""
    with engine.connect() as connection:
        figures = report_figures(connection, AGREEMENT_ID, user, START, end or START + timedelta(1))
    pdf = report.as_pdf(figures, TITLE)
    assert pdf.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return json.dumps(report.as_json(figures)), report.as_html(figures, TITLE), text


def _exercise_cells(page: str, text: str) -> tuple[list[str], list[str]]:
    """The 'exercise' row's cells in the page's notice table, and in the PDF's text."""
    table = page[page.index("<h3>Notices by kind</h3>") :]
    row = re.search(r"<tr><td>exercise</td><td>(.*?)</td><td>(.*?)</td></tr>", table)
    assert row is not None
    lines = text.splitlines()
    at = lines.index("exercise", lines.index("Notices by kind"))
    return list(row.groups()), lines[at + 1 : at + 3]


@pytest.mark.parametrize("count", [1, 2])
def test_nobody_learns_how_many_blind_notices_another_party_filed_nor_what_they_say(
    line: Line, engine: Engine, users: dict[str, User], count: int
) -> None:
    for n in range(count):
        request = notice("exercise", volume(start=2 + n), sharing="blind", free_text=SECRET)
        filed(line, "TR", request)
    for viewer in VIEWERS:
        as_json, page, text = rendered(engine, users[viewer])
        for output in (as_json, page, text):
            assert SECRET not in output and "Kestrel" not in output
            assert "tr-duty-officer" not in output and "Turkish" not in output
        cells, pdf_cells = _exercise_cells(page, text)
        figures = json.loads(as_json)
        if viewer.startswith("tr"):  # its own: in the whole and in its own detail
            assert figures["own"]["notices_by_kind"]["exercise"] == count
            assert cells == pdf_cells == [str(count), str(count)]
        else:
            assert figures["aggregate"]["notices_by_kind"]["exercise"] == FEWER_THAN_3
            assert cells == pdf_cells == [FEWER_THAN_3, FEWER_THAN_3]
            assert f'"exercise": {count}' not in as_json
            assert f"<td>exercise</td><td>{count}<" not in page


def test_a_plot_the_viewer_may_not_see_says_so_instead(
    line: Line, engine: Engine, users: dict[str, User]
) -> None:
    """One FLASH warning acknowledged: IL's page plots it; the mediator's says it may not."""
    sent = line.send("TR", warning(free_text=SECRET))
    assert sent.status_code == 201, sent.text
    line.get("IL", "/v1/messages", box="inbox")
    assert line.post("IL", f"/v1/messages/{sent.json()['id']}/ack").status_code == 200
    hidden = "FLASH: fewer than 3, not plotted"
    _, mediator, _ = rendered(engine, users["az-mediator"])
    assert hidden in mediator
    _, il, _ = rendered(engine, users["il-duty-officer"])
    assert hidden not in il and "Acknowledgement times against the deadline" in il


@pytest.mark.slow
def test_the_pdf_and_the_page_carry_the_figures_and_the_plots(
    line: Line, clock: FixedClock, engine: Engine, users: dict[str, User]
) -> None:
    every_event_type(line, clock)
    end = clock.now() + timedelta(seconds=1)
    with engine.connect() as connection:
        il = report_figures(connection, AGREEMENT_ID, users["il-duty-officer"], START, end)
    as_json, page, text = rendered(engine, users["il-duty-officer"], end)
    assert json.loads(as_json) == report.as_json(il)

    lines = text.splitlines()
    assert TITLE in lines
    assert lines[lines.index("all", lines.index("Messages by type")) + 1] == str(
        il.aggregate.messages
    )
    assert "IL: your own items" in lines
    assert "Line checks" in lines and "Per ISO week" in lines

    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == 2 * len(report.plots.PLOTS)  # the whole and IL's own
    assert set(re.findall(r"https?://[^\"'\s<>)]+", page)) == {"http://www.w3.org/2000/svg"}
    assert not re.search(r"<(link|script|img|iframe)\b", page)
    assert not re.search(r"url\((?!#)", page) and "@import" not in page  # only its own ids
    assert f"<td>all</td><td>{il.aggregate.messages}</td>" in page
