"""The event stream: polling (`GET /v1/events`) and live (`WS /v1/stream`), both resumable.

Both answer "everything your party may see after sequence number N". A client that keeps the
last number it saw and reconnects with it gets exactly what it missed: no gap, no duplicate.
Handing a message to a client of the recipient party is what marks it delivered.
"""

from __future__ import annotations

import contextlib
import json
import logging
from datetime import datetime
from functools import partial
from typing import Annotated, Literal

import anyio
from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from clearline.api.auth import (
    SESSION_COOKIE,
    TOKEN_MEMORY,
    TRACKS_PATH,
    CurrentRuntime,
    CurrentUser,
    authenticate,
    in_scope,
    reads_records,
    runtime_of,
)
from clearline.api.schemas import EventPage, present
from clearline.model.errors import ClearlineError, ErrorKind, from_validation
from clearline.model.event import Event
from clearline.model.fields import MAX_ID
from clearline.model.message import Message
from clearline.model.token import Credential, TokenScope
from clearline.model.track import TrackBatch
from clearline.model.user import User
from clearline.runtime.bus import Subscription
from clearline.runtime.node import Runtime
from clearline.services import events as reading
from clearline.services.line import messages
from clearline.services.tactical import tracks

router = APIRouter(prefix="/v1", tags=["events"])
log = logging.getLogger("clearline")
PAGE = 500
UNAUTHORISED = 4401
"""Close code for a stream opened without a valid token (HTTP 401 in the 4000 range)."""
FORBIDDEN = 4403
"""Close code for a stream whose token may not read one (an operator's)."""


@router.get("/events", response_model=EventPage)
async def poll(
    user: CurrentUser,
    rt: CurrentRuntime,
    since: Annotated[
        int, Query(ge=0, le=MAX_ID, description="The last sequence number you saw.")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=5_000)] = PAGE,
) -> EventPage:
    found = await rt.read(lambda c: reading.since(c, user, since, limit))
    shown, arrived = present(found, user)
    await _deliver(rt, user, arrived)
    return EventPage(events=shown, last_seq=found[-1].seq if found else since)


class EventHead(BaseModel):
    last_seq: int


@router.get("/events/head", response_model=EventHead)
async def head(user: CurrentUser, rt: CurrentRuntime) -> EventHead:
    """The newest event your party may see: where a client that wants only what comes next
    starts its stream (`?since=`)."""
    return EventHead(last_seq=await rt.read(lambda c: reading.last_seq(c, user)))


class ClockOut(BaseModel):
    now: datetime
    speed: float = Field(description="Seconds of the line's time a real second: 10 in a demo.")


@router.get("/clock", response_model=ClockOut)
async def clock(rt: CurrentRuntime) -> ClockOut:
    """The line's time: deadlines and countdowns run on it, which a demo accelerates."""
    return ClockOut(now=rt.clock.now(), speed=rt.clock.speed)


@router.websocket("/stream")
async def stream(
    websocket: WebSocket,
    since: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    token: str | None = None,
) -> None:
    """Live events as JSON text frames, each one `EventOut`.

    Authenticate with `Authorization: Bearer <token>`, the console's sign-in cookie, or, where
    a client can set neither, `?token=`. Resume with `?since=<last seq seen>`.
    """
    rt = runtime_of(websocket)
    header = websocket.headers.get("authorization", "").removeprefix("Bearer ").strip()
    secret = token or header or websocket.cookies.get(SESSION_COOKIE) or None
    try:
        found = await authenticate(rt, secret)
        reads_records(found.user)
    except ClearlineError as exc:
        # Accept first so that browsers, which never see a refused handshake's status, get the
        # close code and reason.
        await websocket.accept()
        code = FORBIDDEN if exc.kind is ErrorKind.FORBIDDEN else UNAUTHORISED
        await websocket.close(code=code, reason=exc.reason)
        return
    await websocket.accept()
    user, scope = found.user, found.token.scope
    subscription = rt.bus.subscribe(user.party, user.role)
    try:
        async with anyio.create_task_group() as streams:

            async def pump() -> None:
                with contextlib.suppress(WebSocketDisconnect):
                    await _pump(websocket, rt, user, since, subscription)
                streams.cancel_scope.cancel()

            async def watch_client() -> None:
                await _listen(websocket, rt, found)
                streams.cancel_scope.cancel()

            async def watch_token() -> None:
                await _until_refused(rt, secret)
                with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                    await websocket.close(code=UNAUTHORISED, reason="the token no longer works")
                streams.cancel_scope.cancel()

            if scope is not TokenScope.TRACKS:  # a radar feed's token reads nothing
                streams.start_soon(pump)
            streams.start_soon(watch_client)
            streams.start_soon(watch_token)
    finally:
        rt.bus.unsubscribe(subscription)


