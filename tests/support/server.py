"""A real line for tests: ``clearline serve`` in a subprocess on a free loopback port.

``demo_line(directory)`` runs ``clearline init --demo`` there and returns the database and the
demo tokens; ``serve(db)`` starts the server, waits for ``/healthz`` and stops it on exit
(``Server.kill()`` pulls the plug with SIGKILL). ``Api`` talks to it over real HTTP as any
demo user, and ``Stream`` is a real WebSocket client of ``/v1/stream``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets
from typer.testing import CliRunner

from clearline.cli.main import app
from tests.support.acting import ActsAs

Tokens = dict[str, dict[str, str]]
Event = dict[str, Any]

CLEARLINE = Path(sys.executable).with_name("clearline")
START_TIMEOUT_S = 20.0
WAIT_S = 5.0
"""The longest any test waits for one thing the line should do at once."""
CLIENT_ENV = ("CLEARLINE_DB", "CLEARLINE_URL", "CLEARLINE_TOKEN")


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_env(**more: str) -> dict[str, str]:
    """This process's environment without any clearline settings a developer may have set."""
    env = {k: v for k, v in os.environ.items() if k not in CLIENT_ENV}
    return {**env, **more}


def demo_line(directory: Path) -> tuple[Path, Tokens]:
    """``clearline init --db DIR/line.db --demo``: the database and the tokens it wrote."""
    db = directory / "line.db"
    result = CliRunner().invoke(
        app, ["init", "--db", str(db), "--demo"], env=dict.fromkeys(CLIENT_ENV)
    )
    assert result.exit_code == 0, result.output
    return db, json.loads((directory / "demo-tokens.json").read_text())


@dataclass
class Server:
    db: Path
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """Pull the plug: SIGKILL, no shutdown hooks, no chance to flush anything."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=WAIT_S)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextlib.contextmanager
def serve(db: Path, port: int | None = None, options: tuple[str, ...] = ()) -> Iterator[Server]:
    """``clearline serve --db DB OPTIONS`` on ``port`` (a free one by default), up and
    healthy, and stopped on exit. A free port may be taken by another process before the
    server binds it, so a server that does not come up on one is tried on another, twice."""
    server = None
    for attempt in range(1 if port else 3):
        server = _start(db, port or free_port(), options)
        if _healthy(server):
            break
        _stop(server.process)
        if attempt == (0 if port else 2):
            raise RuntimeError(f"clearline serve did not come up:\n{server.output()}")
    assert server is not None
    try:
        yield server
    finally:
        _stop(server.process)


def _start(db: Path, port: int, options: tuple[str, ...] = ()) -> Server:
    log_path = db.parent / f"serve-{port}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [str(CLEARLINE), "serve", "--db", str(db), "--port", str(port), *options],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=clean_env(PYTHONUNBUFFERED="1"),
        )
    return Server(db, port, process, log_path)


def _healthy(server: Server) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return True
        time.sleep(0.05)
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=WAIT_S)


@dataclass
class Api(ActsAs):
    """Real HTTP to a running line, as any demo user (by party and role)."""

    server: Server
    tokens: Tokens
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.server.url, timeout=30)

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.client.close()

    def events(self, party: str, since: int = 0, role: str = "duty_officer") -> list[Event]:
        """Every event after ``since`` that ``party`` may see, by ``GET /v1/events`` pages.

        Polling hands messages over, so it may add ``message.delivered`` events: they are in
        a later page, and this reads until a page comes back empty.
        """
        found: list[Event] = []
        while True:
            page = self.get(party, "/v1/events", role, since=since, limit=5_000)
            assert page.status_code == 200, page.text
            if not page.json()["events"]:
                return found
            found += page.json()["events"]
            since = page.json()["last_seq"]

    def quiet_seq(self, party: str) -> int:
        """The last sequence number ``party`` may see, once everything it has was delivered."""
        seen = self.events(party)
        return seen[-1]["seq"] if seen else 0


def warning(to: str = "IL", precedence: str = "FLASH", **body: Any) -> dict[str, Any]:
    """A well-formed warning request."""
    return {
        "to": to,
        "type": "warning",
        "precedence": precedence,
        "body": {
            "hazard": "air_strike",
            "location": {"lat": 34.55, "lon": 38.28},
            "radius_m": 20_000,
            **body,
        },
    }


class Stream:
    """A real WebSocket client of ``/v1/stream``: the events as its party receives them."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.received: list[Event] = []

    async def next(self, timeout: float = WAIT_S) -> Event:
        event: Event = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
        self.received.append(event)
        return event

    async def until(self, done: Callable[[list[Event]], bool], timeout: float = WAIT_S) -> None:
        """Read events until ``done(everything received so far)``, failing after ``timeout``."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not done(self.received):
            try:
                await self.next(max(deadline - asyncio.get_running_loop().time(), 0))
            except TimeoutError:
                summary = [(e["seq"], e["type"], _about(e)) for e in self.received]
                raise AssertionError(f"waited {timeout} s in vain; received {summary}") from None

    async def first(self, wanted: Callable[[Event], bool], timeout: float = WAIT_S) -> Event:
        """The first event received so far or from now on that is ``wanted``."""
        await self.until(lambda got: any(wanted(e) for e in got), timeout)
        return next(e for e in self.received if wanted(e))

    async def silent_for(self, seconds: float) -> bool:
        """True when nothing more arrives for ``seconds``."""
        try:
            await self.next(seconds)
        except TimeoutError:
            return True
        return False


@contextlib.asynccontextmanager
async def stream(server: Server, token: str, since: int | None = None) -> AsyncIterator[Stream]:
    query = "" if since is None else f"?since={since}"
    async with websockets.connect(
        f"{server.ws_url}/v1/stream{query}",
        additional_headers={"Authorization": f"Bearer {token}"},
        open_timeout=WAIT_S,
    ) as socket:
        yield Stream(socket)


def _about(event: Event) -> int | None:
    """The id of the message an event is about, if any."""
    payload = event["payload"]
    if "message" in payload:
        return int(payload["message"]["id"])
    return payload.get("message_id")


def message_events(
    events: list[Event], type: str, message_ids: set[int] | list[int]
) -> dict[int, list[Event]]:
    """Events of ``type`` about each of ``message_ids``, by message id."""
    found: dict[int, list[Event]] = {m: [] for m in message_ids}
    for event in events:
        if event["type"] != type:
            continue
        about = _about(event)
        if about in found:
            found[about].append(event)
    return found


def has_all(events: list[Event], type: str, message_ids: set[int] | list[int]) -> bool:
    return all(message_events(events, type, message_ids).values())
