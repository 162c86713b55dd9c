"""Following the event stream from a terminal, reconnecting and resuming after drops."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import typer
import websockets

from clearline.api.routes.events import UNAUTHORISED
from clearline.cli.client import fail
from clearline.cli.printable import printable

RETRY_S = 2.0


def _say(status: str) -> None:
    """Connection news goes to stderr, so that stdout is the events alone, one per line."""
    typer.echo(status, err=True)


async def follow(
    url: str, token: str, since: int, state_file: Path | None, count: int | None
) -> None:
    last, seen = since, 0
    ws_url = url.replace("http://", "ws://").replace("https://", "wss://").rstrip("/")
    while count is None or seen < count:
        try:
            async with websockets.connect(
                f"{ws_url}/v1/stream?since={last}",
                additional_headers={"Authorization": f"Bearer {token}"},
            ) as socket:
                async for frame in socket:
                    event = json.loads(frame)
                    typer.echo(printable(_line(event)))
                    last, seen = event["seq"], seen + 1
                    if state_file is not None:
                        state_file.write_text(f"{last}\n")
                    if count is not None and seen >= count:
                        return
        except websockets.ConnectionClosed as exc:
            if exc.rcvd is not None and exc.rcvd.code == UNAUTHORISED:
                fail(f"Authorization: {exc.rcvd.reason}")
            _say(f"-- disconnected ({exc}); resuming after {last}")
            await asyncio.sleep(RETRY_S)
        except (OSError, websockets.InvalidStatus) as exc:
            _say(f"-- disconnected ({exc}); resuming after {last}")
            await asyncio.sleep(RETRY_S)


def _line(event: dict[str, object]) -> str:
    payload = event["payload"]
    assert isinstance(payload, dict)
    message = payload.get("message")
    if isinstance(message, dict):
        rendered = message["rendered"]
        route = f"{message['sender_party'] or 'line'}→{','.join(message['to'])}"
        return (
            f"{event['seq']} {event['time']} {event['type']} #{message['id']} "
            f"{message['precedence']} {route} {rendered['title']}: {rendered['text']}"
        )
    detail = payload.get("summary") or {k: v for k, v in payload.items() if k != "line"}
    return f"{event['seq']} {event['time']} {event['type']} {detail}"
