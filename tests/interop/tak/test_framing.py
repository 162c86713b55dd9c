"""A CoT stream cut into events at each ``</event>``, an oversized one thrown away whole."""

from __future__ import annotations

import asyncio

from clearline.interop.tak.cot import MAX_EVENT_BYTES
from clearline.interop.tak.framing import events


def cut(*chunks: bytes) -> list[bytes | str]:
    async def read() -> list[bytes | str]:
        reader = asyncio.StreamReader(limit=MAX_EVENT_BYTES)
        for chunk in chunks:
            reader.feed_data(chunk)
        reader.feed_eof()
        return [e if isinstance(e, bytes) else f"dropped: {e}" async for e in events(reader)]

    return asyncio.run(read())


def test_events_back_to_back_are_cut_at_each_close_whatever_the_chunks() -> None:
    one, two = b"<?xml version='1.0'?>\n<event uid='1'/></event>", b"\n<event uid='2'></event>"
    stream = one + two
    assert cut(stream) == [one, two.lstrip()]
    assert cut(*[stream[i : i + 7] for i in range(0, len(stream), 7)]) == [one, two.lstrip()]


def test_an_oversized_event_is_dropped_and_the_next_one_read() -> None:
    huge = b"<event>" + b"x" * (3 * MAX_EVENT_BYTES) + b"</event>"
    after = b"<event uid='after'></event>"
    found = cut(huge, after)
    assert found[0] == f"dropped: event: more than {MAX_EVENT_BYTES} bytes before </event>"
    assert found[1:] == [after]


def test_a_stream_that_ends_inside_an_event_ends_without_it() -> None:
    assert cut(b"<event uid='1'></event><event uid='2'>") == [b"<event uid='1'></event>"]
    assert cut(b"<event>" + b"x" * (2 * MAX_EVENT_BYTES)) == [
        f"dropped: event: more than {MAX_EVENT_BYTES} bytes before </event>"
    ]
