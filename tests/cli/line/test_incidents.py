"""`clearline incident ...` and `clearline verify case.zip`: the Il-20 case filed from the
command line by the party that lost its aircraft, shown with the facts the line computed, moved,
shared and referred, with every refusal one line naming the field; its dossier written to a
file and checked offline, and the same dossier failing, in one line naming what fails, once a
byte of it is changed (with its manifest left as it was, and made to match).

The case needs a fixed clock (its notice was filed 60 s before its window), so the line is the
app in this process on one, played once for the module; the CLI's HTTP calls go to it instead
of a socket. Each test files a case of its own.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from clearline import demo
from clearline.api.app import create_app
from clearline.cli import client
from clearline.clock import FixedClock
from clearline.services.record import signing
from clearline.store.database import create_engine, database_url, migrate
from clearline.store.writer import run_now
from tests.conftest import START, Line
from tests.support.cli import clearline, recorded_otherwise, refused, rows, said
from tests.support.incidents import AIRCRAFT, INCIDENT, Il20, play

URL = "http://testserver"
LIAISON = "liaison_officer"
FILED = re.compile(
    r"incident (\d+): reported, fire_near_forces \(grave\), filed by TR, involving IL"
)
VERIFIED = re.compile(
    r"dossier verified: incident (\d+) for TR, (\d+) ledger entries, (\d+) evidence items, "
    r"(\d+) facts computed again"
)


class Played(Line):
    """The line with the Il-20 case played on it, and the aircraft's track id."""

    il20: Il20

    @property
    def public_key(self) -> str:
        head = self.get("TR", "/v1/ledger/head")
        assert head.status_code == 200, head.text
        return str(head.json()["public_key"])


@pytest.fixture(scope="module")
def line(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Played]:
    """The demo line on a fixed clock, the Il-20 case played once; the CLI's requests go to it."""
    url = database_url(str(tmp_path_factory.mktemp("incidents") / "line.db"))
    engine = create_engine(url)
    migrate(engine)
    clock = FixedClock(START)
    tokens = run_now(engine, lambda c: demo.create_demo(c, clock.now()))
    engine.dispose()
    with (
        TestClient(create_app(url, clock=clock, watch_interval_s=None)) as app,
        pytest.MonkeyPatch.context() as patch,
    ):
        played = Played(app, tokens)
        played.il20 = play(played, clock)

        def in_process(method: str, target: str, timeout: float, **kwargs: Any) -> httpx.Response:
            return app.request(method, target, **kwargs)

        patch.setattr(client.httpx, "request", in_process)
        yield played


def run_as(line: Line, party: str, command: str, *more: str, role: str = LIAISON) -> Result:
    """``clearline COMMAND MORE...`` with that user's token, against the line in this process."""
    return clearline(command, *more, "--token", line.tokens[party][role], "--url", URL)


def filed(line: Played, *more: str) -> int:
    """The Il-20 case filed by TR from the command line, its aircraft's track involved."""
    place = ["--lat", str(AIRCRAFT[0]), "--lon", str(AIRCRAFT[1])]
    printed = said(
        run_as(
            line,
            "TR",
            "incident file --kind fire_near_forces --severity grave --start",
            str(INCIDENT["start"]),
            "--end",
            str(INCIDENT["end"]),
            *place,
            "--track-id",
            str(line.il20.aircraft),
            "--narrative",
            str(INCIDENT["narrative"]),
            *more,
            role="duty_officer",
        )
    ).splitlines()
    found = FILED.fullmatch(printed[0])
    assert found, printed
    number = int(found.group(1))
    assert printed[1].endswith(f"facts: clearline incident show {number}"), printed
    return number


def case(line: Line, party: str, number: int) -> dict[str, Any]:
    """``incident show --json``: the case as ``party`` sees it (the mediator, for AZ)."""
    role = "mediator" if party == "AZ" else LIAISON
    shown = said(run_as(line, party, f"incident show {number} --json", role=role))
    found: dict[str, Any] = json.loads(shown)
    return found


@pytest.mark.parametrize(
    "command",
    [
        "file",
        "list",
        "show",
        "move",
        "narrative",
        "share",
        "refer",
        "ask",
        "answer",
        "finding",
        "position",
        "comment",
        "attach",
        "attachment",
        "dossier",
    ],
)
def test_help_of_every_incident_command_shows_an_example(command: str) -> None:
    shown = " ".join(said(clearline(f"incident {command}", "--help")).split())
    assert f"Example: clearline incident {command}" in shown


