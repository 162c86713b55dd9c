"""The TAK gateway: a TLS server speaking streaming CoT, one session per connection.

Run inside the node (``clearline serve --tak-port 8089``), beside the API, on the same writer
and bus: a track a TAK feed reports is screened and shown exactly as one posted to
``/v1/tracks``. Only TLS with a client certificate the line's authority signed is served: a
plain TCP stream names no party, and the gateway must never guess whose picture to show.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from clearline.interop.tak import certificates
from clearline.interop.tak.cot import MAX_EVENT_BYTES
from clearline.interop.tak.session import Session, close
from clearline.model.errors import ClearlineError
from clearline.runtime.node import Runtime
from clearline.store.claim import ClaimLost

log = logging.getLogger("clearline.tak")


@dataclass(frozen=True)
class Settings:
    """Where the gateway listens, and the directory of its authority and certificates."""

    port: int
    directory: certificates.Files
    host: str = "127.0.0.1"
    names: tuple[str, ...] = ("localhost", "127.0.0.1")
    """The names its server certificate carries, for clients that check them."""


@dataclass
class Gateway:
    rt: Runtime
    settings: Settings
    _server: asyncio.Server | None = None
    _sessions: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self) -> None:
        """Make the certificates where they are missing, and listen."""
        files = self.settings.directory
        await asyncio.to_thread(
            certificates.prepare, files, list(self.settings.names), self.rt.clock.now()
        )
        context = certificates.server_context(files)
        self._server = await asyncio.start_server(
            self._connected,
            self.settings.host,
            self.settings.port,
            ssl=context,
            limit=MAX_EVENT_BYTES,
        )
        log.info(
            "TAK gateway on %s:%d (TLS, client certificates from %s)",
            self.settings.host,
            self.settings.port,
            files.authority,
        )

    async def stop(self) -> None:
        """Stop listening and end every session, before the writer stops."""
        if self._server is not None:
            self._server.close()
        for task in list(self._sessions):
            task.cancel()
        await asyncio.gather(*self._sessions, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._sessions.add(task)
        name = certificates.common_name(writer.get_extra_info("peercert"))
        peer = writer.get_extra_info("peername")
        log.info("tak %s connected from %s", name, peer)
        try:
            await Session(self.rt, name or "", reader, writer).run()
        except ClearlineError as exc:
            log.warning("tak %s refused: %s: %s", name, exc.field, exc.reason)
        except ClaimLost:
            log.warning("tak %s: this node lost its claim on the database; closing", name)
        except (ConnectionError, TimeoutError) as exc:
            log.info("tak %s: connection ended (%s)", name, type(exc).__name__)
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("tak %s: session failed", name)
        finally:
            self._sessions.discard(task)
            await close(writer)
            log.info("tak %s disconnected", name)
