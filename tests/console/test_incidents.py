"""The incidents pane in Chromium, against a real line on which the Il-20 case was played: the
Turkish duty officer reads what the record shows (the notice 840 s late, the warning and its
late acknowledgement) and replays the tracks; Israel's liaison officer acknowledges the case;
a Hebrew reader gets it mirrored; the mediator sees nothing until it is referred; and nothing
of Israel's blind jet reaches Turkey's page."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, expect

from clearline.api.app import create_app
from clearline.cli.options import key_path
from clearline.clock import FixedClock
from clearline.services.record import signing
from clearline.store.database import database_url
from tests.console.conftest import Console, screenshot, set_passwords, user_names
from tests.support.incidents import INCIDENT, START, Il20, jet, play
from tests.support.server import Api, Tokens, demo_line, serve
from tests.support.theatre import Files
from tests.support.tracks import Reports

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WAIT_MS = 5_000
JET = jet(0)
"""Where Israel's blind jet was, all along: Turkey never sees it."""
NOTE = "<b>Baku</b> & the lead times"


class InProcess(Files, Reports):
    """The line's app in this process on a fixed clock, as the case's scenario plays it."""

    def __init__(self, client: TestClient, tokens: Tokens) -> None:
        self.client = client
        self.tokens = tokens


def played(db: Path, tokens: Tokens) -> Il20:
    """The Il-20 case on the line's store, on the fixed clock, signed with the line's key."""
    clock = FixedClock(START)
    key = signing.load_key(key_path(str(db), None))
    app = create_app(database_url(str(db)), clock=clock, watch_interval_s=None, key=key)
    with TestClient(app) as client:
        return play(InProcess(client, tokens), clock)


@contextlib.contextmanager
def console_after_the_case(tmp_path: Path, browser: Browser) -> Iterator[tuple[Console, Il20]]:
    db, tokens = demo_line(tmp_path)
    set_passwords(db, user_names(tokens))
    case = played(db, tokens)
    with serve(db) as server, Api(server, tokens) as api:
        console = Console(server, api, browser)
        try:
            yield console, case
        finally:
            console.close()


@pytest.fixture
def line(tmp_path: Path, browser: Browser) -> Iterator[tuple[Console, Il20]]:
    with console_after_the_case(tmp_path, browser) as found:
        yield found


