"""The application: routes, error shapes, and the background watch over deadlines."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from functools import partial

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Connection

from clearline.api import (
    conflicts,
    console,
    errors,
    events,
    ledger,
    lines,
    messages,
    notices,
    session,
    tracks,
    zones,
)
from clearline.clock import Clock, SystemClock
from clearline.demo.scenario import Player, Scenario
from clearline.model.errors import ClearlineError
from clearline.runtime.node import Runtime
from clearline.services.deconfliction import conflicts as conflict_service
from clearline.services.deconfliction import notices as notice_service
from clearline.services.line import deadlines, line_checks
from clearline.services.tactical import sweep
from clearline.store.claim import ClaimLost
from clearline.store.database import checkpoint, create_engine, migrate

log = logging.getLogger("clearline")
WATCH_INTERVAL_S = 1.0
PLAY_INTERVAL_S = 0.5


def create_app(
    database_url: str,
    clock: Clock | None = None,
    watch_interval_s: float | None = WATCH_INTERVAL_S,
    key: Ed25519PrivateKey | None = None,
    scenario: Scenario | None = None,
) -> FastAPI:
    """The line, on the store at ``database_url``, signing its ledger with ``key``.

    ``watch_interval_s`` is how often (in real seconds) deadlines and line checks are looked
    at; ``None`` leaves that to the caller (tests step it with ``watch``). Without ``key`` a
    throw-away one is made: fine for tests, useless for receipts anyone keeps. A ``scenario``
    is played from now on the clock, beside the watch (``play``).
    """
    engine = create_engine(database_url)
    rt = Runtime(
        engine=engine, clock=clock or SystemClock(), key=key or Ed25519PrivateKey.generate()
    )

    player = Player(scenario, rt.clock.now()) if scenario is not None else None

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(rt.claim.take)  # first: a second node must not even migrate
        watcher = playing = None
        try:
            await asyncio.to_thread(migrate, engine)
            await asyncio.to_thread(rt.read_now, rt.conflict_engine.rebuild)
            rt.writer.start()
            if watch_interval_s is not None:
                watcher = asyncio.create_task(_watch_forever(rt, watch_interval_s))
            if player is not None and watch_interval_s is not None:
                playing = asyncio.create_task(_play_forever(rt, player))
            yield
        finally:
            for task in (watcher, playing):
                if task is not None:
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
            await rt.drain()
            await rt.writer.stop()
            rt.claim.release()
            engine.dispose()

    app = FastAPI(
        title="Clearline",
        version="0.1.0",
        summary="A deconfliction line between armed forces that share a theatre.",
        lifespan=lifespan,
    )
    app.state.runtime = rt
    app.state.player = player
    errors.install(app)
    app.add_exception_handler(ClaimLost, _claim_lost)  # type: ignore[arg-type]
    app.include_router(messages.router)
    app.include_router(lines.router)
    app.include_router(events.router)
    app.include_router(ledger.router)
    app.include_router(notices.router)
    app.include_router(conflicts.router)
    app.include_router(zones.router)
    app.include_router(tracks.router)

    app.include_router(session.router)
    console.install(app)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        if rt.claim.lost is not None:
            raise ClaimLost(rt.claim.lost)
        return {"status": "ok"}

    return app


async def _claim_lost(_request: Request, exc: ClaimLost) -> JSONResponse:
    """A node that lost its claim on the database refuses every write, and says so: 503,
    in the shape of every other refusal."""
    return JSONResponse(
        {"error": "unavailable", "field": "database", "reason": str(exc)}, status_code=503
    )


async def watch(rt: Runtime) -> int:
    """One look at the clock: send due line checks, escalate what is overdue, move notices
    from planned to active to ended, close conflicts whose window has passed, screen the live
    tracks and ask about unknown objects near a party's forces."""
    now = rt.clock.now()

    def step(connection: Connection) -> int:
        return (
            len(line_checks.send_due(connection, now))
            + deadlines.run(connection, now)
            + notice_service.advance(connection, now, rt.conflict_engine)
            + conflict_service.close_ended(connection, now)
            + sweep.run(connection, now, rt.pictures, rt.conflict_engine)
        )

    return await rt.write(step)


async def _watch_forever(rt: Runtime, interval_s: float) -> None:
    while True:
        try:
            await watch(rt)
            await asyncio.to_thread(checkpoint, rt.engine)
        except ClaimLost:
            return  # the claim logged why; a node that lost it has nothing more to watch
        except Exception:  # keep watching: one bad step must not silence every later deadline
            log.exception("deadline watch failed; retrying")
        await asyncio.sleep(interval_s)


async def play(rt: Runtime, player: Player) -> int:
    """Do every scenario step now due, each in a write of its own: a step the line refuses
    rolls back alone and is logged, and the play goes on, unless this node lost its claim on
    the database (``ClaimLost``, raised). Returns how many were done."""
    now = rt.clock.now()
    done = 0
    for index in player.due(now):
        try:
            await rt.write(
                partial(
                    player.apply,
                    index=index,
                    now=now,
                    conflict_engine=rt.conflict_engine,
                    pictures=rt.pictures,
                )
            )
            done += 1
        except ClaimLost:
            raise
        except ClearlineError as exc:
            log.warning("scenario step %s refused: %s", player.describe(index), exc)
        except Exception:
            log.exception("scenario step %s failed", player.describe(index))
    return done


async def _play_forever(rt: Runtime, player: Player) -> None:
    with contextlib.suppress(ClaimLost):  # the claim logged why; nothing more is played
        while True:
            await play(rt, player)
            await asyncio.sleep(PLAY_INTERVAL_S)
