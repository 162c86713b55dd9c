"""Webhooks and pages: how an escalation reaches the person it names, on a party's own paging
system, when nobody of that party has the console open.

A party registers one webhook per agreement: a URL and a secret it shares with its paging
system. Each escalation of a message to one of its roles becomes a page, posted to that URL,
signed with the secret, and retried with backoff until it is taken or given up.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from clearline.model.agreement import PartyCode
from clearline.model.user import Role

MIN_SECRET_BYTES = 32
"""HMAC-SHA256's own key size: a shorter secret is easier to guess than the signature."""
MAX_SECRET_BYTES = 512
MAX_URL = 2_000


class WebhookIn(BaseModel):
    """What a party registers: where its paging system listens, the secret it signs with, and
    whether the message's content may leave the line (by default it may not)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(max_length=MAX_URL, examples=["https://paging.example.mil/clearline"])
    secret: SecretStr = Field(description=f"At least {MIN_SECRET_BYTES} bytes; never shown again.")
    include_content: bool = False

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host")
        if any(c.isspace() or not c.isprintable() for c in url):
            raise ValueError("must not contain spaces or control characters")
        return url

    @field_validator("secret")
    @classmethod
    def _long_enough(cls, secret: SecretStr) -> SecretStr:
        value = secret.get_secret_value()
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        size = len(value.encode("utf-8"))  # a lone surrogate raises here, and is refused
        if not MIN_SECRET_BYTES <= size <= MAX_SECRET_BYTES:
            raise ValueError(
                f"must be {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes (UTF-8), not {size}"
            )
        return secret


class Webhook(BaseModel):
    """A registered webhook as its own party reads it: never its secret."""

    model_config = ConfigDict(frozen=True)

    agreement_id: str
    party: PartyCode
    url: str
    include_content: bool
    created_at: datetime
    updated_at: datetime
    updated_by: int | None


class PageState(StrEnum):
    PENDING = "pending"
    """Not yet taken by the paging system: due at ``next_attempt_at``."""
    DELIVERED = "delivered"
    """The paging system answered 2xx."""
    ABANDONED = "abandoned"
    """Every attempt failed, or the webhook was deleted before one succeeded."""
    NO_WEBHOOK = "no_webhook"
    """The party had no webhook: only a console could show it."""
    ACKNOWLEDGED = "acknowledged"
    """A human acknowledged the message before the page went out: nothing to send."""
    SUPERSEDED = "superseded"
    """The message had climbed further (a watch catching up) before it could be sent."""


REACHED = frozenset({PageState.DELIVERED, PageState.ACKNOWLEDGED})
"""States in which the escalation reached a person, whatever the console showed."""


class Page(BaseModel):
    """One escalation of a message to a role of a party, and what became of telling them."""

    model_config = ConfigDict(frozen=True)

    id: int
    agreement_id: str
    event_seq: int = Field(description="The escalation's event.")
    message_id: int
    party: PartyCode
    role: Role
    level: int
    escalated_at: datetime
    due_at: datetime | None
    console: bool = Field(description="A console of the role it named was open when it escalated.")
    state: PageState
    delivery_id: str
    attempts: int
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    delivered_at: datetime | None
