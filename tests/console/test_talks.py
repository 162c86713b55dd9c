"""The talks pane in Chromium, against a real line: a liaison officer reads what a proposal
changes and signs it with a signature made outside the browser; the mediator reads the round
and opens its report; the watch does not see the pane."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from playwright.sync_api import Page, expect

from clearline import demo
from tests.console.conftest import Console, screenshot
from tests.support.amending import LIAISON, Liaisons

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WAIT_MS = 5_000
ROUNDS = f"/v1/agreements/{demo.AGREEMENT_ID}/rounds"
AGENDA_ITEM = "Notice before strikes near declared positions"
AN_HOUR = {"lead_time_s": {"air_strike": 3_600}}


@dataclass
class Talks:
    liaisons: Liaisons
    proposal: dict[str, Any]
    round: dict[str, Any]


def done(answer: Any, status: int = 201) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    found: dict[str, Any] = answer.json()
    return found


def talks_on_the_line(console: Console) -> Talks:
    """Keys for IL's and TR's liaison officers, TR's proposal of an hour's notice before an
    air strike, and a round opened by the mediator with an item on its agenda and the
    proposal tabled."""
    liaisons = Liaisons(console.api).register("IL", "TR")
    effective = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    proposal = liaisons.proposed("TR", patch=AN_HOUR, reason="Baku", effective_at=effective)
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    opening = {
        "place": "Baku",
        "starts_on": tomorrow.isoformat(),
        "ends_on": (tomorrow + timedelta(days=1)).isoformat(),
        "attendees": {"IL": ["Head of the liaison unit"], "TR": ["Deputy chief of staff"]},
    }
    done(console.api.post("AZ", ROUNDS, "mediator", json=opening))
    done(console.api.post("AZ", f"{ROUNDS}/1/agenda", "mediator", json={"title": AGENDA_ITEM}))
    table = {"proposal": proposal["number"]}
    round = done(console.api.post("TR", f"{ROUNDS}/1/tabled", LIAISON, json=table))
    return Talks(liaisons, proposal, round)


def signature_over(key: Ed25519PrivateKey, digest: str) -> str:
    return base64.b64encode(key.sign(bytes.fromhex(digest))).decode()


def sign(page: Page, number: int, signature: str) -> None:
    page.get_by_test_id(f"signature-{number}").fill(signature)
    page.get_by_test_id(f"sign-{number}").click()


def test_a_liaison_officer_sees_the_change_and_signs_it(console: Console) -> None:
    talks = talks_on_the_line(console)
    number = talks.proposal["number"]
    israel = console.sign_in("il-liaison-officer")

    expect(israel.get_by_test_id("talks-pane")).to_be_visible()
    proposal = israel.get_by_test_id(f"proposal-{number}")
    expect(proposal).to_have_attribute("data-state", "open")
    change = proposal.locator("[data-path='lead_time_s.air_strike']")
    expect(change).to_contain_text("900 → 3600")
    expect(proposal.get_by_test_id("signer-TR")).to_have_attribute("data-signed", "false")
    digest = proposal.get_by_test_id(f"digest-{number}").inner_text().strip()
    assert digest == talks.proposal["digest"]

    # A signature by a key nobody registered: the line says why, in its own words.
    wrong = signature_over(Ed25519PrivateKey.generate(), digest)
    path = f"/v1/agreements/{demo.AGREEMENT_ID}/proposals/{number}/approvals"
    refused = console.api.post("IL", path, LIAISON, json={"signature": wrong})
    assert refused.status_code == 422, refused.text
    sign(israel, number, wrong)
    error = israel.get_by_test_id(f"sign-error-{number}")
    expect(error).to_be_visible(timeout=WAIT_MS)
    expect(error).to_contain_text(refused.json()["reason"])
    expect(proposal.get_by_test_id("signer-IL")).to_have_attribute("data-signed", "false")

    sign(israel, number, signature_over(talks.liaisons.keys["IL"], digest))
    expect(proposal.get_by_test_id("signer-IL")).to_have_attribute(
        "data-signed", "true", timeout=WAIT_MS
    )
    expect(israel.get_by_test_id(f"sign-form-{number}")).to_have_count(0)
    expect(proposal).to_have_attribute("data-state", "open")  # TR has not signed yet

    # The round, kept current by the live stream: minutes written elsewhere show at once.
    round = israel.get_by_test_id("round-1")
    expect(round).to_contain_text(AGENDA_ITEM)
    minutes = {"text": "Both sides agree an hour's notice; Turkey tables it."}
    written = console.api.client.put(
        f"{ROUNDS}/1/agenda/1/minutes", json=minutes, headers=console.api.headers("TR", LIAISON)
    )
    assert written.status_code == 200, written.text
    expect(round.get_by_test_id("agenda-1-1")).to_contain_text(minutes["text"], timeout=WAIT_MS)
    screenshot(israel, "console-talks")


def test_the_mediator_opens_the_rounds_report_and_the_watch_sees_no_talks(
    console: Console,
) -> None:
    talks_on_the_line(console)
    mediator = console.sign_in("az-mediator")

    round = mediator.get_by_test_id("round-1")
    expect(round).to_have_attribute("data-state", "open")
    expect(round).to_contain_text("Baku")
    expect(round.get_by_test_id("agenda-1-1")).to_contain_text(AGENDA_ITEM)
    expect(round.locator(".tabled")).to_contain_text("1")
    expect(mediator.get_by_test_id("proposal-1")).to_be_visible()
    expect(mediator.get_by_test_id("sign-form-1")).to_have_count(0)

    with mediator.context.expect_page() as opened:
        round.get_by_test_id("report-html-1").click()
    report = opened.value
    report.wait_for_load_state()
    assert "/rounds/1/report?format=html" in report.url
    plot = report.locator("svg").first
    expect(plot).to_be_visible(timeout=WAIT_MS)
    box = plot.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0
    screenshot(report, "console-round-report")

    watch = console.sign_in("il-duty-officer")
    expect(watch.get_by_test_id("talks-pane")).to_be_hidden()
    expect(watch.locator("[data-testid^=proposal-]")).to_have_count(0)
