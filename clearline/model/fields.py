"""Field types every request shares, so that each is checked once and the same way everywhere."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

MAX_ID = 2**63 - 1
"""The largest id or sequence number either back-end stores (a signed 64-bit integer)."""

RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
Sequence = Annotated[int, Field(ge=0, le=MAX_ID)]


def _storable(text: str) -> str:
    """PostgreSQL refuses NUL in text and SQLite would keep it; a lone surrogate (``\\ud800``,
    which JSON can escape but UTF-8 cannot encode) neither can store: refuse both, up front."""
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"must not contain a lone surrogate (U+{ord(text[exc.start]):04X} at {exc.start})"
        ) from None
    return text


Text = Annotated[str, AfterValidator(_storable)]
"""Text a person typed: anything encodable, never a NUL character; shown escaped where it could
act on a terminal or a page (``cli.printable``, the console's ``<bdi>``)."""
