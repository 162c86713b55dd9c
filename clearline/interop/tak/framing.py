"""A CoT stream cut into events. TAK streams XML events back to back with no length or
delimiter but the closing ``</event>``, as pytak and TAK Server read them; an event that runs
past the size limit is thrown away up to the next close, so memory stays bounded and the
connection lives."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from clearline.interop.tak.cot import MAX_EVENT_BYTES, Dropped

CLOSE = b"</event>"


async def events(reader: asyncio.StreamReader) -> AsyncIterator[bytes | Dropped]:
    """Each event's bytes, or ``Dropped`` for one too large to read, until the peer closes.
    ``reader`` must have been made with ``limit=MAX_EVENT_BYTES``."""
    while True:
        try:
            chunk = await reader.readuntil(CLOSE)
        except asyncio.IncompleteReadError:
            return
        except asyncio.LimitOverrunError as exc:
            await reader.readexactly(exc.consumed)
            await _skip_to_close(reader)
            yield Dropped(f"event: more than {MAX_EVENT_BYTES} bytes before {CLOSE.decode()}")
            continue
        yield chunk.lstrip()


async def _skip_to_close(reader: asyncio.StreamReader) -> None:
    """Throw away the rest of an oversized event, a limit's worth at a time."""
    while True:
        try:
            await reader.readuntil(CLOSE)
            return
        except asyncio.IncompleteReadError:
            return
        except asyncio.LimitOverrunError as exc:
            await reader.readexactly(exc.consumed)
