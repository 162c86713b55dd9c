"""The simulated shift: duty officers of both parties who answer the line once a scenario's
script has run out, and the theatre's daily traffic (notices, track feeds) that keeps them busy.

Without it a demo left running answers nothing after its scripted hour: every line check is
missed and the mediator's figures decay. With it, each message to a party is acknowledged after
a delay drawn by that party's habits (most within the deadline, some late, a few missed until
the next change of watch), and
each day brings a few notices per party, busier by day than by night, in places both parties
use, so that some overlap, and now and then a drone's track feed.

Every act goes through the services the API calls, as its user, on the line's clock; the line
screens, alerts and escalates it as it would a real party's. Every draw comes from a
``random.Random`` seeded by the shift's seed and by what it decides (a message and its party, a
day), so a shift played on a fixed clock does the same things at the same times every run,
however often it happens to look.
"""

from __future__ import annotations

import heapq
import itertools
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Connection

from clearline import demo
from clearline.demo.player import Player
from clearline.demo.steps import Asset, TracksStep, feed_batch
from clearline.model.errors import not_found
from clearline.model.message import Message, ObjectKind, Precedence
from clearline.model.notice import ActivityKind, NoticeRequest
from clearline.model.user import Role, User
from clearline.model.volume import VolumeIn
from clearline.services.deconfliction import notices
from clearline.services.deconfliction.engine import ConflictEngine
from clearline.services.line import messages, visibility
from clearline.services.tactical import tracks
from clearline.services.tactical.picture import Pictures
from clearline.store import agreements as agreement_store
from clearline.store import events
from clearline.store import messages as message_store
from clearline.store import users as user_store

PARTIES = ("IL", "TR")
DAY_S = 86_400
LOCAL_UTC_OFFSET_H = 3
"""Syria's time: the rhythm of the day follows the theatre's clock, not UTC."""
BUSY_HOURS = range(7, 21)
NIGHT_WEIGHT = 0.3
"""How likely an hour of the night is to see a notice filed, against an hour of the day."""
HANDOVER_HOURS = (6, 14, 22)
"""When the watch changes, local time: eight-hour shifts."""


@dataclass(frozen=True)
class Habit:
    """How a duty officer answers messages of one precedence: the share answered within the
    deadline, the share answered late (after it, before the ladder runs out); the rest are
    missed, and cleared by the next watch."""

    on_time: float
    late: float

    def delay_s(self, rng: random.Random, deadline_s: float) -> float | None:
        """Seconds from reaching the party to its acknowledgement; None: missed by this watch."""
        draw = rng.random()
        if draw < self.on_time:
            return rng.triangular(0.1 * deadline_s, 0.9 * deadline_s, 0.35 * deadline_s)
        if draw < self.on_time + self.late:
            return rng.uniform(1.05 * deadline_s, 2.5 * deadline_s)
        return None


HABITS = {
    Precedence.FLASH: Habit(on_time=0.95, late=0.04),
    Precedence.IMMEDIATE: Habit(on_time=0.9, late=0.07),
    Precedence.PRIORITY: Habit(on_time=0.85, late=0.1),
    Precedence.ROUTINE: Habit(on_time=0.8, late=0.12),
}


@dataclass(frozen=True)
class Area:
    """A place a party operates in; a place both parties use is where notices overlap."""

    name: str
    lat: float
    lon: float


SHARED_AREAS = (
    Area("Palmyra", 34.56, 38.28),
    Area("Homs", 34.73, 36.72),
    Area("Deir ez-Zor", 35.33, 40.14),
)
OWN_AREAS = {
    "IL": (Area("Kiswah", 33.36, 36.23), Area("Quneitra", 33.12, 35.9)),
    "TR": (Area("al-Bab", 36.37, 37.52), Area("Manbij", 36.53, 37.95)),
}
SHARED_SHARE = 0.6
"""How often a party's activity is where the other's may be too."""
OVERLAP_SHARE = 0.35
"""How often the other party plans something in the same place within the hour."""
BANDS_FT = {
    ActivityKind.UAV_FLIGHT: (5_000, 18_000),
    ActivityKind.AIR_PATROL: (15_000, 35_000),
    ActivityKind.GROUND_MOVEMENT: (0, 1_000),
    ActivityKind.ARTILLERY_FIRE: (0, 20_000),
    ActivityKind.RADAR_EW_EMISSION: (0, 40_000),
}
"""The kinds of notice a day brings, and the altitudes each takes."""
NOTICES_PER_DAY = (3, 6)
FEEDS_PER_DAY = (1, 3)
FEED_FOR_S = 1_200
FEED_EVERY_S = 30


