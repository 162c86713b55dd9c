"""The OpenAPI the line serves tells the truth about its refusals.

FastAPI documents each route's success and a 422 in a shape the line never sends. Here every
operation names the refusals it can give, each in the one shape every refusal has
(``Refusal``): 400 (a body that cannot be read), 422 (a field refused), 503 (a node that lost
its claim on its database) everywhere; 401, 403 and 404 where a token is needed (who, what
role, which record); 409 on every write (a state or a retry that does not fit); 413 where a
file is uploaded; 401 and 429 at sign-in.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

WRITES = {"post", "put", "patch", "delete"}
REFUSALS = {
    "400": "The body could not be read (not JSON, or not the type declared).",
    "401": "No token, or one that is expired, revoked or unknown.",
    "403": "Your role, or your party, may not do this.",
    "404": "No such record visible to you.",
    "409": "It does not fit the record's state, or repeats a request with different content.",
    "413": "The file is larger than the line keeps.",
    "422": "A field is refused: `field` names it, `reason` says why.",
    "429": "Too many attempts: wait `retry_after_s`.",
    "503": "This node lost its claim on its database and refuses every write.",
}


class Problem(BaseModel):
    field: str
    reason: str


class Refusal(BaseModel):
    """Every refusal of the line, whatever its status."""

    error: str = Field(
        description="invalid, unauthenticated, forbidden, not_found, conflict, "
        "too_large, throttled, unavailable, or http_error."
    )
    field: str | None = Field(description="The field at fault, as the request names it.")
    reason: str
    retry_after_s: int | None = Field(default=None, description="With 429: when to try again.")
    problems: list[Problem] | None = Field(default=None, description="With 422: every field.")


def install(app: FastAPI) -> None:
    def schema() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = truthful(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    summary=app.summary,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = schema  # type: ignore[method-assign]


def truthful(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with each operation's refusals, and FastAPI's own error shapes gone."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    refusal = Refusal.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(refusal.pop("$defs", {}))
    components["Refusal"] = refusal
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in _refusals(path, method, operation):
                responses[code] = {
                    "description": REFUSALS[code],
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}
                    },
                }
    return schema


def _refusals(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    codes = ["400", "422", "503"]
    if operation.get("security"):
        codes += ["401", "403", "404"]
    if method in WRITES:
        codes.append("409")
    if method == "post" and path.endswith("/attachments"):
        codes.append("413")
    if method == "post" and path == "/v1/session":
        codes += ["401", "429"]  # a wrong name or password; too many of them
    return sorted(codes)
