"""The pending queue in Chromium: a line flooded with FLASH stays usable, a fold shows its
count, the strip says when the browser keeps the tone silent, and an escalation reaches the
person whose role it names, in a background tab, as one notification."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from clearline.model.protocol import Protocol
from clearline.model.user import Language
from clearline.services.line import deadlines, line_checks, messages
from clearline.store import agreements as agreement_store
from clearline.store import users
from clearline.store.schema import agreements
from tests.console.conftest import VIEWPORT, Console, Preparation, running_console, screenshot
from tests.support.server import Api, warning

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WAIT_MS = 5_000
FLOOD = 500
LISTED = 200
"""The queue's panel lists the 200 most urgent items; the strip counts them all."""
TWO_THIRDS = 2 / 3
QUICK_FLASH_S = 5
"""A FLASH deadline short enough to watch an escalation happen in a test."""

NOTIFICATIONS = """
window.__notifications = [];
window.__asked = 0;
window.__visibility = "visible";
class RecordedNotification {
  static permission = window.__permission ?? "granted";
  static requestPermission() {
    window.__asked += 1;
    return Promise.resolve(window.__answer ?? RecordedNotification.permission);
  }
  constructor(title, options = {}) {
    window.__notifications.push({ title, ...options });
  }
  close() {}
}
window.Notification = RecordedNotification;
Object.defineProperty(document, "visibilityState", {
  configurable: true,
  get: () => window.__visibility,
});
Object.defineProperty(document, "hidden", {
  configurable: true,
  get: () => window.__visibility === "hidden",
});
"""
"""``window.Notification`` recording what the console shows (the browser's own notification
UI is beyond what a test can see), and a ``document.visibilityState`` the test can turn."""

AUTOPLAY_RULES = """
const Audible = window.AudioContext;
window.AudioContext = class extends Audible {
  #allowed = false;
  get state() {
    return this.#allowed ? super.state : "suspended";
  }
  resume() {
    if (!navigator.userActivation.isActive) return new Promise(() => {});
    this.#allowed = true;
    return super.resume().then(() => this.dispatchEvent(new Event("statechange")));
  }
};
"""
"""A browser's autoplay rules, which headless Chromium does not apply: an AudioContext stays
suspended until it is resumed during a gesture (a click, a key)."""

BACKGROUND = """
window.__visibility = "hidden";
document.dispatchEvent(new Event("visibilitychange"));
"""


# --- what the line holds before the console opens ---


def _user(connection: sa.Connection, name: str) -> Any:
    user = users.user_by_name(connection, name)
    assert user is not None
    return user


def flood(language: str) -> Preparation:
    """FLOOD FLASH warnings from TR to IL, a millisecond apart, on an IL duty officer's
    console in ``language``: the oldest is the most urgent (the earliest deadline)."""

    def prepare(connection: sa.Connection) -> None:
        reader = _user(connection, "il-duty-officer")
        users.set_language(connection, reader.id, Language(language))
        sender = _user(connection, "tr-duty-officer")
        now = datetime.now(UTC)
        for n in range(FLOOD):
            request = messages.SendRequest.model_validate(
                warning("IL", "FLASH", radius_m=1_000 + n)
            )
            messages.send(connection, sender, request, now + timedelta(milliseconds=n), f"f-{n}")

    return prepare


def unwatched(connection: sa.Connection) -> None:
    """Five and a half hours of a line nobody watched, up to now: a line check every hour,
    none answered, each missed, each "line check missed" alert escalated to the end. The IL
    duty officer reads English."""
    reader = _user(connection, "il-duty-officer")
    users.set_language(connection, reader.id, Language.EN)
    now = datetime.now(UTC)
    moment = now - timedelta(hours=5, minutes=30)
    for line in agreement_store.lines_of(connection, "IL"):
        agreement_store.update_line(connection, line.id, next_line_check_at=moment)
    while moment <= now:
        line_checks.send_due(connection, moment)
        deadlines.run(connection, moment)
        moment += timedelta(minutes=1)