@dataclass(frozen=True)
class Scene:
    """Where and when an act is done: its write's connection, the line's time, and what the
    line keeps in memory beside the store."""

    connection: Connection
    now: datetime
    conflict_engine: ConflictEngine
    pictures: Pictures


class Act(Protocol):
    """One thing the shift does at its time, as a user of ``party``, in a write of its own."""

    @property
    def party(self) -> str: ...

    def do(self, scene: Scene) -> None: ...


@dataclass(frozen=True)
class Answer:
    """A party's watch acknowledges a message: the duty officer, or whom it escalated to."""

    party: str
    message_id: int

    def do(self, scene: Scene) -> None:
        recipient = visibility.visible(scene.connection, self.party, self.message_id).recipient(
            self.party
        )
        assert recipient is not None, "the shift answers only what reached its party"
        user = _user(scene.connection, self.party, recipient.escalated_to or Role.DUTY_OFFICER)
        messages.acknowledge(scene.connection, user, self.message_id, scene.now)


@dataclass(frozen=True)
class Filing:
    """A duty officer files a notice: its window opens ``lead_s`` beyond the lead time the
    agreement asks for that kind, so that it is never late."""

    party: str
    key: str
    kind: ActivityKind
    area: Area
    lat: float
    lon: float
    radius_m: float
    lead_s: float
    duration_s: float

    def do(self, scene: Scene) -> None:
        user = _user(scene.connection, self.party, Role.DUTY_OFFICER)
        protocol = agreement_store.protocol_in_force(
            scene.connection, notices.agreement_for(scene.connection, self.party, None), scene.now
        )
        start = scene.now + timedelta(seconds=protocol.lead_time_s[self.kind] + self.lead_s)
        lower, upper = BANDS_FT[self.kind]
        circle = {"type": "Circle", "coordinates": (self.lon, self.lat), "radius_m": self.radius_m}
        volume = VolumeIn.model_validate(
            {
                "geometry": circle,
                "alt_lower_ft": lower,
                "alt_upper_ft": upper,
                "start": start,
                "end": start + timedelta(seconds=self.duration_s),
            }
        )
        text = f"{self.kind.replace('_', ' ').capitalize()} near {self.area.name}"
        request = NoticeRequest(kind=self.kind, volumes=[volume], free_text=text)
        notices.file(scene.connection, user, request, scene.now, self.key, scene.conflict_engine)


@dataclass(frozen=True)
class Report:
    """A party's command system reports a feed's assets where they now are."""

    party: str
    feed: TracksStep
    origin: datetime

    def do(self, scene: Scene) -> None:
        user = _user(scene.connection, self.party, Role.SYSTEM)
        elapsed = (scene.now - self.origin).total_seconds()
        tracks.ingest(
            scene.connection,
            user,
            feed_batch(self.feed, None, self.origin, elapsed),
            scene.now,
            scene.pictures,
        )