def test_a_case_filed_from_the_cli_is_shown_with_the_facts_and_timeline(line: Played) -> None:
    number = filed(line)
    shown = said(run_as(line, "IL", f"incident show {number}", role="duty_officer"))
    lines = shown.splitlines()
    assert lines[:6] == [
        f"incident {number}: reported, fire_near_forces (grave), filed by TR, involving IL",
        "window: 2026-11-22T15:32:00Z to 2026-11-22T15:35:00Z",
        "place: 34.7, 38.27",
        f"tracks: {line.il20.aircraft}",
        "narratives:",
        "  TR (2026-11-22T15:36:40Z):",
    ]
    assert lines[6] == f"    {INCIDENT['narrative']}"
    facts = [text for text in lines if text.startswith("  - ")]
    notice = line.il20.notice["id"]
    assert (
        f"  - notice {notice} (air_strike) of IL was filed 60 s before its window, against a "
        "lead time of 900 s: 840 s late"
    ) in facts
    assert any("TR acknowledged it 240 s after it began" in fact for fact in facts), facts
    assert lines.index("facts:") < lines.index("timeline:")
    warning = next(cells for cells in rows(shown).values() if cells[1] == "message.sent")
    assert warning == [
        "2026-11-22T15:31:00Z",
        "message.sent",
        f"IL sent FLASH warning {line.il20.warning['id']} to TR",
        "TR: acknowledged 2026-11-22T15:36:00Z",
    ]
    raw = case(line, "TR", number)
    assert raw["incident"]["tracks"] == [line.il20.aircraft]
    listed = rows(said(run_as(line, "TR", "incident list")))
    assert listed[str(number)][1:6] == ["fire_near_forces", "grave", "reported", "TR", "TR, IL"]


def test_the_review_moves_in_order_and_a_step_out_of_it_is_one_line(line: Played) -> None:
    number = filed(line)
    early = refused(run_as(line, "IL", f"incident move {number} closed"), "state")
    assert early == f"error: state: incident {number} is reported; next: acknowledged"
    mine = refused(run_as(line, "TR", f"incident move {number} acknowledged"), "state")
    assert "the other party acknowledges" in mine
    assert said(run_as(line, "IL", f"incident move {number} acknowledged")) == (
        f"incident {number}: acknowledged"
    )
    said(run_as(line, "TR", f"incident move {number} under_review"))
    early = refused(run_as(line, "IL", f"incident move {number} findings_agreed"), "state")
    assert early == f"error: state: incident {number} has no finding to agree yet"
    noted = run_as(line, "TR", f"incident move {number} disputed --note", "Not by our clock.")
    assert said(noted) == f"incident {number}: disputed"
    written = run_as(line, "IL", f"incident narrative {number}", "Our notice went out in time.")
    assert said(written) == f"incident {number}: your party's account recorded"
    shown = said(run_as(line, "TR", f"incident show {number}"))
    assert "TR: disputed (Not by our clock.)" in shown
    assert "    Our notice went out in time." in shown.splitlines()
    refused(run_as(line, "IL", f"incident move {number} sideways"), "state")


def test_the_joint_review_from_the_command_line(line: Played) -> None:
    number = filed(line)
    said(run_as(line, "IL", f"incident move {number} acknowledged"))
    said(run_as(line, "TR", f"incident move {number} under_review"))
    asked = run_as(line, "TR", f"incident ask {number}", "Why 60 s ahead?", "--to", "IL")
    assert said(asked) == f"incident {number}: question 1 asked"
    answered = run_as(line, "IL", f"incident answer {number} 1", "Our cell filed it late.")
    assert said(answered) == f"incident {number}: question 1 answered"
    finding = f"incident finding {number} late_or_wrong_notification"
    proposed = run_as(line, "TR", finding, "60 s ahead", "--recommend", "Check lead times")
    assert said(proposed) == f"incident {number}: finding 1 proposed"
    disputed = run_as(line, "IL", f"incident position {number} 1 dispute --note", "On time.")
    assert said(disputed) == f"incident {number}: finding 1: you dispute; not agreed by IL"
    agreed = run_as(line, "IL", f"incident position {number} 1 agree")
    assert said(agreed) == f"incident {number}: finding 1: you agree; agreed by every party"
    shown = said(run_as(line, "TR", f"incident show {number}"))
    assert "finding 1 (late_or_wrong_notification, by TR; IL agree, TR agree): 60 s ahead" in shown
    assert "  recommended: Check lead times" in shown
    said(run_as(line, "IL", f"incident move {number} findings_agreed"))
    said(run_as(line, "TR", f"incident refer {number} --note", "For the record."))
    commented = run_as(line, "AZ", f"incident comment {number}", "Noted.", role="mediator")
    assert said(commented) == f"incident {number}: comment recorded"
    bad = refused(run_as(line, "TR", f"incident finding {number} fate", "x"), "factor")
    assert "fate" in bad
    lonely = run_as(line, "TR", f"{finding}", "x", "--proposal", "1")
    assert (
        refused(lonely, "recommend") == "error: recommend: --proposal goes with a --recommend text"
    )


