"""The node's loops: the watch over the clock (deadlines, line checks, notices, conflicts,
tracks) once a second, and a demo's play (its scenario and its simulated shift). Each step is
one write, so a step the line refuses rolls back alone; a node that lost its claim on the
database stops both."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import Connection

from clearline.clock import FixedClock
from clearline.demo.life import Act, Life, Scene
from clearline.demo.player import Player
from clearline.model.errors import ClearlineError
from clearline.runtime.node import Runtime
from clearline.services.deconfliction import conflicts as conflict_service
from clearline.services.deconfliction import notices as notice_service
from clearline.services.line import deadlines, line_checks
from clearline.services.paging import delivery, pages
from clearline.services.protocol import effect
from clearline.services.tactical import sweep
from clearline.store.claim import ClaimLost
from clearline.store.database import checkpoint

log = logging.getLogger("clearline")
PLAY_INTERVAL_S = 0.5
FAST_STEP_S = 30.0
"""Seconds of the line's time between two looks when it runs as fast as it can: a quarter of
the shortest deadline (two minutes), so that escalations and answers keep their order."""


async def watch(rt: Runtime) -> int:
    """One look at the clock: send due line checks, escalate what is overdue, move notices
    from planned to active to ended, close conflicts whose window has passed, screen the live
    tracks and ask about unknown objects near a party's forces, and put in force the protocol
    versions whose time has come."""
    now = rt.clock.now()

    def step(connection: Connection) -> int:
        return (
            len(line_checks.send_due(connection, now))
            + deadlines.run(connection, now)
            + notice_service.advance(connection, now, rt.conflict_engine)
            + conflict_service.close_ended(connection, now)
            + _swept(connection, now, rt)
            + effect.take_effect(connection, now, rt.conflict_engine, rt.pictures)
        )

    return await rt.write(step)


def _swept(connection: Connection, now: datetime, rt: Runtime) -> int:
    with rt.metrics.sweep.time():
        return sweep.run(connection, now, rt.pictures, rt.conflict_engine)


async def watch_forever(rt: Runtime, interval_s: float) -> None:
    while True:
        try:
            with rt.health.round("watch"):
                await watch(rt)
                await asyncio.to_thread(checkpoint, rt.engine)
        except ClaimLost:
            return  # the claim logged why; a node that lost it has nothing more to watch
        except Exception:  # keep watching: one bad step must not silence every later deadline
            log.exception("deadline watch failed; retrying")
        await asyncio.sleep(interval_s)


async def page(rt: Runtime) -> int:
    """Page the people escalations name: a page for each new escalation (noting whether a
    client of that party and role is listening), then the posts now due, sent outside the
    writer, whose outcomes are written back in a second write. Returns how many posts were
    made."""
    now, listening = rt.clock.now(), rt.bus.watching()
    due = await rt.write(lambda c: pages.take(c, now, listening))
    if not due:
        return 0
    outcomes = await delivery.post_all(due)
    answered = rt.clock.now()
    await rt.write(lambda c: pages.record(c, outcomes, answered))
    return len(outcomes)


async def page_forever(rt: Runtime, interval_s: float) -> None:
    """Beside the watch, not in it: a paging system that hangs holds up its own pages alone,
    never a deadline."""
    with contextlib.suppress(ClaimLost):  # the claim logged why; nobody more is paged
        while True:
            try:
                with rt.health.round("paging"):
                    await page(rt)
            except ClaimLost:
                raise
            except Exception:  # keep paging: one failed step must not silence every later page
                log.exception("paging failed; retrying")
            await asyncio.sleep(interval_s)


async def play(rt: Runtime, player: Player) -> int:
    """Do every scenario step now due, each in a write of its own: a step the line refuses
    rolls back alone and is logged, and the play goes on, unless this node lost its claim on
    the database (``ClaimLost``, raised). Returns how many were done."""
    now = rt.clock.now()
    done = 0
    for index in player.due(now):
        step = partial(
            player.apply,
            index=index,
            now=now,
            conflict_engine=rt.conflict_engine,
            pictures=rt.pictures,
        )
        done += await _attempt(rt, step, f"scenario step {player.describe(index)}")
    return done


async def live(rt: Runtime, life: Life) -> int:
    """Let the simulated shift (``demo.life``) look at the line and do what is now due, each
    act in a write of its own, refused or failing alone as a scenario step does. Returns how
    many were done."""
    now = rt.clock.now()
    await rt.read(partial(life.look, now=now))
    done = 0
    for act in life.due(now):
        operation = partial(_act, act=act, now=now, rt=rt)
        done += await _attempt(rt, operation, f"shift {type(act).__name__.lower()} by {act.party}")
    return done


def _act(connection: Connection, act: Act, now: datetime, rt: Runtime) -> None:
    act.do(Scene(connection, now, rt.conflict_engine, rt.pictures))


async def _attempt(rt: Runtime, operation: Callable[[Connection], object], what: str) -> bool:
    """One write of the play; a refusal or a failure is logged, and the play goes on."""
    try:
        await rt.write(operation)
    except ClaimLost:
        raise
    except ClearlineError as exc:
        log.warning("%s refused: %s", what, exc)
    except Exception:
        log.exception("%s failed", what)
    else:
        return True
    return False


async def _turn(rt: Runtime, player: Player | None, life: Life | None) -> None:
    if player is not None:
        await play(rt, player)
    if life is not None:
        await live(rt, life)


async def play_forever(rt: Runtime, player: Player | None, life: Life | None = None) -> None:
    """Play the scenario and the shift (either may be absent) every PLAY_INTERVAL_S."""
    with contextlib.suppress(ClaimLost):  # the claim logged why; nothing more is played
        while True:
            await _turn(rt, player, life)
            await asyncio.sleep(PLAY_INTERVAL_S)


async def run_for(
    rt: Runtime,
    clock: FixedClock,
    seconds: float,
    player: Player | None,
    life: Life | None,
    step_s: float = FAST_STEP_S,
) -> None:
    """Play, live and watch every ``step_s`` of the fixed clock's time for ``seconds`` of it,
    as a running server would, as fast as the machine allows (``clearline demo --until``)."""
    end = clock.now() + timedelta(seconds=seconds)
    while clock.now() < end:
        await _turn(rt, player, life)
        await watch(rt)
        clock.advance(step_s)
    await asyncio.to_thread(checkpoint, rt.engine)
