"""`clearline round ...` against a real server: the mediator opens a round, a liaison officer
writes its agenda and minutes and attaches a file whose SHA-256 is the file's own, a proposal
is tabled and the mediator closes the round agreeing it; `show` and `list` give it all back.
A hash the line records otherwise is refused loudly, and every bad input is one line naming
the field."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from clearline.model.round import ATTACHMENT_MAX_BYTES
from tests.support.amending import Liaisons
from tests.support.cli import clearline, later, recorded_otherwise, refused, rows, run_as, said
from tests.support.server import Api, demo_line, serve

LIAISON = "liaison_officer"
MEDIATOR = "mediator"
BAKU = "round create --place Baku --from 2026-12-09 --to 2026-12-10"
MINUTES = "Both sides agree an hour's notice.\nTurkey will table it."


@pytest.fixture(scope="module")
def line(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """A fresh demo line: its rounds and proposals are these tests' own."""
    db, tokens = demo_line(tmp_path_factory.mktemp("rounds"))
    with serve(db) as server, Api(server, tokens) as api:
        yield api


def opened(line: Api, *more: str) -> int:
    """The number ``round create`` printed, as the mediator, checking what it says of it."""
    printed = said(run_as(line, "AZ", MEDIATOR, BAKU, *more)).splitlines()
    found = re.fullmatch(
        r"round (\d+): open, at Baku, 2026-12-09 to 2026-12-10, hosted by AZ", printed[0]
    )
    assert found, printed
    return int(found.group(1))


def proposal(line: Api) -> int:
    """An open proposal of TR's, made through the API: tabling is what these tests are about."""
    effective = later(24 * 20).isoformat()
    made = Liaisons(line).proposed(
        "TR", patch={"lead_time_s": {"air_strike": 3_600}}, reason="Baku", effective_at=effective
    )
    return int(made["number"])


@pytest.mark.slow
def test_a_round_is_opened_written_tabled_and_closed_and_shown_whole(
    line: Api, tmp_path: Path
) -> None:
    attendees = ["--attendee", "IL=Head of the liaison unit", "--attendee", "TR=Deputy chief"]
    number = opened(line, *attendees)
    added = said(run_as(line, "IL", LIAISON, f"round agenda {number}", "Notice before strikes"))
    assert added.splitlines()[0] == f"round {number}: agenda item 1: Notice before strikes"
    said(run_as(line, "AZ", MEDIATOR, f"round agenda {number}", "Next round"))
    written = run_as(line, "TR", LIAISON, f"round minutes {number} 1 --text", MINUTES)
    assert said(written) == f"round {number}: minutes of item 1 recorded by TR"
    notes = tmp_path / "next.txt"
    notes.write_text("In Ankara, in March.\n", encoding="utf-8")
    said(run_as(line, "IL", LIAISON, f"round minutes {number} 2 --file", str(notes)))

    pdf = tmp_path / "minutes.pdf"
    pdf.write_bytes(b"%PDF-1.7 signed minutes of the Baku round")
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    attached = said(run_as(line, "IL", LIAISON, f"round attach {number}", str(pdf))).splitlines()
    assert attached == [f"round {number}: minutes.pdf attached, 41 bytes", f"sha256 {sha}"]

    tabled = proposal(line)
    said(run_as(line, "TR", LIAISON, f"round table {number} {tabled}"))
    closed = said(run_as(line, "AZ", MEDIATOR, f"round close {number} --adopted {tabled}"))
    assert closed.splitlines()[0] == f"round {number}: closed, adopted {tabled}"

    shown = said(run_as(line, "IL", "duty_officer", f"round show {number}"))
    assert shown.splitlines()[:3] == [
        f"round {number}: closed, at Baku, 2026-12-09 to 2026-12-10, hosted by AZ",
        "attendees:",
        "  IL: Head of the liaison unit",
    ]
    for expected in (
        "  1. Notice before strikes (added by IL)",
        "     minutes by TR:",
        "       Turkey will table it.",
        "  2. Next round (added by AZ)",
        "       In Ankara, in March.",
        f"tabled: {tabled}",
        f"adopted: {tabled}",
    ):
        assert expected in shown.splitlines(), shown
    assert rows(shown)["minutes.pdf"] == ["minutes.pdf", "41", "application/pdf", "IL", sha]
    listed = rows(said(run_as(line, "TR", "watch_commander", "round list")))
    assert listed[str(number)] == [
        *(str(number), "Baku", "2026-12-09 to 2026-12-10", "AZ", "closed", "2"),
        *(str(tabled), str(tabled)),
    ]


