"""API tokens: what each may do, until when, and whether it was withdrawn. The secret is shown
once, when issued; the line keeps its SHA-256, and names a token by the start of that hash."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from clearline.model.agreement import PartyCode
from clearline.model.fields import Text
from clearline.model.user import User

TOKEN_ID_LENGTH = 16
"""Hex digits of the token's SHA-256 that name it: enough to be unique, nothing of the secret."""


class TokenScope(StrEnum):
    """What a token may do: everything its user may (``full``); read, never write (``read``:
    an auditor's tool, a display); or report tracks and nothing else (``tracks``: a radar
    feed, which then reads nothing of the line)."""

    FULL = "full"
    READ = "read"
    TRACKS = "tracks"


class TokenRequest(BaseModel):
    label: Text = Field(min_length=1, max_length=100, description="What the token is for.")
    scope: TokenScope = TokenScope.FULL
    expires_at: AwareDatetime | None = Field(
        default=None, description="When it stops working; never, if left out."
    )
    user: str | None = Field(
        default=None,
        max_length=100,
        description="A user of your party (a liaison officer's to name); yourself if left out.",
    )


class Token(BaseModel):
    """A token as its user and its party's liaison officers see it: never its secret."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="The first 16 hex digits of the token's SHA-256.")
    user: str
    party: PartyCode
    label: str
    scope: TokenScope
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    def works_at(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


class Issued(BaseModel):
    """A token just issued, with its secret: the only time the line shows it."""

    token: str
    issued: Token


class Credential(BaseModel):
    """Who a request speaks for, and with what token."""

    model_config = ConfigDict(frozen=True)

    user: User
    token: Token
