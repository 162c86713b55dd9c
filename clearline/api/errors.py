"""Every refusal is JSON that names the field and the reason: ``{"error", "field", "reason"}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from clearline.model.errors import ClearlineError, ErrorKind, reason_of

STATUS = {
    ErrorKind.INVALID: 422,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.TOO_LARGE: 413,
    ErrorKind.THROTTLED: 429,
}


def install(app: FastAPI) -> None:
    app.add_exception_handler(ClearlineError, _clearline)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http)  # type: ignore[arg-type]


def unavailable(field: str, reason: str) -> JSONResponse:
    """503, in the shape of every refusal: a node that cannot do its work now, and why."""
    return JSONResponse(_body("unavailable", field, reason), status_code=503)


def _body(kind: str, field: str | None, reason: str, **more: object) -> dict[str, object]:
    return {"error": kind, "field": field, "reason": reason, **more}


async def _clearline(_request: Request, exc: ClearlineError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.kind is ErrorKind.UNAUTHENTICATED else {}
    more = {}
    if exc.retry_after_s is not None:
        headers["Retry-After"] = str(exc.retry_after_s)
        more["retry_after_s"] = exc.retry_after_s
    return JSONResponse(
        _body(exc.kind, exc.field, exc.reason, **more),
        status_code=STATUS[exc.kind],
        headers=headers,
    )


async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = [_problem(error) for error in exc.errors()]
    first = problems[0]
    return JSONResponse(
        _body(ErrorKind.INVALID, first["field"], first["reason"], problems=problems),
        status_code=422,
    )


async def _http(_request: Request, exc: HTTPException) -> JSONResponse:
    return JSONResponse(
        _body("http_error", None, str(exc.detail)),
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


def _problem(error: Any) -> dict[str, str]:
    """One validation error as field and reason; unparseable JSON is the request's fault."""
    if error["type"] == "json_invalid":
        position = error["loc"][-1]
        return {"field": "request", "reason": f"{error['msg']} (at character {position})"}
    return {"field": _field(error["loc"]), "reason": reason_of(error)}


def _field(location: tuple[object, ...] | list[object]) -> str:
    """``("body", "body", "hazard")`` names the field ``body.hazard``; headers keep their case."""
    parts = list(location)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "request"