def done(answer: Any, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    found: dict[str, Any] = answer.json()
    return found


def filed_by_turkey(console: Console, case: Il20) -> dict[str, Any]:
    """TR files the case through the API, naming its aircraft: the case as TR sees it."""
    request = {**INCIDENT, "tracks": [case.aircraft]}
    return done(console.api.post("TR", "/v1/incidents", json=request), 201)


def opened(page: Page, incident_id: int) -> None:
    page.get_by_test_id(f"open-incident-{incident_id}").click()
    expect(page.get_by_test_id("incident-case")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_test_id("incident-case")).to_have_attribute("data-id", str(incident_id))


def marker_at(page: Page, track_id: int) -> tuple[float, float, str, str]:
    """Where a track's marker is drawn on the replay map, and the position the pane names."""
    box = page.locator(f"path.replay-marker.track-{track_id}").bounding_box()
    assert box is not None
    row = page.get_by_test_id(f"replay-position-{track_id}")
    lat, lon = row.get_attribute("data-lat"), row.get_attribute("data-lon")
    assert lat and lon
    return box["x"], box["y"], lat, lon


def warning_entry(view: dict[str, Any], warning_id: int) -> dict[str, Any]:
    return next(
        e
        for e in view["timeline"]
        if e["type"] == "message.sent" and f"warning {warning_id} " in e["text"]
    )


def test_the_duty_officer_reads_the_record_and_replays_the_tracks(
    line: tuple[Console, Il20],
) -> None:
    console, case = line
    view = filed_by_turkey(console, case)
    incident_id = view["incident"]["id"]
    turkey = console.sign_in("tr-duty-officer")

    expect(turkey.get_by_test_id("incidents-pane")).to_be_visible()
    listed = turkey.get_by_test_id(f"incident-{incident_id}")
    expect(listed).to_have_attribute("data-state", "reported")
    expect(listed).to_have_attribute("data-severity", "grave")
    expect(listed).to_contain_text("Kuvvetlerimizin yakınına atış")  # in Turkish
    expect(listed).to_contain_text("2026-11-22 15:32:00Z")
    opened(turkey, incident_id)

    facts = turkey.get_by_test_id("facts")
    expect(facts.locator("[data-kind=notice_lead]")).to_contain_text("840 s late")
    expect(facts.locator("[data-kind=acknowledgement]")).to_contain_text("180 s past its deadline")

    # The warning, with Turkey's acknowledgement beside it, from Turkey's own entry.
    entry = warning_entry(view, case.warning["id"])
    warning = turkey.get_by_test_id(f"timeline-{entry['seq']}")
    expect(warning).to_contain_text(f"IL sent FLASH warning {case.warning['id']} to TR")
    receipt = warning.get_by_test_id("receipt-TR")
    expect(receipt).to_have_attribute("data-acknowledged", entry["receipts"]["TR"]["acknowledged"])
    expect(receipt).to_contain_text("onaylandı")
    expect(receipt).to_contain_text("15:36:00Z")

    # The slider moves the Il-20 along its orbit.
    slider = turkey.get_by_test_id("replay-slider")
    slider.press("Home")
    expect(turkey.get_by_test_id("replay-time")).to_contain_text("2026-11-22 15:30:00Z")
    first = marker_at(turkey, case.aircraft)
    for _ in range(60):
        slider.press("ArrowRight")  # a minute on
    expect(turkey.get_by_test_id("replay-time")).to_contain_text("2026-11-22 15:31:00Z")
    later = marker_at(turkey, case.aircraft)
    assert later[2:] != first[2:], "the pane names the same position a minute later"
    assert later[:2] != first[:2], "the marker did not move on the map"

    # Turkey filed it: the other party acknowledges, so Turkey has no such button.
    expect(turkey.get_by_test_id("move-acknowledged")).to_have_count(0)
    dossier = turkey.get_by_test_id("dossier")
    href = dossier.get_attribute("href")
    assert href == f"/v1/incidents/{incident_id}/dossier"
    zipped = turkey.request.get(f"{console.server.url}{href}")
    assert zipped.ok and zipped.headers["content-type"] == "application/zip"

    # Israel's liaison officer acknowledges; Turkey's console follows live.
    israel = console.sign_in("il-liaison-officer")
    opened(israel, incident_id)
    israel.get_by_test_id("incident-note").fill("Received; our log follows.")
    israel.get_by_test_id("move-acknowledged").click()
    expect(israel.get_by_test_id("incident-case")).to_have_attribute(
        "data-state", "acknowledged", timeout=WAIT_MS
    )
    expect(israel.get_by_test_id("move-acknowledged")).to_have_count(0)
    expect(listed).to_have_attribute("data-state", "acknowledged", timeout=WAIT_MS)
    expect(turkey.get_by_test_id("incident-state")).to_have_text("diğer tarafça teyit edildi")
    expect(turkey.get_by_test_id("move-under_review")).to_be_visible()
    expect(turkey.get_by_test_id("timeline")).to_contain_text("Received; our log follows.")
    stored = done(console.api.get("TR", f"/v1/incidents/{incident_id}"))
    assert stored["incident"]["state"] == "acknowledged"
    assert stored["incident"]["history"][-1]["by"] == "IL"
    turkey.get_by_test_id("replay-slider").press("Home")
    turkey.get_by_test_id("incident-case").evaluate("node => node.scrollTo(0, 0)")
    screenshot(turkey, "console-incident")


def test_a_hebrew_reader_gets_the_case_mirrored(line: tuple[Console, Il20]) -> None:
    console, case = line
    incident_id = filed_by_turkey(console, case)["incident"]["id"]
    israel = console.sign_in("il-duty-officer")

    assert israel.locator("html").get_attribute("dir") == "rtl"
    pane = israel.get_by_test_id("incidents-pane")
    expect(pane.locator("h2")).to_have_text("אירועים")
    listed = israel.get_by_test_id(f"incident-{incident_id}")
    expect(listed).to_contain_text("ירי בקרבת כוחותינו")
    expect(listed).to_contain_text("חמור ביותר")
    opened(israel, incident_id)

    panel = israel.get_by_test_id("incident-case")
    assert panel.evaluate("node => getComputedStyle(node).direction") == "rtl"
    expect(israel.get_by_test_id("incident-state")).to_have_text("דווח")
    expect(israel.get_by_test_id("move-acknowledged")).to_have_text("אישור קבלה")
    expect(panel.locator(".incident-timeline h3")).to_have_text("ציר זמן")
    expect(panel.locator(".incident-replay h3")).to_have_text("שחזור המסלולים")
    # The line's figures stay in English, left to right, inside the mirrored page.
    fact = israel.get_by_test_id("facts").locator("[data-kind=notice_lead] bdi")
    expect(fact).to_have_attribute("dir", "ltr")
    expect(fact).to_contain_text("840 s late")
    # The account Turkey typed is shown as text.
    expect(israel.get_by_test_id("account-TR")).to_have_text(str(INCIDENT["narrative"]))
    panel.evaluate("node => node.scrollTo(0, 0)")
    screenshot(israel, "console-incident-he")


def test_the_mediator_sees_nothing_until_the_case_is_referred(
    line: tuple[Console, Il20],
) -> None:
    console, case = line
    incident_id = filed_by_turkey(console, case)["incident"]["id"]
    mediator = console.sign_in("az-mediator")

    expect(mediator.get_by_test_id("incidents-pane")).to_be_visible()
    expect(mediator.get_by_test_id("incident-list").locator(".empty")).to_be_visible()
    expect(mediator.locator("li.incident")).to_have_count(0)
    path = f"/v1/incidents/{incident_id}"
    assert console.api.get("AZ", path, "mediator").status_code == 404

    # Turkey refers it, with a note a person typed (markup in it stays text).
    referral = {"note": NOTE}
    done(console.api.post("TR", f"{path}/referral", "liaison_officer", json=referral))
    listed = mediator.get_by_test_id(f"incident-{incident_id}")
    expect(listed).to_be_visible(timeout=WAIT_MS)
    opened(mediator, incident_id)
    shown = mediator.get_by_test_id("referral")
    expect(shown).to_contain_text(NOTE)
    expect(shown.locator("b")).to_have_count(0)
    # A referral opens the case, not the evidence: no figures, no tracks, no steps to take.
    expect(mediator.get_by_test_id("facts").locator(".fact")).to_have_count(0)
    expect(mediator.get_by_test_id("replay-positions").locator(".empty")).to_be_visible()
    expect(mediator.locator("[data-testid^=move-]")).to_have_count(0)
    expect(mediator.get_by_test_id("refer-form")).to_have_count(0)


def blind_coordinates(html: str) -> list[str]:
    """The jet's latitude or longitude anywhere in a page, however it is written."""
    found = []
    for value in (JET["lat"], JET["lon"]):
        whole, decimals = f"{value:.2f}".split(".")
        pattern = rf"(?<![\d.]){whole}\.{decimals}\d*"
        found += re.findall(pattern, html)
    return found


def test_none_of_israels_blind_jet_reaches_turkeys_page(line: tuple[Console, Il20]) -> None:
    console, case = line
    incident_id = filed_by_turkey(console, case)["incident"]["id"]

    def replayed(name: str) -> Page:
        page = console.sign_in(name)
        opened(page, incident_id)
        slider = page.get_by_test_id("replay-slider")
        for key in ("Home", "PageUp", "PageUp", "End"):
            slider.press(key)
        return page

    # Israel, which reported the jet, sees it in the replay: the search finds it there.
    israel = replayed("il-liaison-officer")
    expect(israel.get_by_test_id(f"replay-position-{case.jet}")).to_be_visible()
    israel.get_by_test_id("replay-slider").press("Home")
    assert blind_coordinates(israel.content())

    turkey = replayed("tr-duty-officer")
    expect(turkey.get_by_test_id(f"replay-position-{case.aircraft}")).to_be_visible()
    expect(turkey.get_by_test_id(f"replay-position-{case.jet}")).to_have_count(0)
    assert blind_coordinates(turkey.content()) == []
    answer = turkey.request.get(f"{console.server.url}/v1/incidents/{incident_id}")
    assert answer.ok and blind_coordinates(answer.text()) == []


def test_the_parties_agree_a_finding_and_answer_a_question(line: tuple[Console, Il20]) -> None:
    console, case = line
    incident_id = filed_by_turkey(console, case)["incident"]["id"]
    path = f"/v1/incidents/{incident_id}"
    done(console.api.post("IL", f"{path}/state", json={"state": "acknowledged"}))
    done(console.api.post("TR", f"{path}/state", json={"state": "under_review"}))
    turkey = console.sign_in("tr-duty-officer")
    opened(turkey, incident_id)
    expect(turkey.get_by_test_id("incident-case")).to_have_attribute("data-state", "under_review")
    # No finding yet: nothing to agree.
    expect(turkey.get_by_test_id("findings")).to_contain_text("Bulgu önerilmedi.")
    expect(turkey.get_by_test_id("move-findings_agreed")).to_have_count(0)

    # Turkey proposes a finding; proposing it, Turkey agrees it.
    turkey.get_by_test_id("finding-factor").select_option("late_or_wrong_notification")
    turkey.get_by_test_id("finding-text").fill("The notice reached TR <i>840 s</i> late.")
    turkey.get_by_test_id("finding-recommendation").fill("Send notices 15 min ahead.")
    turkey.get_by_test_id("propose").click()
    finding = turkey.get_by_test_id("finding-1")
    expect(finding).to_contain_text("Geç veya yanlış bildirim", timeout=WAIT_MS)
    expect(finding).to_contain_text("The notice reached TR <i>840 s</i> late.")
    expect(finding.locator("i")).to_have_count(0)
    expect(finding).to_contain_text("Send notices 15 min ahead.")
    expect(turkey.get_by_test_id("finding-1-TR")).to_have_attribute("data-position", "agree")
    expect(turkey.get_by_test_id("finding-1-IL")).to_have_attribute("data-position", "")
    expect(turkey.get_by_test_id("finding-text")).to_have_value("")
    expect(turkey.get_by_test_id("move-findings_agreed")).to_have_count(0)

    # Israel asks a question in its console; Turkey answers it in its own.
    israel = console.sign_in("il-liaison-officer")
    opened(israel, incident_id)
    israel.get_by_test_id("question-text").fill("When did TR's radar first hold the Il-20?")
    israel.get_by_test_id("ask").click()
    asked = israel.get_by_test_id("question-1")
    expect(asked).to_contain_text("When did TR's radar first hold the Il-20?", timeout=WAIT_MS)
    expect(israel.get_by_test_id("answer-1-text")).to_have_count(0)  # not put to its asker
    expect(turkey.get_by_test_id("question-1")).to_contain_text("Il-20", timeout=WAIT_MS)
    turkey.get_by_test_id("answer-1-text").fill("At 15:29:40Z.")
    turkey.get_by_test_id("answer-1").click()
    answer = israel.get_by_test_id("question-1-answer-1")
    expect(answer).to_contain_text("At 15:29:40Z.", timeout=WAIT_MS)
    expect(answer).to_have_attribute("data-by", "TR")

    # Israel agrees the finding: every party agrees every finding, so they may be agreed.
    expect(israel.get_by_test_id("finding-1")).to_contain_text("הודעה מאוחרת או שגויה")
    israel.get_by_test_id("finding-1-agree").click()
    expect(israel.get_by_test_id("finding-1-IL")).to_have_attribute(
        "data-position", "agree", timeout=WAIT_MS
    )
    expect(turkey.get_by_test_id("finding-1-IL")).to_have_attribute(
        "data-position", "agree", timeout=WAIT_MS
    )
    turkey.get_by_test_id("move-findings_agreed").click()
    expect(turkey.get_by_test_id("incident-case")).to_have_attribute(
        "data-state", "findings_agreed", timeout=WAIT_MS
    )
    expect(israel.get_by_test_id("incident-case")).to_have_attribute(
        "data-state", "findings_agreed", timeout=WAIT_MS
    )
    # Once agreed, the findings are no longer weighed.
    expect(israel.get_by_test_id("finding-1-agree")).to_have_count(0)
    stored = done(console.api.get("IL", path))["incident"]
    assert stored["state"] == "findings_agreed"
    assert stored["findings"][0]["factor"] == "late_or_wrong_notification"
    assert stored["findings"][0]["recommendation"]["text"] == "Send notices 15 min ahead."
    assert stored["questions"][0]["answers"][0]["text"] == "At 15:29:40Z."


def test_a_file_is_attached_shown_to_the_other_party_and_downloaded(
    line: tuple[Console, Il20], tmp_path: Path
) -> None:
    console, case = line
    incident_id = filed_by_turkey(console, case)["incident"]["id"]
    israel = console.sign_in("il-liaison-officer")
    opened(israel, incident_id)
    log = tmp_path / "ew-log.csv"
    log.write_text("time,emitter\n15:01:07,fire-control radar ZULU-4419\n", encoding="utf-8")

    # A file that is not what its name says is refused, the line's reason shown.
    fake = tmp_path / "scope.png"
    fake.write_bytes(b"%PDF-1.7 not a photo")
    israel.get_by_test_id("attach-file").set_input_files(str(fake))
    israel.get_by_test_id("attach").click()
    expect(israel.get_by_test_id("incident-error")).to_contain_text("image/png", timeout=WAIT_MS)

    israel.get_by_test_id("attach-file").set_input_files(str(log))
    israel.get_by_test_id("attach").click()
    row = israel.get_by_test_id("files").locator("li.file")
    expect(row).to_contain_text("ew-log.csv", timeout=WAIT_MS)
    expect(row).to_contain_text("text/csv")
    expect(row).to_contain_text("לאף אחד")  # shown to no one, in Hebrew
    file_id = row.get_attribute("data-testid")
    assert file_id and re.fullmatch(r"file-\d+", file_id)

    # Turkey sees no file, and no byte of it, until Israel shows it.
    turkey = console.sign_in("tr-duty-officer")
    opened(turkey, incident_id)
    expect(turkey.get_by_test_id("files")).to_contain_text("Görebileceğiniz ekli dosya yok.")
    assert "ZULU-4419" not in turkey.content() and "ew-log" not in turkey.content()
    expect(turkey.get_by_test_id(f"{file_id}-show-IL")).to_have_count(0)

    israel.get_by_test_id(f"{file_id}-show-TR").click()
    expect(israel.get_by_test_id(f"{file_id}-show-TR")).to_have_count(0, timeout=WAIT_MS)
    expect(israel.get_by_test_id(file_id)).to_contain_text("TR")
    shown = turkey.get_by_test_id(file_id)
    expect(shown).to_contain_text("ew-log.csv", timeout=WAIT_MS)
    with turkey.expect_download() as download:
        turkey.get_by_test_id(f"{file_id}-download").click()
    assert Path(download.value.path()).read_bytes() == log.read_bytes()
    assert download.value.suggested_filename == "ew-log.csv"
