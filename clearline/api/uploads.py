"""Receiving a file: the request's body streamed into an ``Upload``, refused before a byte is
read when its declared length is over the limit, and as soon as it passes the limit when it
declared none; and a kept file served back piece by piece, as it was recorded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import StreamingResponse

from clearline.model.attachment import Attachment
from clearline.model.errors import invalid
from clearline.runtime.node import Runtime
from clearline.services.record.uploads import Upload, media_type_of
from clearline.store import blobs


@asynccontextmanager
async def received(http: Request, name: str, limit: int) -> AsyncIterator[Upload]:
    with Upload(name, media_type_of(http.headers.get("content-type")), limit) as upload:
        declared = http.headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise invalid("content-length", f"{declared!r} is not a length in bytes")
            Upload.too_large(int(declared), limit)
        async for chunk in http.stream():
            upload.take(chunk)
        upload.finish()
        yield upload


def served(rt: Runtime, attachment: Attachment) -> StreamingResponse:
    """The file under its recorded type, never sniffed again by a browser, offered as a
    download under its name; with its SHA-256 for a client to check what it got."""

    sha256 = attachment.sha256

    async def body() -> AsyncIterator[bytes]:
        count = await rt.read(lambda c: blobs.pieces(c, sha256))
        for n in range(count):
            yield await rt.read(partial(blobs.piece, sha256=sha256, n=n))

    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(attachment.name, safe='')}",
        "X-Content-Type-Options": "nosniff",
        "Content-Length": str(attachment.size),
        "X-Clearline-SHA256": attachment.sha256,
    }
    return StreamingResponse(body(), media_type=attachment.media_type, headers=headers)
