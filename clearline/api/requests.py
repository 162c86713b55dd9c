"""Each request's id and its line in the access log.

The id is the caller's ``X-Request-ID`` where it sends a sensible one (a proxy's, or a command
system's own), a fresh one otherwise; it is bound to every record logged while the request is
served and given back in the response's ``X-Request-ID``, so that a party's complaint, the
proxy's log and the node's log name the same request. Written as plain ASGI middleware, not
Starlette's ``BaseHTTPMiddleware``, which would buffer the streams and the WebSocket.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-request-id"
SENSIBLE = re.compile(rb"^[\w.:-]{1,64}$")
access = logging.getLogger("clearline.access")


class RequestIds:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        status = 0
        begun = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (HEADER, request_id.encode())]
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, sending)
            finally:
                _log(scope, status, time.perf_counter() - begun)


def _request_id(scope: Scope) -> str:
    given = dict(scope.get("headers", [])).get(HEADER, b"")
    return given.decode() if SENSIBLE.fullmatch(given) else uuid.uuid4().hex


def _log(scope: Scope, status: int, seconds: float) -> None:
    """One line a request: never its query string, which may name what a party asked for."""
    method = scope.get("method", "WEBSOCKET")
    client = scope.get("client")
    access.info(
        "%s %s %s",
        method,
        scope["path"],
        status or "-",
        extra={
            "method": method,
            "path": scope["path"],
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "client": client[0] if client else None,
        },
    )
