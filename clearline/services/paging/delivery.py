"""What a page posts, how it is signed, and the posting itself, which runs outside the writer.

The body names the escalation (role, precedence, deadline, message, agreement, a link) and never
the message's content unless the party chose so: a paging system is a third party's server, and
the line's content stays on the line by default. The receiver checks the signature with the
secret it shares: HMAC-SHA256 over ``<timestamp>.<body>``, so a replayed old body, or the same
body with a fresh timestamp, does not verify; ``X-Clearline-Delivery`` is the same on every
attempt of one page, so that a receiver that took a page whose answer was lost takes it once.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from clearline.model.message import Message
from clearline.model.webhook import Page

SIGNATURE = "X-Clearline-Signature"
TIMESTAMP = "X-Clearline-Timestamp"
DELIVERY = "X-Clearline-Delivery"
TIMEOUT_S = 5.0
"""A paging system that has not answered in 5 s is tried again later: short, since every page
of the step waits for the slowest."""
MAX_ERROR = 500


@dataclass(frozen=True)
class Outgoing:
    """One signed POST, ready to send: made in the writer, sent outside it."""

    page_id: int
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Outcome:
    page_id: int
    status: int | None
    """The HTTP status, or None where no answer came (timeout, refused connection)."""
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def body_of(page: Page, message: Message, include_content: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "delivery_id": page.delivery_id,
        "attempt": page.attempts + 1,
        "agreement": page.agreement_id,
        "party": page.party,
        "role": page.role,
        "level": page.level,
        "message_id": page.message_id,
        "precedence": message.precedence,
        "escalated_at": page.escalated_at.isoformat(),
        "deadline": page.due_at.isoformat() if page.due_at else None,
        "link": f"/v1/messages/{page.message_id}",
    }
    if include_content:
        body["content"] = {
            "type": message.type,
            "body": message.body,
            "free_text": message.free_text,
        }
    return body


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC of ``<timestamp>.<body>``."""
    signed = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def prepare(
    page: Page, message: Message, url: str, secret: str, include_content: bool, now: datetime
) -> Outgoing:
    """The POST of this attempt, stamped with the line's time."""
    body = json.dumps(body_of(page, message, include_content), separators=(",", ":")).encode()
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        SIGNATURE: sign(secret, timestamp, body),
        TIMESTAMP: str(timestamp),
        DELIVERY: page.delivery_id,
    }
    return Outgoing(page.id, url, body, headers)


async def post_all(outgoing: list[Outgoing], timeout_s: float = TIMEOUT_S) -> list[Outcome]:
    """Post every page at once. Straight to the registered URL (no proxy from the environment,
    no redirect followed: the signed body goes where the party said, or nowhere)."""
    async with httpx.AsyncClient(timeout=timeout_s, trust_env=False) as client:
        return list(await asyncio.gather(*(_post(client, each) for each in outgoing)))


async def _post(client: httpx.AsyncClient, outgoing: Outgoing) -> Outcome:
    try:
        response = await client.post(outgoing.url, content=outgoing.body, headers=outgoing.headers)
    except httpx.HTTPError as exc:
        return Outcome(outgoing.page_id, None, f"{type(exc).__name__}: {exc}"[:MAX_ERROR])
    error = None if response.is_success else f"answered {response.status_code}"
    return Outcome(outgoing.page_id, response.status_code, error)
