"""A paging system on 127.0.0.1: a real HTTP server in a thread that records every POST and
answers as told (500 a few times, then 200), for the webhook tests."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = "il-paging-secret-0123456789abcdefghij"
"""IL's paging secret in the tests: what a signature must verify with."""
FREE_TEXT = "Strike package inbound from the north"
"""Words of a paged message that must not leave the line unless its party allows content."""


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def verifies(self, secret: str) -> bool:
        """Whether the signature is HMAC-SHA256 of ``<timestamp>.<body>`` with ``secret``."""
        signed = self.headers["x-clearline-timestamp"].encode() + b"." + self.body
        expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.headers["x-clearline-signature"])


@dataclass
class Receiver:
    url: str = ""
    received: list[Received] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)
    """Statuses to answer first, one a request; 200 once they are used up."""

    def fail(self, times: int, status: int = 500) -> None:
        self.failures.extend([status] * times)

    def answer(self) -> int:
        return self.failures.pop(0) if self.failures else 200


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {key.lower(): value for key, value in self.headers.items()}
            receiver.received.append(Received(self.path, headers, body))
            self.send_response(receiver.answer())
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the test reads what was received, not a log of it."""

    return Handler


@contextmanager
def receiving() -> Iterator[Receiver]:
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/clearline/pages"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