@dataclass
class Life:
    """The shift from ``start`` on (where a scenario's script runs out): ``look`` finds what
    reached the parties and draws when each is answered, ``due`` hands over the acts whose time
    has come, each once. It remembers in memory only, as the player does: ``clearline demo``
    plays on a fresh store every run."""

    start: datetime
    seed: int = 0
    parties: tuple[str, ...] = PARTIES
    _agenda: list[tuple[datetime, int, Act]] = field(default_factory=list)
    _order: itertools.count[int] = field(default_factory=itertools.count)
    _seen: set[tuple[str, int]] = field(default_factory=set)
    _looked: tuple[int, ...] = ()
    """The newest event of each party at the last look: nothing newer, nothing new to answer."""
    _days: int = 0
    """How many days of traffic are on the agenda already."""

    @classmethod
    def after(cls, player: Player, seed: int = 0) -> Life:
        """The shift that takes over where ``player``'s script runs out."""
        return cls(player.start + timedelta(seconds=player.scenario.timeline[-1].at_s), seed)

    def look(self, connection: Connection, now: datetime) -> None:
        """Put an answer on the agenda for each message newly waiting on a party; what the
        script left unanswered, the shift answers as it takes over, as a watch coming on
        clears what it finds pending."""
        seqs = tuple(events.last_seq(connection, party) for party in self.parties)
        if now < self.start or seqs == self._looked:
            return
        self._looked = seqs
        for party in self.parties:
            for message in message_store.unanswered(connection, party):
                recipient = message.recipient(party)
                if (party, message.id) in self._seen or recipient is None:
                    continue
                self._seen.add((party, message.id))
                self._answer(
                    connection, party, message, max(recipient.released_at or now, self.start)
                )

    def due(self, now: datetime) -> list[Act]:
        """The acts whose time has come, in the order of their times; each is handed over once."""
        while self.start + timedelta(seconds=self._days * DAY_S) <= now:
            self._plan_day(self._days)
            self._days += 1
        acts = []
        while self._agenda and self._agenda[0][0] <= now:
            acts.append(heapq.heappop(self._agenda)[2])
        return acts

    def _schedule(self, at: datetime, act: Act) -> None:
        heapq.heappush(self._agenda, (at, next(self._order), act))

    def _answer(self, connection: Connection, party: str, message: Message, seen: datetime) -> None:
        protocol = agreement_store.protocol_in_force(connection, message.agreement_id, seen)
        deadline_s = protocol.deadline_s(message.precedence)
        rng = random.Random(f"{self.seed}:answer:{party}:{message.id}")
        delay_s = HABITS[message.precedence].delay_s(rng, deadline_s)
        at = _handover(seen) if delay_s is None else seen + timedelta(seconds=delay_s)
        self._schedule(at, Answer(party, message.id))

    def _plan_day(self, day: int) -> None:
        """A day's notices and feeds per party, at moments drawn by the rhythm of the day; now
        and then the other party plans something in the same place soon after."""
        begin = self.start + timedelta(seconds=day * DAY_S)
        for party in self.parties:
            rng = random.Random(f"{self.seed}:day:{day}:{party}")
            for n in range(rng.randint(*NOTICES_PER_DAY)):
                at, key = _time_of_day(rng, begin), f"life:{self.seed}:{party}:{day}:{n}"
                filing = _filing(rng, party, key, _area(rng, party))
                self._schedule(at, filing)
                if rng.random() < OVERLAP_SHARE:
                    other = next(p for p in self.parties if p != party)
                    later = at + timedelta(seconds=rng.uniform(300, 2_400))
                    self._schedule(later, _filing(rng, other, f"{key}:overlap", filing.area))
            for n in range(rng.randint(*FEEDS_PER_DAY)):
                self._feed(rng, party, _time_of_day(rng, begin), f"{party}-UAV-{day:02d}{n}")

    def _feed(self, rng: random.Random, party: str, at: datetime, track_id: str) -> None:
        """A drone flown over one of the party's areas, reported every FEED_EVERY_S."""
        area = _area(rng, party)
        asset = Asset(
            track_id=track_id,
            kind=ObjectKind.UAV,
            lat=area.lat,
            lon=area.lon,
            alt_ft=rng.uniform(12_000, 16_000),
            ground_speed_kt=rng.uniform(90, 130),
            track_deg=rng.uniform(0, 359),
        )
        feed = TracksStep.model_validate(
            {
                "at_s": 0,
                "as": demo.user_name(party, Role.SYSTEM),
                "do": "tracks",
                "reports": [asset],
            }
        )
        for second in range(0, FEED_FOR_S + 1, FEED_EVERY_S):
            self._schedule(at + timedelta(seconds=second), Report(party, feed, at))


def _filing(rng: random.Random, party: str, key: str, area: Area) -> Filing:
    return Filing(
        party=party,
        key=key,
        kind=rng.choice(list(BANDS_FT)),
        area=area,
        lat=area.lat + rng.uniform(-0.08, 0.08),
        lon=area.lon + rng.uniform(-0.08, 0.08),
        radius_m=rng.uniform(5_000, 15_000),
        lead_s=rng.uniform(600, 3_600),
        duration_s=rng.uniform(3_600, 4 * 3_600),
    )


def _area(rng: random.Random, party: str) -> Area:
    return rng.choice(SHARED_AREAS if rng.random() < SHARED_SHARE else OWN_AREAS[party])


def _time_of_day(rng: random.Random, begin: datetime) -> datetime:
    """A moment of the day from ``begin``, an hour of the night less likely than one of the day."""
    while True:
        at = begin + timedelta(seconds=rng.uniform(0, DAY_S))
        hour = (at.hour + LOCAL_UTC_OFFSET_H) % 24
        if hour in BUSY_HOURS or rng.random() < NIGHT_WEIGHT:
            return at


def _handover(after: datetime) -> datetime:
    """The next change of watch: what one shift missed altogether, the next one clears, late
    and on the record as such, as a real watch's handover does."""
    local = after + timedelta(hours=LOCAL_UTC_OFFSET_H)
    hours = [h for h in HANDOVER_HOURS if h > local.hour] or [HANDOVER_HOURS[0] + 24]
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return day + timedelta(hours=hours[0] - LOCAL_UTC_OFFSET_H)


def _user(connection: Connection, party: str, role: Role) -> User:
    name = demo.user_name(party, role)
    user = user_store.user_by_name(connection, name)
    if user is None:
        raise not_found("as", f"no user named {name!r}")
    return user