def test_share_and_refer_refusals_are_one_line_naming_the_field(line: Played) -> None:
    number = filed(line)
    evidence = case(line, "TR", number)["evidence"]
    notice = next(i["seq"] for i in evidence if i["type"] == "notice.filed")
    track = next(i["seq"] for i in evidence if i["type"] == "incident.evidence")
    share = f"incident share {number} --with AZ"
    assert "item" in refused(run_as(line, "TR", f"{share} --item {notice}"), "items.0")
    refused(run_as(line, "TR", share), "items")
    refused(run_as(line, "TR", f"incident share {number} --with RU --narrative"), "with")
    refused(run_as(line, "TR", "incident refer 999999 --note", "Please."), "id")
    refused(run_as(line, "TR", f"incident refer {number} --note", ""), "note")

    referred = said(run_as(line, "TR", f"incident refer {number} --note", "We ask Baku."))
    assert referred.splitlines()[0] == f"incident {number}: referred to AZ"
    again = refused(run_as(line, "IL", f"incident refer {number} --note", "And us."), "incident")
    assert again == f"error: incident: incident {number} was referred already"
    shown = said(run_as(line, "TR", f"{share} --item {track} --narrative"))
    assert shown == f"incident {number}: item {track} and your account shown to AZ"
    theirs = case(line, "AZ", number)
    assert [i["seq"] for i in theirs["evidence"]] == [track]


def test_the_file_options_are_checked_before_anything_is_sent(line: Played) -> None:
    command = "incident file --kind laser --start 2026-11-22T15:32Z --end 2026-11-22T15:35Z"
    refused(run_as(line, "TR", command, "--lat", "34.7"), "place")
    refused(run_as(line, "TR", command, "--lat", "34.7", "--lon", "38.2", "--track", "1"), "place")
    refused(run_as(line, "TR", command, "--radius-m", "500"), "place")
    refused(run_as(line, "TR", command), "place")
    refused(run_as(line, "TR", command, "--lat", "51.5", "--lon", "-0.1"), "place.point")
    refused(run_as(line, "TR", command, "--track", str(line.il20.jet)), "place.track")
    refused(run_as(line, "TR", "incident file --kind alien_abduction"), "--kind")


def test_a_file_attached_from_the_cli_is_shown_fetched_and_shared(
    line: Played, tmp_path: Path
) -> None:
    number = filed(line)
    log = tmp_path / "ew-log.csv"
    log.write_text("time,emitter\n15:01:07,fire-control radar\n", encoding="utf-8")
    sha = hashlib.sha256(log.read_bytes()).hexdigest()
    attached = said(run_as(line, "TR", f"incident attach {number}", str(log))).splitlines()
    found = re.fullmatch(
        rf"incident {number}: ew-log.csv attached as item (\d+), 41 bytes, seen by your "
        r"party alone until shared",
        attached[0],
    )
    assert found and attached[1] == f"sha256 {sha}", attached
    item = found.group(1)
    shown = said(run_as(line, "TR", f"incident show {number}"))
    assert "files:" in shown and sha[:20] in shown.replace("\n", "")

    out = tmp_path / "fetched.csv"
    fetched = said(run_as(line, "TR", f"incident attachment {number} {sha} --out", str(out)))
    assert fetched == f"incident {number}: {out} written, 41 bytes, sha256 checked"
    assert out.read_bytes() == log.read_bytes()
    unseen = run_as(line, "IL", f"incident attachment {number} {sha} --out", str(tmp_path / "x"))
    refused(unseen, "sha256")
    assert not (tmp_path / "x").exists()
    said(run_as(line, "TR", f"incident share {number} --with IL --item {item}"))
    said(run_as(line, "IL", f"incident attachment {number} {sha} --out", str(tmp_path / "x")))


def test_a_file_refused_is_one_line_naming_the_field(line: Played, tmp_path: Path) -> None:
    number = filed(line)
    photo = tmp_path / "scope.png"
    photo.write_bytes(b"%PDF-1.7 not a photo")
    assert "image/png" in refused(
        run_as(line, "TR", f"incident attach {number}", str(photo)), "content"
    )
    page = tmp_path / "page.html"
    page.write_text("<script>", encoding="utf-8")
    refused(run_as(line, "TR", f"incident attach {number}", str(page)), "content_type")
    refused(run_as(line, "TR", f"incident attach {number}", str(tmp_path / "none.csv")), "file")
    typed = run_as(line, "TR", f"incident attach {number}", str(photo), "--type", "application/pdf")
    assert said(typed).splitlines()[0].startswith(f"incident {number}: scope.png attached")


