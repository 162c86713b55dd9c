"""The node's health for whoever runs it: liveness (``/healthz``), readiness (``/readyz``) and
its figures for Prometheus (``/metrics``, operators only: counts of the parties' traffic are
the line's, not the public's)."""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from clearline.api.auth import CurrentRuntime, Operator
from clearline.api.errors import unavailable
from clearline.runtime.metrics import Figures
from clearline.store.claim import ClaimLost

router = APIRouter(tags=["health"])
DATABASE_TIMEOUT_S = 2.0
UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"description": "Not ready: the field names what, the reason why."}
}


@router.get("/healthz")
async def healthz(rt: CurrentRuntime) -> dict[str, str]:
    """Liveness: the process answers. A 503 once the node has lost its claim on its database,
    which no restart of this node mends."""
    if rt.claim.lost is not None:
        raise ClaimLost(rt.claim.lost)
    return {"status": "ok"}


@router.get("/readyz", responses=UNAVAILABLE)
async def readyz(rt: CurrentRuntime) -> Response:
    """Readiness: the database answers within 2 s, this node holds its claim on it, and its
    watch (deadlines, escalations, line checks) and paging have each finished a round within
    two of their periods. A 503 in the shape of every refusal otherwise."""
    if rt.claim.lost is not None:
        return unavailable("database", rt.claim.lost)
    try:
        await asyncio.wait_for(
            rt.read(lambda c: c.execute(sa.text("SELECT 1"))), DATABASE_TIMEOUT_S
        )
    except Exception as exc:  # any failure to answer is the database's: say which
        return unavailable("database", f"unreachable: {type(exc).__name__}: {exc}".rstrip(": "))
    stalled = rt.health.stalled()
    if stalled:
        return unavailable("scheduler", "; ".join(stalled))
    return JSONResponse({"status": "ready"})


@router.get(
    "/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}}
)
async def metrics(_operator: Operator, rt: CurrentRuntime) -> Response:
    """This node's figures in Prometheus's text format; an operator's token (scrape with
    ``authorization: {credentials: TOKEN}``)."""
    figures = await rt.read(Figures.read)
    body = rt.metrics.exposition(figures, rt.bus, rt.health)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
