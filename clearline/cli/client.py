"""Talking to a running line over HTTP, with one readable line on any refusal.

Every command that calls a line goes through ``request``: one place that sends the token, sets
the timeout and turns the API's refusal (``field``, ``reason``) into the CLI's one line.
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

import httpx
import typer

URL_HELP = "Base URL of the line (env CLEARLINE_URL)."
TOKEN_HELP = "Your bearer token (env CLEARLINE_TOKEN)."
DEFAULT_URL = "http://127.0.0.1:8000"
LIMIT = 1_000
"""The most the API lists at once."""


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def request(method: str, url: str, token: str, path: str, **kwargs: Any) -> Any:
    """Call the API; exit 2 with ``field: reason`` if it refuses or cannot be reached."""
    return _call(method, url, token, path, **kwargs).json()


def request_text(url: str, token: str, path: str, **kwargs: Any) -> str:
    """``GET`` a document the API answers as text (YAML, canonical JSON), exactly as sent."""
    return request_bytes(url, token, path, **kwargs).decode()


def request_bytes(url: str, token: str, path: str, **kwargs: Any) -> bytes:
    """``GET`` a document (a PDF, a file of minutes) exactly as sent."""
    return _call("GET", url, token, path, **kwargs).content


def _call(method: str, url: str, token: str, path: str, **kwargs: Any) -> httpx.Response:
    try:
        response = httpx.request(
            method,
            url.rstrip("/") + path,
            headers={"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})},
            timeout=30,
            **kwargs,
        )
    except httpx.HTTPError as exc:
        fail(f"cannot reach {url}: {exc}")
    if response.is_error:
        try:
            problem = response.json()
            fail(f"{problem.get('field') or 'request'}: {problem.get('reason')}")
        except ValueError:
            fail(f"HTTP {response.status_code}: {response.text[:200]}")
    return response


def once(key: str | None) -> dict[str, str]:
    """The Idempotency-Key header of a write: a retry with the same key is the same write; a
    fresh key when none is given, so that one command is one write."""
    return {"Idempotency-Key": key or str(uuid.uuid4())}


def without_none(values: dict[str, Any]) -> dict[str, Any]:
    """Absent, not null: the API's defaults (and its errors) are about what was left out."""
    return {k: v for k, v in values.items() if v is not None}


def agreement_id_of(url: str, token: str, named: str | None) -> str:
    """The agreement named, or the one your lines belong to: the API has no list of
    agreements, and a party's lines (a mediator's: the lines it mediates) name theirs."""
    if named is not None:
        return named
    found = sorted(
        {line["line"]["agreement_id"] for line in request("GET", url, token, "/v1/lines")}
    )
    if len(found) != 1:
        which = ", ".join(found) or "none"
        fail(f"agreement: your lines are in {which}: name one with --agreement")
    return found[0]
