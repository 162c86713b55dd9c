"""TAK clients for tests: pytak's own TLS client, sender and receiver workers, against the
line's gateway, with the events a TAK feed sends built from the track reports of
``tests.support.tracks``.

The test thread keeps one event loop (``asyncio.Runner``) for all its clients, so that a
receiver goes on reading while the test waits for what it expects.
"""

from __future__ import annotations

import asyncio
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from configparser import ConfigParser
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytak

from clearline.model.message import ObjectKind
from clearline.model.track import Track, TrackStatus
from clearline.model.wellclear import FT_M, KNOT_MS
from tests.support.server import WAIT_S

Event = ET.Element


class _Collecting(pytak.RXWorker):  # type: ignore[misc]
    async def handle_data(self, data: bytes) -> None:  # pragma: no cover - pytak's abstract
        pass


def cot(
    report: dict[str, Any],
    cot_type: str = "a-f-A-M-F",
    uid: str | None = None,
    stale_s: float = 60,
    share_with: str | None = None,
    coarse: bool | None = None,
) -> bytes:
    """A TAK feed's event for a report of ``tests.support.tracks`` (its track id as the uid)."""
    when = datetime.fromisoformat(report["time"])
    sharing = {} if share_with is None else {"share_with": share_with}
    if coarse is not None:
        sharing["coarse"] = "true" if coarse else "false"
    clearline = f"<__clearline {' '.join(f'{k}={v!r}' for k, v in sharing.items())}/>"
    return (
        f"<?xml version='1.0' encoding='UTF-8'?>\n"
        f'<event version="2.0" uid="{uid or report["track_id"]}" type="{cot_type}" how="m-g" '
        f'time="{_stamp(when)}" start="{_stamp(when)}" '
        f'stale="{_stamp(when + timedelta(seconds=stale_s))}">'
        f'<point lat="{report["lat"]}" lon="{report["lon"]}" '
        f'hae="{report["alt_ft"] * FT_M}" ce="10" le="10"/>'
        f'<detail><track course="{report["track_deg"]}" '
        f'speed="{report["ground_speed_kt"] * KNOT_MS}"/>'
        f'<contact callsign="{report["track_id"]}"/>{clearline if sharing else ""}</detail>'
        f"</event>"
    ).encode()


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Peer:
    """One pytak client of the gateway: what it sent, and every byte and event it received."""

    runner: asyncio.Runner
    reader: asyncio.StreamReader
    writer: Any
    sender: pytak.TXWorker
    queue: asyncio.Queue[bytes]
    task: asyncio.Task[None]
    raw: bytearray = field(default_factory=bytearray)
    events: list[Event] = field(default_factory=list)

    def send(self, *data: bytes) -> None:
        for one in data:
            self.runner.run(self.sender.send_data(one))

    def until(self, wanted: Callable[[Event], bool], timeout_s: float = WAIT_S) -> Event:
        """The first event received (now or within ``timeout_s``) that ``wanted`` accepts."""
        deadline = time.monotonic() + timeout_s
        while True:
            found = next((e for e in self.events if wanted(e)), None)
            if found is not None:
                return found
            left = deadline - time.monotonic()
            assert left > 0, f"nothing wanted among {[e.get('uid') for e in self.events]}"
            self.runner.run(self._receive(left))

    def listen(self, seconds: float) -> None:
        """Keep receiving for ``seconds``, whatever comes."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.runner.run(self._receive(left))

    def closed(self, timeout_s: float = WAIT_S) -> bool:
        """Whether the gateway closed this connection (within ``timeout_s``)."""
        deadline = time.monotonic() + timeout_s
        while not self._ended() and time.monotonic() < deadline:
            self.runner.run(asyncio.sleep(0.05))
        return self._ended()

    def _ended(self) -> bool:
        """The stream closed, or the receiver stopped on an error (a TLS alert)."""
        return self.reader.at_eof() or self.task.done()

    async def _receive(self, timeout_s: float) -> None:
        try:
            data = await asyncio.wait_for(self.queue.get(), min(timeout_s, 0.2))
        except TimeoutError:
            return
        self.raw += data
        self.events.append(ET.fromstring(data.lstrip()))

    def close(self) -> None:
        self.task.cancel()
        self.writer.close()


def connect(runner: asyncio.Runner, port: int, credentials: dict[str, Path]) -> Peer:
    """A pytak TLS client with a user's certificate (``certificates.issue``'s files)."""
    config = ConfigParser()
    config["pytak"] = {
        "COT_URL": f"tls://127.0.0.1:{port}",
        "PYTAK_TLS_CLIENT_CERT": str(credentials["cert"]),
        "PYTAK_TLS_CLIENT_KEY": str(credentials["key"]),
        "PYTAK_TLS_CLIENT_CAFILE": str(credentials["ca"]),
    }
    section = config["pytak"]

    async def start() -> Peer:
        reader, writer = await pytak.protocol_factory(section)
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        receiver = _Collecting(queue, section, reader)
        task = asyncio.create_task(receiver.run())
        sender = pytak.TXWorker(asyncio.Queue(), section, writer)
        return Peer(runner, reader, writer, sender, queue, task)

    return runner.run(start())


def track(**more: Any) -> Track:
    """A track as the picture gives it: an Israeli jet, changed by ``more``."""
    values: dict[str, Any] = {
        "id": 1,
        "agreement_id": "il-tr-syria",
        "reporter": "IL",
        "track_id": "F-16-1",
        "owner": "IL",
        "status": TrackStatus.OWN,
        "kind": ObjectKind.FIXED_WING,
        "lat": 34.7,
        "lon": 38.2,
        "alt_ft": 15_000,
        "east_kt": 300,
        "north_kt": 0,
        "vertical_rate_fpm": 0,
        "time": datetime(2026, 11, 22, 15, 30, tzinfo=UTC),
        "accuracy_m": None,
        "coarse": False,
        "blind": False,
    }
    return Track(**{**values, **more})