def quick_flash(connection: sa.Connection) -> None:
    """Protocol version 2 in force: FLASH due in QUICK_FLASH_S, so it escalates in the test."""
    (agreement_id,) = agreement_store.agreement_ids(connection)
    current = agreement_store.protocol_in_force(connection, agreement_id, datetime.now(UTC))
    deadlines_s = {**current.ack_deadline_s, "FLASH": QUICK_FLASH_S}
    quick = Protocol.model_validate(
        {**current.model_dump(), "version": current.version + 1, "ack_deadline_s": deadlines_s}
    )
    agreement_store.insert_protocol(connection, agreement_id, quick, datetime.now(UTC))
    connection.execute(
        sa.update(agreements)
        .where(agreements.c.id == agreement_id)
        .values(protocol_version=quick.version)
    )


# --- helpers ---


def pending(api: Api, language: str, limit: int = LISTED) -> dict[str, Any]:
    """The IL duty officer's queue as the API orders it."""
    answer = api.get("IL", "/v1/messages/pending", limit=limit, lang=language)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def map_share(page: Page) -> float:
    """How much of the viewport's height the map takes."""
    box = page.get_by_test_id("map").bounding_box()
    assert box is not None
    visible = min(box["y"] + box["height"], VIEWPORT["height"]) - max(box["y"], 0)
    return visible / VIEWPORT["height"]


