"""The console in a real browser: Debian's Chromium driven by Playwright, against a real line.

Each test gets a fresh demo line (``clearline init --demo`` in a temporary folder, every demo
user's password set to ``<name>-demo``) served by ``clearline serve`` on a free port, and opens
one browser context per person, so that each keeps its own session cookie.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from clearline.cli.options import key_path
from clearline.model.user import Role
from clearline.services.access import accounts
from clearline.services.record import ledger, signing
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

    def open(self, init_script: str | None = None, permissions: list[str] | None = None) -> Page:
        """A new browser (its own cookies) on the sign-in page; ``init_script`` runs in it
        before the console's own scripts, and ``permissions`` are granted to it."""
        context = self.browser.new_context(viewport=VIEWPORT)
        self.contexts.append(context)
        if permissions:
            context.grant_permissions(permissions, origin=self.server.url)
        if init_script:
            context.add_init_script(init_script)
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

    def signed_in_without_a_gesture(self, name: str, init_script: str | None = None) -> Page:
        """A page signed in as ``name`` by a request of its own (the cookie set, as after an
        earlier visit), so that nobody has clicked or typed in it: what a reload after a
        restart is to the browser's autoplay rules."""
        context = self.browser.new_context(viewport=VIEWPORT)
        self.contexts.append(context)
        if init_script:
            context.add_init_script(init_script)
        answer = context.request.post(
            f"{self.server.url}/v1/session", data={"name": name, "password": password(name)}
        )
        assert answer.ok, answer.text()
        page = context.new_page()
        page.goto(self.server.url)
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


Preparation = Callable[[sa.Connection], object]
"""What a test puts on the line's store before the line is served (a flood, a night of
unanswered line checks): through the services, as the line itself would."""


@contextlib.contextmanager
def running_console(
    tmp_path: Path, browser: Browser, prepare: Preparation | None = None
) -> Iterator[Console]:
    """A fresh demo line, prepared by ``prepare`` (if any), served, and a browser on it."""
    db, tokens = demo_line(tmp_path)
    set_passwords(db, user_names(tokens))
    if prepare is not None:
        on_the_store(db, prepare)
    with serve(db) as server, Api(server, tokens) as api:
        console = Console(server, api, browser)
        try:
            yield console
        finally:
            console.close()


def on_the_store(db: Path, operation: Preparation, sealed_at: datetime | None = None) -> None:
    """Run ``operation`` in one transaction on the line's store while nothing serves it, its
    events sealed into the ledger with the line's key, as the server's writer does."""
    key = signing.load_key(key_path(str(db), None))
    engine = create_engine(database_url(str(db)))

    def seal(connection: sa.Connection, events: object) -> object:
        return ledger.seal(connection, events, key, sealed_at or datetime.now(UTC))

    try:
        run_now(engine, operation, seal)
    finally:
        engine.dispose()


@pytest.fixture
def console(tmp_path: Path, browser: Browser) -> Iterator[Console]:
    with running_console(tmp_path, browser) as console:
        yield console


def screenshot(page: Page, name: str) -> None:
    """Save what the page shows as ``<name>.png`` in ``SCREENSHOTS``."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")
