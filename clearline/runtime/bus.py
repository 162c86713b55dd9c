"""The event bus: committed events fan out to connected clients, each seeing only its party's.

In-process, since one process serves the line by default. A subscriber that falls too far
behind is cut off rather than allowed to grow without bound; its client reconnects and resumes
from the store by sequence number, so it loses nothing.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

from clearline.model.event import Event

QUEUE_LIMIT = 10_000


@dataclass(eq=False)
class Subscription:
    party: str
    role: str | None = None
    """The role of the user on the other end, where a user is: who a screen shows things to."""
    queue: asyncio.Queue[Event] = field(default_factory=lambda: asyncio.Queue(maxsize=QUEUE_LIMIT))
    overflowed: bool = False


@dataclass
class Bus:
    _subscriptions: set[Subscription] = field(default_factory=set)

    def __len__(self) -> int:
        """How many clients are listening."""
        return len(self._subscriptions)

    def listening(self) -> dict[str, int]:
        """How many clients of each party are listening."""
        return dict(Counter(s.party for s in self._subscriptions))

    def watching(self) -> frozenset[tuple[str, str | None]]:
        """The (party, role) pairs with a client listening now: an escalation to that role of
        that party shows on a screen in front of someone holding it."""
        return frozenset((s.party, s.role) for s in self._subscriptions)

    def subscribe(self, party: str, role: str | None = None) -> Subscription:
        subscription = Subscription(party, role)
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)

    def publish(self, events: list[Event]) -> None:
        for subscription in list(self._subscriptions):
            for event in events:
                if subscription.party not in event.audience:
                    continue
                try:
                    subscription.queue.put_nowait(event)
                except asyncio.QueueFull:
                    subscription.overflowed = True
                    self.unsubscribe(subscription)
                    break