async def _until_refused(rt: Runtime, secret: str | None) -> None:
    """Look the token up again as often as a node trusts it: a revoked or expired token ends
    its stream as it ends its requests."""
    while True:
        await anyio.sleep(TOKEN_MEMORY.total_seconds())
        try:
            await authenticate(rt, secret)
        except ClearlineError:
            return


async def _pump(
    websocket: WebSocket,
    rt: Runtime,
    user: User,
    since: int,
    subscription: Subscription,
) -> None:
    """The backlog from the store, then live events; subscribed first so nothing falls between."""
    last = since
    while page := await rt.read(partial(reading.since, reader=user, seq=last, limit=PAGE)):
        last = await _send(websocket, rt, user, page)
    while not (subscription.overflowed and subscription.queue.empty()):
        event = await subscription.queue.get()
        if event.seq > last:
            last = await _send(websocket, rt, user, [event])
    await websocket.close(code=1013, reason="fell behind: reconnect with since")


async def _listen(websocket: WebSocket, rt: Runtime, found: Credential) -> None:
    """Take what the client sends (track reports) until it goes away, so that an idle stream
    does not linger. A frame ``{"type": "tracks", "reports": [...]}`` is a ``POST /v1/tracks``
    batch; the answer is ``{"type": "tracks.accepted", "accepted": n}`` or an error frame
    shaped as the HTTP API's errors, and the stream stays open either way."""
    while (frame := await websocket.receive())["type"] != "websocket.disconnect":
        text = frame.get("text") or frame.get("bytes") or b""
        try:
            in_scope(found.token.scope, "POST", TRACKS_PATH)
        except ClearlineError as exc:
            answer = _error(exc)
        else:
            answer = await _take(rt, found.user, text)
        await websocket.send_text(json.dumps(answer))


async def _take(rt: Runtime, user: User, text: str | bytes) -> dict[str, object]:
    try:
        # Off the event loop, as POST /v1/tracks does: 10,000 reports take 50 ms to validate.
        frame = await run_in_threadpool(TrackFrame.model_validate_json, text)
        now = rt.clock.now()
        taken = await rt.write(lambda c: tracks.ingest(c, user, frame, now, rt.pictures))
    except ValidationError as exc:
        return _error(from_validation(exc))
    except ClearlineError as exc:
        return _error(exc)
    return {"type": "tracks.accepted", "accepted": taken}


def _error(exc: ClearlineError) -> dict[str, object]:
    return {"type": "error", "error": exc.kind, "field": exc.field, "reason": exc.reason}


class TrackFrame(TrackBatch):
    type: Literal["tracks"]


async def _send(
    websocket: WebSocket,
    rt: Runtime,
    user: User,
    events: list[Event],
) -> int:
    shown, arrived = present(events, user)
    for event in shown:
        await websocket.send_text(event.model_dump_json())
    # Delivery is recorded without holding up the stream (the writer batches these), and is
    # recorded even if the client goes away meanwhile: the events did reach it.
    rt.spawn(_deliver(rt, user, arrived))
    return events[-1].seq


async def _deliver(rt: Runtime, user: User, arrived: list[Message]) -> None:
    if arrived:
        now = rt.clock.now()
        await rt.write(lambda c: messages.mark_delivered(c, user, arrived, now))
