"""The people pane in Chromium, against a real line: Israel's liaison officer sees its party's
people and tokens and no one else's, adds a duty officer who then signs in, deactivates it,
after which its sign-in is refused, and revokes a token; the watch does not see the pane."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.console.conftest import Console

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WAIT_MS = 5_000
PASSWORD = "Nightwatch-7731"
FEED = "radar feed ZULU-7"


def done(answer: Any, status: int = 201) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    found: dict[str, Any] = answer.json()
    return found


def test_a_liaison_officer_manages_its_partys_people_and_tokens(console: Console) -> None:
    token = {"label": FEED, "scope": "tracks", "user": "il-system"}
    issued = done(console.api.post("IL", "/v1/tokens", "liaison_officer", json=token))["issued"]
    theirs = {"label": "TR radar", "scope": "tracks", "user": "tr-system"}
    done(console.api.post("TR", "/v1/tokens", "liaison_officer", json=theirs))
    israel = console.sign_in("il-liaison-officer")
    pane = israel.get_by_test_id("people-pane")
    expect(pane).to_be_visible()
    expect(israel.get_by_test_id("person-il-duty-officer")).to_be_visible(timeout=WAIT_MS)
    expect(pane).not_to_contain_text("tr-duty-officer")
    expect(pane).not_to_contain_text("TR radar")
    expect(israel.get_by_test_id(f"token-{issued['id']}")).to_contain_text(FEED)

    israel.get_by_test_id("enrol-name").fill("il-duty-2")
    israel.get_by_test_id("enrol-role").select_option("duty_officer")
    israel.get_by_test_id("enrol-password").fill(PASSWORD)
    israel.get_by_test_id("enrol").click()
    person = israel.get_by_test_id("person-il-duty-2")
    expect(person).to_have_attribute("data-active", "true", timeout=WAIT_MS)
    session = {"name": "il-duty-2", "password": PASSWORD}
    assert console.api.client.post("/v1/session", json=session).status_code == 200

    israel.get_by_test_id("person-il-duty-2-deactivate").click()
    expect(person).to_have_attribute("data-active", "false", timeout=WAIT_MS)
    assert console.api.client.post("/v1/session", json=session).status_code == 401

    # Leaving the party without an active liaison officer is refused, the reason shown.
    israel.get_by_test_id("person-il-liaison-officer-deactivate").click()
    expect(israel.get_by_test_id("people-error")).to_contain_text(
        "no active liaison officer", timeout=WAIT_MS
    )

    israel.get_by_test_id(f"token-{issued['id']}-revoke").click()
    row = israel.get_by_test_id(f"token-{issued['id']}")
    expect(row).to_contain_text("il-liaison-officer", timeout=WAIT_MS)
    expect(israel.get_by_test_id(f"token-{issued['id']}-revoke")).to_have_count(0)


def test_the_watch_does_not_see_the_pane(console: Console) -> None:
    duty = console.sign_in("il-duty-officer")
    expect(duty.get_by_test_id("line-pane")).to_be_visible()
    expect(duty.get_by_test_id("people-pane")).to_be_hidden()
