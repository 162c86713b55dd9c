"""The application: routes, error shapes, and the node's start and stop (its loops are
``runtime.loops``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from clearline.api import console, errors, openapi, session
from clearline.api.requests import RequestIds
from clearline.api.routes import (
    agreements,
    conflicts,
    events,
    features,
    health,
    incidents,
    keys,
    ledger,
    lines,
    messages,
    notices,
    proposals,
    protocol,
    rounds,
    tokens,
    tracks,
    users,
    webhooks,
    zones,
)
from clearline.clock import Clock, SystemClock
from clearline.demo.life import Life
from clearline.demo.player import Player
from clearline.demo.scenario import Scenario
from clearline.interop.tak.gateway import Gateway, Settings
from clearline.runtime.loops import page_forever, play_forever, watch_forever
from clearline.runtime.node import Runtime
from clearline.store.claim import ClaimLost
from clearline.store.database import create_engine, migrate

log = logging.getLogger("clearline")
WATCH_INTERVAL_S = 1.0


def create_app(
    database_url: str,
    clock: Clock | None = None,
    watch_interval_s: float | None = WATCH_INTERVAL_S,
    key: Ed25519PrivateKey | None = None,
    scenario: Scenario | None = None,
    shift_seed: int | None = None,
    tak: Settings | None = None,
) -> FastAPI:
    """The line, on the store at ``database_url``, signing its ledger with ``key``.

    ``watch_interval_s`` is how often (in real seconds) deadlines and line checks are looked
    at; ``None`` leaves that to the caller (tests step it with ``watch``). Without ``key`` a
    throw-away one is made: fine for tests, useless for receipts anyone keeps. A ``scenario``
    is played from now on the clock, beside the watch (``play``); with a ``shift_seed``, a
    simulated shift takes over where its script runs out (``live``, ``demo.life``). With
    ``tak``, the TAK gateway listens beside the API (``interop.tak.gateway``).
    """
    engine = create_engine(database_url)
    rt = Runtime(
        engine=engine, clock=clock or SystemClock(), key=key or Ed25519PrivateKey.generate()
    )

    player = Player(scenario, rt.clock.now()) if scenario is not None else None
    life = Life.after(player, shift_seed) if player and shift_seed is not None else None
    gateway = Gateway(rt, tak) if tak is not None else None

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(rt.claim.take)  # first: a second node must not even migrate
        watcher = playing = paging = None
        try:
            await asyncio.to_thread(migrate, engine)
            await asyncio.to_thread(rt.read_now, rt.conflict_engine.rebuild)
            rt.writer.start()
            if gateway is not None:
                await gateway.start()
            if watch_interval_s is not None:
                rt.health.start(watch_interval_s)
                watcher = asyncio.create_task(watch_forever(rt, watch_interval_s))
                paging = asyncio.create_task(page_forever(rt, watch_interval_s))
            if player is not None and watch_interval_s is not None:
                playing = asyncio.create_task(play_forever(rt, player, life))
            yield
        finally:
            for task in (watcher, playing, paging):
                if task is not None:
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
            if gateway is not None:
                await gateway.stop()
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
    app.state.life = life
    app.state.gateway = gateway
    errors.install(app)
    app.add_middleware(RequestIds)
    app.add_exception_handler(ClaimLost, _claim_lost)  # type: ignore[arg-type]
    for resource in (
        messages,
        lines,
        events,
        ledger,
        notices,
        conflicts,
        zones,
        protocol,
        proposals,
        keys,
        rounds,
        incidents,
        tracks,
        webhooks,
        tokens,
        users,
        agreements,
        session,
        health,
        features,
    ):
        app.include_router(resource.router)
    console.install(app)
    openapi.install(app)

    return app


async def _claim_lost(_request: Request, exc: ClaimLost) -> JSONResponse:
    """A node that lost its claim on the database refuses every write, and says so: 503,
    in the shape of every other refusal."""
    return errors.unavailable("database", str(exc))