def test_a_file_the_line_records_under_another_hash_is_refused_loudly(
    line: Played, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = filed(line)

    def doctor(answer: Any) -> None:
        for item in answer["evidence"]:
            if item["type"] == "incident.attachment":
                item["payload"]["attachment"]["sha256"] = "0" * 64

    recorded_otherwise(monkeypatch, doctor)
    log = tmp_path / "log.txt"
    log.write_text("minutes", encoding="utf-8")
    refusal = refused(run_as(line, "TR", f"incident attach {number}", str(log)), "sha256")
    assert hashlib.sha256(b"minutes").hexdigest() in refusal


# --- the dossier -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def number(line: Played) -> int:
    """A case of TR's, acknowledged by IL: the one whose dossier these tests check."""
    number = filed(line)
    said(run_as(line, "IL", f"incident move {number} acknowledged"))
    return number


@pytest.fixture(scope="module")
def dossier(line: Played, number: int, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """TR's dossier of that case, written by the CLI."""
    out = tmp_path_factory.mktemp("dossier") / "case.zip"
    written = said(run_as(line, "TR", f"incident dossier {number} --out", str(out)))
    size = out.stat().st_size
    assert written.splitlines() == [
        f"incident {number} dossier written to {out} ({size} bytes)",
        f"check it offline: clearline verify {out} --key KEY",
    ]
    return out


def verify(line: Played, path: Path) -> Result:
    return clearline("verify", str(path), "--key", line.public_key)


def test_a_dossier_written_by_the_cli_verifies_offline(
    line: Played, number: int, dossier: Path
) -> None:
    found = VERIFIED.fullmatch(said(verify(line, dossier)))
    assert found, dossier
    incident, entries, evidence, facts = (int(n) for n in found.groups())
    shown = case(line, "TR", number)
    assert (incident, evidence, facts) == (number, len(shown["evidence"]), len(shown["facts"]))
    assert entries == evidence + 2, "and the two steps TR was told of: filed, acknowledged"


def test_a_dossier_checked_with_another_key_fails(line: Played, dossier: Path) -> None:
    other = signing.public_text(Ed25519PrivateKey.generate())
    failed = refused(clearline("verify", str(dossier), "--key", other), "ledger.json")
    assert failed.endswith("does not verify: ledger.json: the tree head is not signed by this key")


def test_a_dossier_is_checked_on_its_own(line: Played, dossier: Path, tmp_path: Path) -> None:
    given = clearline("verify", str(dossier), "--key", line.public_key, "--receipts", str(tmp_path))
    refused(given, "source")


def test_one_flipped_byte_of_the_case_fails_naming_its_file(
    line: Played, dossier: Path, tmp_path: Path
) -> None:
    files = _files(dossier)
    changed = bytearray(files["case.json"])
    changed[len(changed) // 2] ^= 0x01
    tampered = _zip(tmp_path / "case.zip", {**files, "case.json": bytes(changed)})
    failed = refused(verify(line, tampered), "case.json")
    assert failed.startswith("error: dossier does not verify: case.json: ")


def _lead_time(document: dict[str, Any]) -> str:
    notice = next(i for i in document["evidence"] if i["type"] == "notice.filed")
    notice["payload"]["notice"]["versions"][-1]["late_s"] = 0
    return f"evidence {notice['seq']}"


def _first_fact(document: dict[str, Any]) -> str:
    document["facts"][0]["text"] = document["facts"][0]["text"].replace("840 s late", "on time")
    return "facts.0"


def _receipt(document: dict[str, Any]) -> str:
    warning = next(e for e in document["timeline"] if e["type"] == "message.sent")
    warning["receipts"]["TR"]["acknowledged"] = document["incident"]["start"]
    return "timeline"


@pytest.mark.parametrize("rewrite", [_lead_time, _first_fact, _receipt])
def test_a_case_changed_with_its_manifest_made_to_match_fails_on_the_ledger_checks(
    line: Played, dossier: Path, tmp_path: Path, rewrite: Any
) -> None:
    files = _files(dossier)
    document = json.loads(files["case.json"])
    named = rewrite(document)
    case_json = json.dumps(document).encode()
    manifest = json.loads(files["manifest.json"])
    manifest["files"]["case.json"] = hashlib.sha256(case_json).hexdigest()
    resealed = {**files, "case.json": case_json, "manifest.json": json.dumps(manifest).encode()}
    failed = refused(verify(line, _zip(tmp_path / "case.zip", resealed)), named)
    assert failed.startswith(f"error: dossier does not verify: {named}"), failed


def test_a_ledger_export_still_verifies_as_one(line: Played, tmp_path: Path) -> None:
    """Not a zip: the ledger export's check, with its own refusal."""
    export = tmp_path / "export.jsonl"
    export.write_text('{"format": "nothing of the sort"}\n')
    failed = refused(verify(line, export), "ledger does not verify")
    assert "dossier" not in failed


def _files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    """The files written again as a zip, as a forger would."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    path.write_bytes(out.getvalue())
    return path
