"""The node's loops: the watch over the clock (deadlines, line checks, notices, conflicts,
tracks) once a second, and a demo scenario's play. Each step is one write, so a step the line
refuses rolls back alone; a node that lost its claim on the database stops both."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from functools import partial

from sqlalchemy import Connection

from clearline.demo.player import Player
from clearline.model.errors import ClearlineError
from clearline.runtime.node import Runtime
from clearline.services.deconfliction import conflicts as conflict_service
from clearline.services.deconfliction import notices as notice_service
from clearline.services.line import deadlines, line_checks
from clearline.services.tactical import sweep
from clearline.store.claim import ClaimLost
from clearline.store.database import checkpoint

log = logging.getLogger("clearline")
PLAY_INTERVAL_S = 0.5


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


async def watch_forever(rt: Runtime, interval_s: float) -> None:
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


async def play_forever(rt: Runtime, player: Player) -> None:
    with contextlib.suppress(ClaimLost):  # the claim logged why; nothing more is played
        while True:
            await play(rt, player)
            await asyncio.sleep(PLAY_INTERVAL_S)
