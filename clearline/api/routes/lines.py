"""Lines: their state and figures, suspension and restoration."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import Connection

from clearline.api.auth import CurrentRuntime, CurrentUser
from clearline.api.schemas import LineOut, SuspendRequest
from clearline.model.line import Line
from clearline.model.user import Role, User
from clearline.services.line import figures, lines, visibility

router = APIRouter(prefix="/v1/lines", tags=["lines"])


@router.get("", response_model=list[LineOut])
async def list_lines(user: CurrentUser, rt: CurrentRuntime) -> list[LineOut]:
    """Your party's lines; for a mediator, every line of the agreements it mediates, without
    the reason for a suspension.

    Figures are counts and answer times only, never content.
    """

    def load(connection: Connection) -> list[LineOut]:
        return [
            LineOut(line=_as_seen_by(user, line), figures=figures.for_line(connection, line))
            for line in lines.lines_for(connection, user)
        ]

    return await rt.read(load)


def _as_seen_by(user: User, line: Line) -> Line:
    """A mediator sees that a line is suspended, and since when; why is the parties' to tell."""
    return visibility.for_mediator(line) if user.role is Role.MEDIATOR else line


@router.post("/{party}/suspend", response_model=Line)
async def suspend(
    party: str, request: SuspendRequest, user: CurrentUser, rt: CurrentRuntime
) -> Line:
    """Suspend your line with `party` (liaison officers). Messages are still taken and held."""
    now = rt.clock.now()
    return await rt.write(lambda c: lines.suspend(c, user, party, request.reason, now))


@router.post("/{party}/restore", response_model=Line)
async def restore(party: str, user: CurrentUser, rt: CurrentRuntime) -> Line:
    """Restore a line you suspended (liaison officers); held messages are delivered."""
    now = rt.clock.now()
    return await rt.write(lambda c: lines.restore(c, user, party, now))