@pytest.mark.slow
def test_a_hash_the_line_records_otherwise_than_the_files_is_refused(
    line: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = opened(line)

    def doctor(answer: Any) -> None:
        answer["attachments"][-1]["sha256"] = "0" * 64

    recorded_otherwise(monkeypatch, doctor)
    notes = tmp_path / "notes.txt"
    notes.write_text("minutes", encoding="utf-8")
    refusal = refused(run_as(line, "IL", LIAISON, f"round attach {number}", str(notes)), "sha256")
    assert hashlib.sha256(b"minutes").hexdigest() in refusal


@pytest.mark.slow
@pytest.mark.parametrize(
    ("party", "role", "command", "field"),
    [
        ("IL", LIAISON, BAKU, "role"),
        ("AZ", MEDIATOR, "round create --place Baku --from 2026-12-09 --to 2026-12-08", "ends_on"),
        ("AZ", MEDIATOR, "round create --place Baku --from 2026-13-01 --to 2026-12-08", "--from"),
        ("AZ", MEDIATOR, f"{BAKU} --attendee IL", "attendee"),
        ("AZ", MEDIATOR, f"{BAKU} --attendee RU=Colonel", "attendees"),
        ("IL", LIAISON, "round attach 1 {dir}/none.pdf", "file"),
        ("IL", LIAISON, "round minutes 1 1", "text"),
        ("IL", LIAISON, "round minutes 1 1 --text x --file {dir}/none.txt", "text"),
        ("IL", LIAISON, "round minutes 1 1 --file {dir}/none.txt", "file"),
        ("IL", LIAISON, "round show 99", "number"),
        ("AZ", MEDIATOR, "round close 99", "number"),
        ("IL", "duty_officer", "round agenda 1 T4", "role"),
    ],
)
def test_bad_input_is_one_line_naming_the_field(
    line: Api, tmp_path: Path, party: str, role: str, command: str, field: str
) -> None:
    refused(run_as(line, party, role, command.format(dir=tmp_path)), field)


def test_a_file_too_big_for_the_line_is_refused_before_it_is_sent(tmp_path: Path) -> None:
    big = tmp_path / "map.tif"
    with big.open("wb") as sparse:
        sparse.truncate(ATTACHMENT_MAX_BYTES + 1)
    unreachable = "--url http://127.0.0.1:9 --token cl_x"
    refusal = refused(clearline(f"round attach 1 {big} {unreachable}"), "file")
    assert refusal == f"error: file: {big} is {ATTACHMENT_MAX_BYTES + 1} bytes; at most 10485760"


@pytest.mark.slow
def test_the_report_is_printed_as_json_and_written_as_a_pdf(line: Api, tmp_path: Path) -> None:
    number = opened(line)
    window = ["--from", "2026-01-01T00:00Z", "--to", "2027-01-01T00:00Z"]
    report = json.loads(said(run_as(line, "TR", LIAISON, f"round report {number}", *window)))
    assert report["viewer_party"] == "TR" and report["own"] is not None
    out = tmp_path / "report.pdf"
    pdf = ["--format", "pdf", "--out", str(out)]
    written = run_as(line, "AZ", MEDIATOR, f"round report {number}", *pdf, *window)
    assert said(written).startswith(f"round {number} report written to {out}")
    pages = PdfReader(out).pages
    assert f"round {number}" in "".join(page.extract_text() for page in pages)


def test_a_pdf_report_needs_a_file_to_go_to(line: Api) -> None:
    refusal = refused(run_as(line, "AZ", MEDIATOR, "round report 1 --format pdf"), "out")
    assert "--out" in refusal
