"""The console, in Chromium, against a real line: what a duty officer and a mediator see and do."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.console.conftest import Console, password, screenshot
from tests.support.server import Api, serve, warning
from tests.support.theatre import PALMYRA, circle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LIVE_MS = 1_000
"""What the other side sees changes within a second."""
WAIT_MS = 5_000


def message(page: Page, message_id: int) -> Locator:
    return page.get_by_test_id(f"message-{message_id}")


def file_notice(
    api: Api, party: str, kind: str, centre: tuple[float, float], radius_m: float, **more: Any
) -> dict[str, Any]:
    """File a notice for two hours from two hours on (the line runs on the real clock)."""
    start = datetime.now(UTC) + timedelta(hours=2)
    volume = {
        "geometry": circle(centre, radius_m),
        "alt_lower_ft": 0,
        "alt_upper_ft": "FL250",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=2)).isoformat(),
    }
    request = {"kind": kind, "volumes": [volume], **more}
    headers = api.headers(party, **{"Idempotency-Key": uuid.uuid4().hex})
    answer = api.client.post("/v1/notices", json=request, headers=headers)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_flash_warning_is_acknowledged_and_the_sender_sees_it_at_once(console: Console) -> None:
    turkey = console.sign_in("tr-duty-officer")
    israel = console.sign_in("il-duty-officer")

    sent = console.api.send("TR", warning(to="IL", precedence="FLASH"))
    assert sent.status_code == 201, sent.text
    flash_id = sent.json()["id"]

    strip = israel.get_by_test_id("alert-strip")
    expect(strip).to_have_attribute("data-id", str(flash_id), timeout=WAIT_MS)
    expect(strip).to_have_attribute("data-state", "flash")
    expect(strip).to_have_attribute("data-tone-at", re.compile(r"\d+"))
    incoming = message(israel, flash_id)
    expect(incoming).to_have_attribute("data-precedence", "FLASH")
    expect(incoming.locator(".countdown")).to_contain_text(re.compile(r"\d:\d\d"))
    expect(israel.locator("path.message-place.type-warning")).to_have_count(1)
    outgoing = message(turkey, flash_id).locator(".recipient[data-party=IL]")
    expect(outgoing).to_have_attribute("data-state", "delivered", timeout=WAIT_MS)
    screenshot(israel, "console-flash")

    strip.get_by_test_id("strip-acknowledge").click()

    expect(outgoing).to_have_attribute("data-state", "acknowledged", timeout=LIVE_MS)
    expect(strip).to_have_attribute("data-state", "clear")
    expect(incoming.locator(".recipient")).to_have_attribute("data-state", "acknowledged")
    screenshot(turkey, "console-acknowledged")


def test_identification_query_composed_on_the_map_is_answered(console: Console) -> None:
    israel = console.sign_in("il-duty-officer")
    turkey = console.sign_in("tr-duty-officer")

    israel.get_by_test_id("map").click(position={"x": 450, "y": 420})
    form = israel.get_by_test_id("compose")
    expect(form.locator(".where")).to_contain_text("MGRS 37S")
    form.get_by_test_id("compose-type").select_option("identification_query")
    form.get_by_test_id("compose-precedence").select_option("IMMEDIATE")
    form.get_by_test_id("compose-object_kind").select_option("uav")
    form.get_by_test_id("compose-altitude_ft").fill("9000")
    form.get_by_test_id("compose-send").click()

    asked = israel.locator("[data-type=identification_query][data-direction=outgoing]")
    expect(asked).to_have_count(1, timeout=WAIT_MS)
    query_id = int(asked.get_attribute("data-id") or 0)
    received = message(turkey, query_id)
    expect(received).to_have_attribute("data-direction", "incoming", timeout=WAIT_MS)
    received.get_by_test_id("acknowledge").click()
    received.get_by_test_id("answer-not_ours").click()

    answered = asked.locator(".recipient[data-party=TR]")
    expect(answered).to_have_attribute("data-state", "answered", timeout=WAIT_MS)
    expect(asked.locator(".reply")).to_be_visible()
    expect(received.get_by_test_id("answer-not_ours")).to_have_count(0)
    reply = israel.locator("[data-type=identification_reply][data-direction=incoming]")
    expect(reply).to_have_count(1)
    screenshot(israel, "console-identification")


def test_a_conflict_appears_on_both_maps_when_a_notice_is_filed(console: Console) -> None:
    israel = console.sign_in("il-duty-officer")
    turkey = console.sign_in("tr-duty-officer")

    file_notice(console.api, "IL", "uav_flight", PALMYRA, 10_000)
    expect(turkey.locator("path.notice.other-notices")).to_have_count(1, timeout=WAIT_MS)
    file_notice(console.api, "TR", "air_patrol", (38.37, 34.55), 8_000, sharing="blind")

    for page in (israel, turkey):
        expect(page.locator("path.conflict-region")).to_have_count(1, timeout=WAIT_MS)
        expect(page.locator("[data-testid^=conflict-][data-state=open]")).to_have_count(1)
    expect(israel.locator("path.notice.own-notices")).to_have_count(1)
    expect(israel.locator("path.notice.other-notices")).to_have_count(0)

    conflict = israel.locator("[data-testid^=conflict-]")
    expect(conflict.locator(".starts")).to_contain_text(re.compile(r"\d:\d\d:\d\d"))
    conflict.get_by_test_id("show-on-map").click()
    expect(israel.locator(".leaflet-popup-content")).to_be_visible()
    conflict.get_by_test_id("acknowledge").click()
    acknowledged = turkey.locator("[data-testid^=conflict-] .acknowledged")
    expect(acknowledged).to_contain_text("IL", timeout=WAIT_MS)
    screenshot(israel, "console-conflict")


def test_hebrew_mirrors_the_layout_and_the_choice_is_remembered(console: Console) -> None:
    overridden = "Gün \u202eevif ta"
    sent = console.api.send(
        "TR", warning(to="IL", precedence="PRIORITY") | {"free_text": overridden}
    )
    assert sent.status_code == 201, sent.text
    israel = console.sign_in("il-duty-officer")
    html = israel.locator("html")

    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "he")
    incoming = message(israel, sent.json()["id"])
    expect(incoming.locator(".title")).to_have_text("אזהרה")
    expect(incoming.locator(".untranslated")).to_contain_text("לא מתורגם")
    # What TR typed is shown as written, its right-to-left override isolated in a <bdi>.
    expect(incoming.locator(".free-text bdi")).to_have_text(overridden)
    assert _map_is_at_the_start(israel) is False
    screenshot(israel, "console-hebrew")

    israel.get_by_test_id("language").select_option("en")
    expect(html).to_have_attribute("dir", "ltr")
    expect(incoming.locator(".title")).to_have_text("Warning")
    assert _map_is_at_the_start(israel) is True

    israel.reload()
    israel.wait_for_selector("body[data-ready=true]")
    expect(html).to_have_attribute("lang", "en")
    expect(israel.get_by_test_id("language")).to_have_value("en")


def _map_is_at_the_start(page: Page) -> bool:
    """Whether the map is on the left of the panes (as in English) rather than on the right."""
    map_box = page.get_by_test_id("map").bounding_box()
    panes_box = page.get_by_test_id("line-pane").bounding_box()
    assert map_box and panes_box
    return map_box["x"] < panes_box["x"]


def test_the_mediator_sees_figures_and_no_content(console: Console) -> None:
    secret = "Convoy of 12 vehicles leaves at dawn"
    sent = console.api.send("TR", warning(to="IL") | {"free_text": secret})
    assert sent.status_code == 201, sent.text
    assert console.api.post("IL", f"/v1/messages/{sent.json()['id']}/ack").status_code == 200

    page = console.open()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    console.sign_in("az-mediator", page)

    figures = page.get_by_test_id("figures-IL-TR")
    expect(figures).to_contain_text("FLASH: 1", timeout=WAIT_MS)
    expect(page.get_by_test_id("line-pane")).to_be_hidden()
    expect(page.get_by_test_id("conflicts-pane")).to_be_hidden()
    body = page.locator("body").inner_text()
    assert secret not in body
    assert "Air strike" not in body
    forbidden = ("/v1/messages", "/v1/notices", "/v1/conflicts", "/v1/positions", "/v1/tracks")
    assert not [url for url in asked if any(path in url for path in forbidden)]
    screenshot(page, "console-mediator")


def test_a_liaison_officer_accepts_a_conflict_with_a_reason(console: Console) -> None:
    file_notice(console.api, "IL", "uav_flight", PALMYRA, 10_000)
    file_notice(console.api, "TR", "air_patrol", (38.37, 34.55), 8_000)
    liaison = console.sign_in("il-liaison-officer")
    turkey = console.sign_in("tr-duty-officer")

    conflict = liaison.locator("[data-testid^=conflict-]")
    conflict.get_by_test_id("accept-reason").fill("Patrol altitudes agreed by phone")
    conflict.get_by_test_id("accept").click()

    expect(conflict).to_have_count(0, timeout=WAIT_MS)
    expect(turkey.locator("[data-testid^=conflict-]")).to_have_count(0, timeout=WAIT_MS)
    expect(turkey.locator("path.conflict-region")).to_have_count(0)


def test_live_tracks_and_a_predicted_encounter_are_on_the_map(console: Console) -> None:
    israel = console.sign_in("il-duty-officer")
    now = datetime.now(UTC).isoformat()
    for party, track_id, lon, heading in (("IL", "F-16-1", 38.0, 90), ("TR", "F-16-7", 38.15, 270)):
        report = {
            "track_id": track_id,
            "kind": "fixed_wing",
            "lat": 35.0,
            "lon": lon,
            "alt_ft": 15_000,
            "ground_speed_kt": 400,
            "track_deg": heading,
            "time": now,
        }
        answer = console.api.post(party, "/v1/tracks", role="system", json={"reports": [report]})
        assert answer.status_code == 200, answer.text

    expect(israel.locator("path.track.party-IL")).to_have_count(1, timeout=WAIT_MS)
    expect(israel.locator("path.track.party-TR")).to_have_count(1)
    expect(israel.locator("path.encounter")).to_have_count(1, timeout=WAIT_MS)
    screenshot(israel, "console-tracks")


def test_the_console_says_when_it_is_offline_and_resumes(console: Console) -> None:
    israel = console.sign_in("il-duty-officer")
    connection = israel.get_by_test_id("connection")

    console.server.kill()
    expect(connection).to_have_attribute("data-state", "offline", timeout=WAIT_MS)
    screenshot(israel, "console-offline")

    with serve(console.server.db, port=console.server.port):
        sent = console.api.send("TR", warning(to="IL", precedence="IMMEDIATE"))
        assert sent.status_code == 201, sent.text
        expect(message(israel, sent.json()["id"])).to_be_visible(timeout=WAIT_MS)
        expect(connection).to_have_attribute("data-state", "online")


def test_after_five_wrong_passwords_the_sign_in_page_says_how_long_to_wait(
    console: Console,
) -> None:
    page = console.open()
    form = page.get_by_test_id("sign-in-form")
    error = page.get_by_test_id("sign-in-error")
    form.locator("input[name=name]").fill("il-duty-officer")
    for attempt in range(6):
        form.locator("input[name=password]").fill(f"wrong-guess-{attempt}")
        with page.expect_response("**/v1/session") as answer:
            form.locator("button[type=submit]").click()
        assert answer.value.status == (401 if attempt < 5 else 429)
    expect(error).to_have_text("Too many failed sign-ins. Try again in 15 min.")


def earlier(totp: pyotp.TOTP) -> str:
    """The code of the step before now, taken for a clock a little off: confirming with it
    leaves the code of now unused, for the sign-in."""
    return totp.at(datetime.now(UTC), counter_offset=-1)


def test_with_a_second_factor_the_console_asks_for_the_code(console: Console) -> None:
    officer = {"Authorization": f"Bearer {console.api.tokens['TR']['duty_officer']}"}
    started = console.api.client.post("/v1/me/second-factor", headers=officer)
    assert started.status_code == 201, started.text
    totp = pyotp.TOTP(started.json()["secret"])
    confirmed = console.api.client.put(
        "/v1/me/second-factor", json={"code": earlier(totp)}, headers=officer
    )
    assert confirmed.status_code == 200, confirmed.text

    page = console.open()
    form = page.get_by_test_id("sign-in-form")
    form.locator("input[name=name]").fill("tr-duty-officer")
    form.locator("input[name=password]").fill(password("tr-duty-officer"))
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("sign-in-error")).to_contain_text("current code", timeout=WAIT_MS)
    form.locator("input[name=code]").fill(totp.now())
    form.locator("button[type=submit]").click()
    page.wait_for_selector("body[data-ready=true]", timeout=WAIT_MS)
