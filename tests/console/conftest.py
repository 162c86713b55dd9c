"""The console in a real browser: Debian's Chromium driven by Playwright, against a real line.

Each test gets a fresh demo line (``clearline init --demo`` in a temporary folder, every demo
user's password set to ``<name>-demo``) served by ``clearline serve`` on a free port, and opens
one browser context per person, so that each keeps its own session cookie.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from clearline.model.user import Role
from clearline.services import accounts
from clearline.store.database import create_engine, database_url
from clearline.store.writer import run_now
from tests.support.server import Api, Server, Tokens, demo_line, serve

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(
    os.environ.get("CLEARLINE_SCREENSHOTS") or tempfile.mkdtemp(prefix="clearline-screens-")
)
"""Where the console's screenshots go: a folder of their own unless ``make screenshots`` names
``docs/`` (the README shows them), so that a test run leaves the tracked images as they are."""
VIEWPORT = {"width": 1400, "height": 850}
READY_MS = 10_000


def password(name: str) -> str:
    return f"{name}-demo"


def user_names(tokens: Tokens) -> list[str]:
    """Every demo user: ``il-duty-officer``, ..., ``az-mediator``."""
    return [
        f"{party.lower()}-{Role(role).replace('_', '-')}"
        for party, roles in tokens.items()
        for role in roles
    ]


def set_passwords(db: Path, names: list[str]) -> None:
    engine = create_engine(database_url(str(db)))

    def setup(connection: sa.Connection) -> None:
        for name in names:
            accounts.set_password(connection, name, password(name))

    try:
        run_now(engine, setup)
    finally:
        engine.dispose()


@dataclass
class Console:
    """A running line, its API as any demo user, and browser pages signed in as anyone."""

    server: Server
    api: Api
    browser: Browser
    contexts: list[BrowserContext] = field(default_factory=list)

    def open(self) -> Page:
        """A new browser (its own cookies) on the sign-in page."""
        context = self.browser.new_context(viewport=VIEWPORT)
        self.contexts.append(context)
        page = context.new_page()
        page.goto(self.server.url)
        return page

    def sign_in(self, name: str, page: Page | None = None) -> Page:
        """A page (a new one by default) signed in as ``name``, its data loaded and its live
        stream open."""
        page = page or self.open()
        page.get_by_test_id("sign-in-form").locator("input[name=name]").fill(name)
        page.get_by_test_id("sign-in-form").locator("input[name=password]").fill(password(name))
        page.get_by_test_id("sign-in-form").locator("button[type=submit]").click()
        page.wait_for_selector("body[data-ready=true]", timeout=READY_MS)
        page.wait_for_selector("[data-testid=connection][data-state=online]", timeout=READY_MS)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for the module's tests, closed after them: Playwright's sync API keeps an
    event loop running in this thread while it is open, and later tests call asyncio.run."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def console(tmp_path: Path, browser: Browser) -> Iterator[Console]:
    db, tokens = demo_line(tmp_path)
    set_passwords(db, user_names(tokens))
    with serve(db) as server, Api(server, tokens) as api:
        console = Console(server, api, browser)
        try:
            yield console
        finally:
            console.close()


def screenshot(page: Page, name: str) -> None:
    """Save what the page shows as ``<name>.png`` in ``SCREENSHOTS``."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")