def x_of(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None
    return box["x"]


def wait_for_event(api: Api, type: str, message_id: int, timeout_s: float) -> None:
    """Until the line has recorded a ``type`` event about ``message_id`` (IL may see it)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        events = api.events("IL")
        if any(e["type"] == type and e["payload"].get("message_id") == message_id for e in events):
            return
        time.sleep(0.25)
    raise AssertionError(f"no {type} for message {message_id} within {timeout_s} s")


def eventually(check: Callable[[], bool], timeout_s: float = WAIT_MS / 1_000) -> None:
    """Until ``check()`` holds (the strip moves on at once; the line answers a moment later)."""
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"still not so after {timeout_s} s"
        time.sleep(0.1)


def acknowledged_by_il(api: Api, message_id: int) -> bool:
    message = api.get("IL", f"/v1/messages/{message_id}").json()
    own = next(r for r in message["recipients"] if r["party"] == "IL")
    return own["acknowledged_at"] is not None


# --- the flood ---


@pytest.mark.parametrize(
    ("language", "direction", "more", "fewer"),
    [("en", "ltr", "and 499 more", "and 498 more"), ("he", "rtl", "ועוד 499", "ועוד 498")],
)
def test_a_flood_of_flash_is_one_strip_and_the_map_keeps_two_thirds(
    tmp_path: Path, browser: Browser, language: str, direction: str, more: str, fewer: str
) -> None:
    with running_console(tmp_path, browser, flood(language)) as console:
        page = console.sign_in("il-duty-officer")
        expect(page.locator("html")).to_have_attribute("dir", direction)
        strip = page.get_by_test_id("alert-strip")
        expect(strip).to_have_attribute("data-total", str(FLOOD), timeout=WAIT_MS)

        queue = pending(console.api, language)
        assert queue["total"] == FLOOD
        first, second = queue["items"][0], queue["items"][1]
        expect(strip).to_have_attribute("data-id", str(first["message"]["id"]))
        expect(strip).to_have_attribute("data-state", "flash")
        expect(strip.locator(".item-text")).to_have_text(first["message"]["rendered"]["text"])
        expect(strip.locator(".item-precedence")).to_have_text(
            first["message"]["rendered"]["precedence"]
        )
        expect(strip.locator(".countdown")).to_contain_text(re.compile(r"\d:\d\d"))
        expect(strip.get_by_test_id("queue-open")).to_have_text(more)
        strip_box = strip.bounding_box()
        assert strip_box is not None and strip_box["height"] < 60
        closed = map_share(page)
        assert closed >= TWO_THIRDS, closed
        # The strip reads from the line's start: the acknowledgement at its end.
        text_x = x_of(page, "#alert-strip .item-text")
        button_x = x_of(page, "#alert-strip [data-testid=queue-open]")
        assert (button_x > text_x) is (direction == "ltr")
        screenshot(page, f"console-flood-{language}")

        strip.get_by_test_id("queue-open").click()
        panel = page.get_by_test_id("queue")
        expect(panel).to_be_visible()
        rows = panel.get_by_test_id("queue-item")
        expect(rows).to_have_count(LISTED)
        assert [int(i) for i in rows.evaluate_all("rows => rows.map(r => r.dataset.id)")] == [
            item["message"]["id"] for item in queue["items"]
        ]
        listed = panel.get_by_test_id("queue-items")
        assert listed.evaluate("list => list.scrollHeight > list.clientHeight")
        opened = map_share(page)
        assert opened >= TWO_THIRDS, opened
        screenshot(page, f"console-flood-queue-{language}")
        page.keyboard.press("Escape")
        expect(panel).to_be_hidden()
        strip.get_by_test_id("queue-open").click()
        expect(panel).to_be_visible()
        panel.get_by_test_id("queue-close").click()
        expect(panel).to_be_hidden()

        strip.get_by_test_id("strip-acknowledge").click()
        expect(strip).to_have_attribute("data-id", str(second["message"]["id"]), timeout=WAIT_MS)
        expect(strip).to_have_attribute("data-total", str(FLOOD - 1), timeout=WAIT_MS)
        expect(strip.get_by_test_id("queue-open")).to_have_text(fewer)
        eventually(lambda: acknowledged_by_il(console.api, first["message"]["id"]))
        assert not acknowledged_by_il(console.api, second["message"]["id"])
        assert map_share(page) >= TWO_THIRDS

        print(f"map height share ({language}): queue closed {closed:.3f}, open {opened:.3f}")


# --- a fold ---


def test_missed_line_checks_are_one_item_with_their_count(tmp_path: Path, browser: Browser) -> None:
    with running_console(tmp_path, browser, unwatched) as console:
        page = console.sign_in("il-duty-officer")
        queue = pending(console.api, "en")
        folds = [item for item in queue["items"] if item["kind"] == "line_check_missed"]
        assert len(folds) == 1, queue["items"]
        fold = folds[0]
        assert fold["count"] >= 5
        last = datetime.fromisoformat(fold["last_at"]).strftime("%H:%MZ")

        strip = page.get_by_test_id("alert-strip")
        expect(strip).to_have_attribute("data-total", str(queue["total"]), timeout=WAIT_MS)
        if queue["total"] > 1:
            strip.get_by_test_id("queue-open").click()
        shown = page.locator(f"[data-key='{fold['key']}']").last
        expect(shown).to_have_attribute("data-count", str(fold["count"]))
        folded = shown.get_by_test_id("item-fold")
        expect(folded).to_contain_text(f"×{fold['count']}, last")
        expect(folded).to_contain_text(last)
        expect(shown.locator(".item-title")).to_have_text("Line check missed")
        screenshot(page, "console-fold")

        shown.locator("[data-testid$=-acknowledge]").click()
        expect(page.locator(f"[data-key='{fold['key']}']")).to_have_count(0, timeout=WAIT_MS)
        expect(strip).to_have_attribute("data-total", str(queue["total"] - 1))
        eventually(lambda: all(acknowledged_by_il(console.api, m) for m in fold["message_ids"]))


# --- sound ---


def test_the_strip_says_when_the_browser_keeps_the_tone_silent(console: Console) -> None:
    sent = console.api.send("TR", warning(to="IL", precedence="FLASH"))
    assert sent.status_code == 201, sent.text
    flash_id = str(sent.json()["id"])
    # The sign-in click is the gesture the browser waits for: the tone sounds.
    page = console.sign_in("il-duty-officer", console.open(AUTOPLAY_RULES))
    strip = page.get_by_test_id("alert-strip")
    expect(strip).to_have_attribute("data-id", flash_id, timeout=WAIT_MS)
    expect(strip).to_have_attribute("data-tone-at", re.compile(r"\d+"))
    expect(strip.get_by_test_id("sound-blocked")).to_have_count(0)

    # Signed in still, but nobody has clicked or typed in this browser since it opened.
    page = console.signed_in_without_a_gesture("il-duty-officer", AUTOPLAY_RULES)
    strip = page.get_by_test_id("alert-strip")
    expect(strip).to_have_attribute("data-id", flash_id, timeout=WAIT_MS)
    blocked = strip.get_by_test_id("sound-blocked")
    expect(blocked).to_have_text("הצליל חסום: לחצו במקום כלשהו כדי להפעיל")  # IL reads Hebrew
    expect(strip).not_to_have_attribute("data-tone-at", re.compile(r"\d+"))
    screenshot(page, "console-sound-blocked")

    page.get_by_test_id("clock").click()
    expect(blocked).to_have_count(0)
    expect(strip).to_have_attribute("data-tone-at", re.compile(r"\d+"), timeout=WAIT_MS)


# --- notifications ---


def test_an_escalation_to_the_role_notifies_once_in_the_background(
    tmp_path: Path, browser: Browser
) -> None:
    secret = "Convoy of 12 vehicles leaves at dawn"
    with running_console(tmp_path, browser, quick_flash) as console:
        pages = {}
        for name in ("il-watch-commander", "il-duty-officer"):
            page = console.open(NOTIFICATIONS, permissions=["notifications"])
            pages[name] = console.sign_in(name, page)
        sent = console.api.send("TR", warning(to="IL", precedence="FLASH") | {"free_text": secret})
        assert sent.status_code == 201, sent.text
        message_id = sent.json()["id"]
        for page in pages.values():  # it arrives while they look: no notification
            strip = page.get_by_test_id("alert-strip")
            expect(strip).to_have_attribute("data-id", str(message_id), timeout=WAIT_MS)
            page.evaluate(BACKGROUND)

        commander = pages["il-watch-commander"]
        commander.wait_for_function("window.__notifications.length > 0", timeout=3 * WAIT_MS)
        # Past the next step (to the liaison officer) and the end of the ladder: still one.
        wait_for_event(console.api, "message.overdue", message_id, 4 * QUICK_FLASH_S)
        commander.wait_for_timeout(1_000)
        rendered = console.api.get("IL", f"/v1/messages/{message_id}", lang="he").json()["rendered"]
        notes = commander.evaluate("window.__notifications")
        assert len(notes) == 1, notes
        (note,) = notes
        assert note["title"] == f"{rendered['precedence']} · {rendered['title']}"
        assert note["body"] == rendered["text"]
        assert secret not in json.dumps(note, ensure_ascii=False)
        assert note["tag"] == f"message:{message_id}"
        # The escalation named the watch commander, not the duty officer, who saw it arrive.
        assert pages["il-duty-officer"].evaluate("window.__notifications") == []
        escalated = [
            e["payload"]
            for e in console.api.events("IL")
            if e["type"] == "message.escalated" and e["payload"]["message_id"] == message_id
        ]
        assert [(e["party"], e["role"]) for e in escalated][:1] == [("IL", "watch_commander")]


def test_notifications_are_asked_for_once_per_user(console: Console) -> None:
    refusing = "window.__permission = 'default'; window.__answer = 'denied';\n"
    page = console.open(refusing + NOTIFICATIONS)
    console.sign_in("il-duty-officer", page)
    page.wait_for_function("window.__asked === 1", timeout=WAIT_MS)
    stored = page.evaluate("localStorage.getItem('clearline.notifications.IL.il-duty-officer')")
    assert stored == "denied"

    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_test_id("clock").click()  # a gesture: where the console would ask
    page.wait_for_timeout(500)
    assert page.evaluate("window.__asked") == 0  # a fresh page: not asked again
