"""One party's connection to the gateway: its feed in, its picture out.

In: every event the peer sends is parsed and, where it is a track, kept for the next take
(a quarter of a second's worth in one write, as a command system batches its reports); an
event the line cannot take is dropped and logged with its reason, and the connection lives.
Out: once a second the tracks its party may see, each sent when its report is new and taken
back when it leaves the picture or stops being shared; the agreement's zones on connecting
and as they are added; conflicts and encounters from the event bus, as the API's stream
shows them to that party.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime

from clearline.interop.tak import outbound, view
from clearline.interop.tak.cot import Dropped, parse, serialize
from clearline.interop.tak.framing import events
from clearline.interop.tak.inbound import report_of
from clearline.model.conflict import Conflict, ConflictState
from clearline.model.errors import ClearlineError
from clearline.model.event import Event, EventType
from clearline.model.track import MAX_REPORTS, Encounter, TrackReport
from clearline.model.zone import Zone
from clearline.runtime.bus import Subscription
from clearline.runtime.node import Runtime
from clearline.store.claim import ClaimLost

log = logging.getLogger("clearline.tak")
TAKE_S = 0.25
SEND_S = 1.0
DRAIN_S = 10.0
"""A peer that has not read what it was sent for this long is cut off, not waited on."""
CONFLICT_GONE = {ConflictState.RESOLVED, ConflictState.CLOSED}


@dataclass
class Session:
    rt: Runtime
    user: str
    """The certificate's common name: the user, looked up again at every step."""
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    party: str = ""
    """The user's party, once looked up."""
    subscription: Subscription | None = None
    pending: list[TrackReport] = field(default_factory=list)
    sent: dict[str, datetime] = field(default_factory=dict)
    """Each track's uid sent, with the time of the report it showed."""
    drawn: dict[str, list[str]] = field(default_factory=dict)
    """Each conflict's and encounter's uid, with the uids of what was drawn for it."""

    async def run(self) -> None:
        """Serve the peer until it leaves, its user is refused, or the node stops."""
        await self._greet()
        tasks = [
            asyncio.create_task(self._read()),
            asyncio.create_task(self._take_forever()),
            asyncio.create_task(self._send_forever()),
            asyncio.create_task(self._relay()),
        ]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self.subscription is not None:
                self.rt.bus.unsubscribe(self.subscription)

    async def _greet(self) -> None:
        """Who the peer is (refused here, before anything is sent, where its user is not one
        the line serves), the zones it may see, and its party's events from now on."""
        user = await self.rt.read(lambda c: view.user_of(c, self.user))
        self.party = user.party
        self._subscribe()
        zones = await self.rt.read(lambda c: view.zones_of(c, self.user))
        now = self.rt.clock.now()
        await self._send_all([e for zone in zones for e in outbound.zone_events(zone, now)])

    def _subscribe(self) -> Subscription:
        """The party's events, with no role: a TAK screen is not the hotline's console, and
        paging must not count it as a human watching."""
        self.subscription = self.rt.bus.subscribe(self.party)
        return self.subscription

    async def _read(self) -> None:
        """Until the peer closes; what it sent last is taken before the session ends, and a
        feed faster than the writer waits for it, a batch at a time, rather than pile up."""
        async for data in events(self.reader):
            try:
                report = report_of(parse(_bytes(data)), self.rt.clock.now())
            except Dropped as exc:
                log.warning("tak %s: dropped an event: %s", self.user, exc)
                continue
            if report is not None:
                self.pending.append(report)
            if len(self.pending) >= MAX_REPORTS:
                await self._take()
        await self._take()

    async def _take_forever(self) -> None:
        while True:
            await asyncio.sleep(TAKE_S)
            await self._take()

    async def _take(self) -> None:
        """The reports pending, in one write."""
        if not self.pending:
            return
        reports, self.pending = self.pending, []
        now = self.rt.clock.now()
        try:
            await self.rt.write(lambda c: view.take(c, self.user, reports, now, self.rt.pictures))
        except ClaimLost:
            raise
        except ClearlineError as exc:
            log.warning(
                "tak %s: dropped %d tracks: %s: %s", self.user, len(reports), exc.field, exc.reason
            )

    async def _send_forever(self) -> None:
        while True:
            await self._send_tracks()
            await asyncio.sleep(SEND_S)

    async def _send_tracks(self) -> None:
        """New reports out, and deletions for tracks no longer seen (lost, or no longer shared
        with this party)."""
        now = self.rt.clock.now()
        seen = await self.rt.write(lambda c: view.seen_by(c, self.user, self.rt.pictures, now))
        out: list[ET.Element] = []
        current = {}
        for track, lost_after_s in seen:
            uid = outbound.track_uid(track)
            current[uid] = track.time
            if self.sent.get(uid) != track.time:
                out.append(outbound.track_event(track, self.party, lost_after_s, now))
        out += [outbound.deletion(uid, now) for uid in self.sent.keys() - current.keys()]
        self.sent = current
        await self._send_all(out)

    async def _relay(self) -> None:
        """Events as drawings; where the bus cut this session off for falling behind, it
        subscribes again (the tracks are sent from the picture, so only drawings are late)."""
        subscription = self.subscription or self._subscribe()
        while True:
            try:
                event = await asyncio.wait_for(subscription.queue.get(), SEND_S)
            except TimeoutError:
                if subscription.overflowed:
                    log.warning(
                        "tak %s: fell behind the line's events; subscribed again", self.user
                    )
                    subscription = self._subscribe()
                continue
            await self._send_all(self._drawings(event, self.rt.clock.now()))

    def _drawings(self, event: Event, now: datetime) -> list[ET.Element]:
        """What an event changes on the map: zones added, conflicts and encounters drawn or
        taken back. Every other event is the hotline's and the console's, not the map's."""
        if event.type is EventType.ZONE_ADDED:
            return outbound.zone_events(Zone.model_validate(event.payload["zone"]), now)
        if event.type.value.startswith("conflict."):
            conflict = Conflict.model_validate(event.payload["conflict"])
            key = f"conflict.{conflict.id}"
            if conflict.state in CONFLICT_GONE:
                return self._taken_back(key, now)
            return self._redrawn(key, outbound.conflict_events(conflict, now), now)
        if event.type.value.startswith("encounter."):
            encounter = Encounter.model_validate(event.payload["encounter"])
            key = f"encounter.{encounter.id}"
            marker = outbound.encounter_event(encounter, now)
            if event.type is EventType.ENCOUNTER_CLOSED or marker is None:
                return self._taken_back(key, now)
            return self._redrawn(key, [marker], now)
        return []

    def _redrawn(self, key: str, drawn: list[ET.Element], now: datetime) -> list[ET.Element]:
        """``drawn`` for ``key``, and deletions for any part drawn before that is not in it."""
        uids = [element.get("uid", "") for element in drawn]
        gone = set(self.drawn.get(key, ())) - set(uids)
        self.drawn[key] = uids
        return drawn + [outbound.deletion(uid, now) for uid in sorted(gone)]

    def _taken_back(self, key: str, now: datetime) -> list[ET.Element]:
        return [outbound.deletion(uid, now) for uid in self.drawn.pop(key, [])]

    async def _send_all(self, elements: list[ET.Element]) -> None:
        if not elements:
            return
        self.writer.write(b"".join(serialize(element) for element in elements))
        await asyncio.wait_for(self.writer.drain(), DRAIN_S)


def _bytes(data: bytes | Dropped) -> bytes:
    if isinstance(data, Dropped):
        raise data
    return data


async def close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(Exception):
        await writer.wait_closed()
