"""Field types every request shares, so that each is checked once and the same way everywhere."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

MAX_ID = 2**63 - 1
"""The largest id or sequence number either back-end stores (a signed 64-bit integer)."""

RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
Sequence = Annotated[int, Field(ge=0, le=MAX_ID)]


def _no_nul(text: str) -> str:
    # PostgreSQL refuses NUL in text and SQLite would keep it: refuse it on both, up front.
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    return text


Text = Annotated[str, AfterValidator(_no_nul)]
"""Text a person typed: anything printable, never a NUL character."""
