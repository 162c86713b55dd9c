"""Errors a request can meet, named by what went wrong rather than by HTTP status.

The API maps each kind to a status code; the CLI prints ``field: reason`` on one line. Every
error names the field at fault so that an integrator knows what to fix without reading code.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from pydantic import ValidationError


class ErrorKind(StrEnum):
    INVALID = "invalid"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    TOO_LARGE = "too_large"
    THROTTLED = "throttled"


class ClearlineError(Exception):
    """A refused request: nothing it tried to store was stored."""

    def __init__(
        self, kind: ErrorKind, field: str, reason: str, retry_after_s: int | None = None
    ) -> None:
        super().__init__(f"{field}: {reason}")
        self.kind = kind
        self.field = field
        self.reason = reason
        self.retry_after_s = retry_after_s


def invalid(field: str, reason: str) -> ClearlineError:
    return ClearlineError(ErrorKind.INVALID, field, reason)


def from_validation(exc: ValidationError, within: str = "") -> ClearlineError:
    """Pydantic's first complaint as a refusal naming the field, ``within`` a larger record."""
    first = exc.errors()[0]
    field = ".".join(str(part) for part in (within, *first["loc"]) if part != "")
    return invalid(field or "request", reason_of(first))


def reason_of(error: Mapping[str, Any]) -> str:
    """A pydantic error's message as a reason: a validator's own words, without the
    ``Value error, `` pydantic puts before them."""
    return str(error["msg"]).removeprefix("Value error, ")


def unauthenticated(field: str, reason: str) -> ClearlineError:
    return ClearlineError(ErrorKind.UNAUTHENTICATED, field, reason)


def forbidden(field: str, reason: str) -> ClearlineError:
    return ClearlineError(ErrorKind.FORBIDDEN, field, reason)


def not_found(field: str, reason: str) -> ClearlineError:
    return ClearlineError(ErrorKind.NOT_FOUND, field, reason)


def conflict(field: str, reason: str) -> ClearlineError:
    return ClearlineError(ErrorKind.CONFLICT, field, reason)


def too_large(field: str, reason: str) -> ClearlineError:
    return ClearlineError(ErrorKind.TOO_LARGE, field, reason)


def throttled(field: str, reason: str, retry_after_s: int) -> ClearlineError:
    """Refused for now, not for good: the caller may try again after ``retry_after_s``."""
    return ClearlineError(ErrorKind.THROTTLED, field, reason, retry_after_s)
