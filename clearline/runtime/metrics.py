"""The node's figures for Prometheus (``GET /metrics``).

Two kinds. What the store holds is counted at each scrape, so it is right after a restart and
the same on any node: messages by type and precedence, copies waiting for an acknowledgement
and those overdue, the ledger's size, standing conflicts. What only this node sees is measured
as it happens, since it started: acknowledgement latency, writer batches, tactical sweeps,
clients connected, its loops' last rounds.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Connection

from clearline.model.event import Event, EventType
from clearline.model.message import Precedence
from clearline.runtime.bus import Bus
from clearline.runtime.health import LOOPS, Health
from clearline.store import conflicts as conflict_store
from clearline.store import ledger as ledger_store
from clearline.store import messages as message_store

REMEMBERED = 100_000
"""Messages whose sending time is kept to time their acknowledgements: a day of a busy line."""
ACK_BUCKETS_S = (10, 30, 60, 120, 300, 600, 1_800, 3_600, 6 * 3_600, 24 * 3_600)
"""Around the protocol's deadlines: 2 min FLASH, 10 min IMMEDIATE, 1 h PRIORITY, 6 h ROUTINE."""
FAST_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


@dataclass(frozen=True)
class Figures:
    """What the store holds now, read in one transaction at a scrape."""

    messages: dict[tuple[str, str], int]
    waiting: dict[tuple[str, bool], int]
    ledger_entries: int
    standing_conflicts: dict[str, int]

    @classmethod
    def read(cls, connection: Connection) -> Figures:
        return cls(
            messages=message_store.counts(connection),
            waiting=message_store.waiting(connection),
            ledger_entries=ledger_store.size(connection),
            standing_conflicts=conflict_store.standing_count(connection),
        )


@dataclass
class Metrics:
    """One registry per node (tests start many in a process), its histograms fed by the
    writer, the watch and the committed events."""

    registry: CollectorRegistry = field(
        default_factory=lambda: CollectorRegistry(auto_describe=True)
    )
    _sent: OrderedDict[int, tuple[datetime, str]] = field(default_factory=OrderedDict)

    def __post_init__(self) -> None:
        self.acknowledgement = Histogram(
            "clearline_acknowledgement_seconds",
            "From a message's sending to a human's acknowledgement, by precedence (messages "
            "sent since this node started).",
            ["precedence"],
            buckets=ACK_BUCKETS_S,
            registry=self.registry,
        )
        self.writer_batch = Histogram(
            "clearline_writer_batch_seconds",
            "One group commit of the single writer: its operations and the fsync.",
            buckets=FAST_BUCKETS_S,
            registry=self.registry,
        )
        self.sweep = Histogram(
            "clearline_sweep_seconds",
            "One tactical sweep: every live track screened, encounters opened and closed.",
            buckets=FAST_BUCKETS_S,
            registry=self.registry,
        )

    def observe(self, events: list[Event]) -> None:
        """Committed events: a message's sending remembered, its acknowledgements timed."""
        for event in events:
            if event.type is EventType.MESSAGE_SENT:
                message = event.payload["message"]
                created = datetime.fromisoformat(message["created_at"])
                self._sent[int(message["id"])] = (created, message["precedence"])
                while len(self._sent) > REMEMBERED:
                    self._sent.popitem(last=False)
            elif event.type is EventType.MESSAGE_ACKNOWLEDGED:
                sent = self._sent.get(int(event.payload["message_id"]))
                if sent is not None:
                    after_s = (event.time - sent[0]).total_seconds()
                    self.acknowledgement.labels(sent[1]).observe(after_s)

    def exposition(self, figures: Figures, bus: Bus, health: Health) -> bytes:
        """The text a scrape gets: the histograms and the figures of this moment."""
        now = _Now(figures, bus, health)
        self.registry.register(now)
        try:
            return generate_latest(self.registry)
        finally:
            self.registry.unregister(now)


@dataclass(eq=False)  # registered by identity
class _Now(Collector):
    figures: Figures
    bus: Bus
    health: Health

    def describe(self) -> list[Metric]:
        return []  # registered for one scrape only: nothing to check against the others

    def collect(self) -> Iterator[Metric]:
        figures = self.figures
        sent = CounterMetricFamily(
            "clearline_messages", "Messages put on the line.", labels=["type", "precedence"]
        )
        for (kind, precedence), n in sorted(figures.messages.items()):
            sent.add_metric([kind, precedence], n)
        yield sent
        yield from self._waiting()
        yield GaugeMetricFamily(
            "clearline_ledger_entries", "Entries in the signed ledger.", figures.ledger_entries
        )
        yield _labelled(
            "clearline_conflicts_standing",
            "Conflicts open or acknowledged, not yet resolved, accepted or closed.",
            "agreement",
            figures.standing_conflicts,
        )
        yield _labelled(
            "clearline_clients",
            "Clients listening to this node's events (streams, consoles, TAK), by party.",
            "party",
            self.bus.listening(),
        )
        yield _labelled(
            "clearline_loop_age_seconds",
            "Seconds since each of this node's loops last finished a round.",
            "loop",
            {loop: self.health.age_s(loop) for loop in LOOPS},
        )

    def _waiting(self) -> Iterator[Metric]:
        help_ = {
            False: "Copies released to their party and not yet acknowledged.",
            True: "Copies not acknowledged once their party's whole ladder was tried.",
        }
        for overdue, name in ((False, "clearline_unacknowledged"), (True, "clearline_overdue")):
            family = GaugeMetricFamily(name, help_[overdue], labels=["precedence"])
            for precedence in Precedence:
                count = self.figures.waiting.get((precedence.value, True), 0)
                if not overdue:
                    count += self.figures.waiting.get((precedence.value, False), 0)
                family.add_metric([precedence.value], count)
            yield family


def _labelled(name: str, help_: str, label: str, values: Mapping[str, float]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, help_, labels=[label])
    for key, value in sorted(values.items()):
        family.add_metric([key], value)
    return family
