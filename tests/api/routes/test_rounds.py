"""Rounds of talks through the API: the mediator opens and closes a round; liaison officers and
the mediator write its agenda and minutes, attach files and table proposals; every member reads
it, nobody else learns it exists; each change is an event for every member."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timedelta
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy.engine import Engine

from clearline import demo
from clearline.clock import FixedClock
from tests.conftest import START, Line, add_il_ru, warning
from tests.support.amending import LIAISON, Liaisons
from tests.support.refusals import refused

ROUNDS = f"/v1/agreements/{demo.AGREEMENT_ID}/rounds"
BAKU = {
    "place": "Baku",
    "starts_on": "2026-11-24",
    "ends_on": "2026-11-25",
    "attendees": {"IL": ["Head of the liaison unit"], "TR": ["Deputy chief of staff"]},
}

WINDOW = {"from": "2026-11-20T00:00:00Z", "to": "2026-11-23T00:00:00Z"}


def opened(line: Line, **changes: Any) -> dict[str, Any]:
    answer = line.post("AZ", ROUNDS, "mediator", json={**BAKU, **changes})
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


def done(answer: Any, status: int = 201) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    found: dict[str, Any] = answer.json()
    return found


def test_a_round_is_opened_written_and_closed_with_what_it_agreed(
    line: Line, clock: FixedClock
) -> None:
    round = opened(line)
    assert (round["number"], round["host"], round["state"]) == (1, "AZ", "open")
    path = f"{ROUNDS}/1"
    agenda = {"json": {"title": "Notice before strikes near declared positions"}}
    done(line.post("IL", f"{path}/agenda", LIAISON, **agenda))
    done(line.post("AZ", f"{path}/agenda", "mediator", json={"title": "Next round"}))
    minutes = {"text": "Both sides agree an hour's notice; Turkey will table it."}
    written = done(
        line.client.put(
            f"{path}/agenda/1/minutes", json=minutes, headers=line.headers("TR", LIAISON)
        ),
        200,
    )
    assert [(i["title"][:6], i["added_by"]) for i in written["agenda"]] == [
        ("Notice", "IL"),
        ("Next r", "AZ"),
    ]
    assert (written["agenda"][0]["minutes"], written["agenda"][0]["minutes_by"]) == (
        minutes["text"],
        "TR",
    )

    liaisons = Liaisons(line).register("IL", "TR")
    effective = (clock.now() + timedelta(days=2)).isoformat()
    proposal = liaisons.proposed(
        "TR", patch={"lead_time_s": {"air_strike": 3_600}}, reason="Baku", effective_at=effective
    )
    tabled = done(line.post("TR", f"{path}/tabled", LIAISON, json={"proposal": 1}))
    assert tabled["tabled"] == [proposal["number"]]

    closed = done(line.post("AZ", f"{path}/close", "mediator", json={"adopted": [1]}), 200)
    assert (closed["state"], closed["adopted"]) == ("closed", [1])
    still = line.get("IL", f"/v1/agreements/{demo.AGREEMENT_ID}/proposals/1").json()
    assert still["state"] == "open"  # agreed at the table is not signed on the line


def test_an_attachment_is_kept_whole_and_its_hash_is_on_the_record(line: Line) -> None:
    opened(line)
    content = b"%PDF-1.7 signed minutes of the Baku round"
    answer = line.client.post(
        f"{ROUNDS}/1/attachments",
        params={"name": "minutes.pdf"},
        content=content,
        headers={**line.headers("IL", LIAISON), "Content-Type": "application/pdf"},
    )
    (file,) = done(answer)["attachments"]
    assert file["sha256"] == hashlib.sha256(content).hexdigest() and file["size"] == len(content)
    back = line.get("TR", f"{ROUNDS}/1/attachments/minutes.pdf")
    assert back.content == content and back.headers["content-type"] == "application/pdf"
    events = line.get("TR", "/v1/events", limit=1_000).json()["events"]
    (changed,) = [e for e in events if e["type"] == "round.changed"]
    assert changed["payload"]["change"] == "attachment"
    assert changed["payload"]["round"]["attachments"][0]["sha256"] == file["sha256"]


def test_every_member_is_told_of_each_change(line: Line) -> None:
    opened(line)
    done(line.post("IL", f"{ROUNDS}/1/agenda", LIAISON, json={"title": "T4"}))
    done(line.post("AZ", f"{ROUNDS}/1/close", "mediator", json={}), 200)
    for party, role in (("IL", "duty_officer"), ("TR", "duty_officer"), ("AZ", "mediator")):
        events = line.get(party, "/v1/events", role, limit=1_000).json()["events"]
        types = [e["type"] for e in events if e["type"].startswith("round.")]
        assert types == ["round.opened", "round.changed", "round.closed"]


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("party", "role"), [("IL", "liaison_officer"), ("TR", "duty_officer"), ("IL", "auditor")]
)
def test_only_the_mediator_opens_a_round(line: Line, engine: Engine, party: str, role: str) -> None:
    refusal = refused(engine, lambda: line.post(party, ROUNDS, role, json=BAKU))
    assert (refusal.status, refusal.field) == (403, "role")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": "2026-11-23"}, "ends_on"),
        ({"attendees": {"RU": ["Colonel"]}}, "attendees"),
        ({"place": ""}, "place"),
    ],
)
def test_a_round_that_does_not_hold_is_refused(
    line: Line, engine: Engine, changes: dict[str, Any], field: str
) -> None:
    request = {**BAKU, **changes}
    refusal = refused(engine, lambda: line.post("AZ", ROUNDS, "mediator", json=request))
    assert (refusal.status, refusal.field) == (422, field)


def test_the_watch_reads_rounds_but_does_not_write_them(line: Line, engine: Engine) -> None:
    opened(line)
    assert line.get("IL", f"{ROUNDS}/1").status_code == 200
    item = {"title": "T4"}
    refusal = refused(engine, lambda: line.post("IL", f"{ROUNDS}/1/agenda", json=item))
    assert (refusal.status, refusal.field) == (403, "role")


def test_a_closed_round_takes_no_more_and_adopts_only_what_it_tabled(
    line: Line, engine: Engine
) -> None:
    opened(line)
    untabled = refused(
        engine, lambda: line.post("AZ", f"{ROUNDS}/1/close", "mediator", json={"adopted": [4]})
    )
    assert (untabled.status, untabled.field) == (422, "adopted")
    done(line.post("AZ", f"{ROUNDS}/1/close", "mediator", json={}), 200)
    late = refused(
        engine, lambda: line.post("IL", f"{ROUNDS}/1/agenda", LIAISON, json={"title": "x"})
    )
    assert (late.status, late.field) == (409, "number")


def test_tabling_needs_an_open_proposal_and_minutes_an_item(line: Line, engine: Engine) -> None:
    opened(line)
    missing = refused(
        engine, lambda: line.post("TR", f"{ROUNDS}/1/tabled", LIAISON, json={"proposal": 9})
    )
    assert (missing.status, missing.field) == (404, "proposal")
    headers = line.headers("TR", LIAISON)
    no_item = refused(
        engine,
        lambda: line.client.put(
            f"{ROUNDS}/1/agenda/3/minutes", json={"text": "x"}, headers=headers
        ),
    )
    assert (no_item.status, no_item.field) == (404, "item")


@pytest.mark.parametrize(
    ("name", "media_type", "content", "status", "field"),
    [
        ("../x", "text/plain", b"x", 422, "name"),
        ("minutes.txt", "text/plain", b"", 422, "content"),
        ("minutes.zip", "application/zip", b"PK\x03\x04", 422, "content_type"),
        ("minutes.png", "image/png", b"%PDF-1.7 minutes", 422, "content"),
        ("minutes.txt", "text/plain", b"\xff\xfe minutes", 422, "content"),
        ("minutes.pdf", "application/pdf", b"%PDF-1.7" + bytes(10 * 1024 * 1024), 413, "content"),
    ],
)
def test_a_bad_name_an_empty_file_one_not_its_type_or_too_big_is_refused(
    line: Line, engine: Engine, name: str, media_type: str, content: bytes, status: int, field: str
) -> None:
    opened(line)
    headers = {**line.headers("IL", LIAISON), "Content-Type": media_type}
    refusal = refused(
        engine,
        lambda: line.client.post(
            f"{ROUNDS}/1/attachments", params={"name": name}, content=content, headers=headers
        ),
    )
    assert (refusal.status, refusal.field) == (status, field)


def test_another_agreements_party_learns_nothing_of_a_round(
    line: Line, engine: Engine, clock: FixedClock, tokens: demo.Tokens
) -> None:
    add_il_ru(engine, tokens, clock)
    opened(line)
    for path in (ROUNDS, f"{ROUNDS}/1"):
        answer = line.get("RU", path)
        assert answer.status_code == 404 and answer.json()["field"] == "agreement_id"
    seen = line.get("RU", "/v1/events", limit=1_000).text
    assert "Baku" not in seen and "Deputy chief of staff" not in seen


# --- the report ---------------------------------------------------------------------------------


def test_the_report_covers_the_line_since_the_agreement_began_until_the_round(
    line: Line, clock: FixedClock
) -> None:
    sent = line.send("TR", warning(precedence="FLASH"))
    assert sent.status_code == 201
    clock.advance(3 * 86_400)
    opened(line, starts_on=clock.now().date().isoformat(), ends_on=clock.now().date().isoformat())
    report = done(line.get("AZ", f"{ROUNDS}/1/report", "mediator"), 200)
    midnight = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    window = (datetime.fromisoformat(report["start"]), datetime.fromisoformat(report["end"]))
    assert window == (START, midnight)
    assert report["aggregate"]["messages_by_precedence"]["FLASH"] == "fewer than 3"
    assert report["own"] is None  # a mediator has no party's detail of its own
    own = done(line.get("TR", f"{ROUNDS}/1/report"), 200)["own"]
    assert own["messages_by_precedence"]["FLASH"] == 1


def test_the_report_is_a_page_with_its_plots_and_a_pdf_with_its_figures(line: Line) -> None:
    opened(line)
    page = line.get("IL", f"{ROUNDS}/1/report", format="html", **WINDOW)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<svg" in page.text
    pdf = line.get("IL", f"{ROUNDS}/1/report", format="pdf", **WINDOW)
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "round 1" in text


def test_a_window_that_ends_before_it_starts_is_refused(line: Line, engine: Engine) -> None:
    opened(line)
    backwards = {"from": "2026-11-23T00:00:00Z", "to": "2026-11-22T00:00:00Z"}
    refusal = refused(engine, lambda: line.get("IL", f"{ROUNDS}/1/report", **backwards))
    assert (refusal.status, refusal.field) == (422, "to")
