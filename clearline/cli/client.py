"""Talking to a running line over HTTP, with one readable line on any refusal."""

from __future__ import annotations

from typing import Any, NoReturn

import httpx
import typer

URL_HELP = "Base URL of the line (env CLEARLINE_URL)."
TOKEN_HELP = "Your bearer token (env CLEARLINE_TOKEN)."
DEFAULT_URL = "http://127.0.0.1:8000"


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def request(method: str, url: str, token: str, path: str, **kwargs: Any) -> Any:
    """Call the API; exit 2 with ``field: reason`` if it refuses or cannot be reached."""
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
    return response.json()
