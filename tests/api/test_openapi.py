"""The OpenAPI tells the truth: one name a schema (none qualified by its module, as FastAPI
does when two share one), no FastAPI error shape the line never sends, and on every operation
the refusals it can give, each in the one shape of every refusal. That every answer is one the
schema documents is ``test_generated_input``'s to prove, on the real app."""

from __future__ import annotations

from typing import Any

import pytest

from clearline.api.app import create_app

SCHEMA: dict[str, Any] = create_app("sqlite://").openapi()
OPERATIONS = [
    (method, path, operation)
    for path, operations in SCHEMA["paths"].items()
    for method, operation in operations.items()
]
REFUSAL = {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}}


def test_every_schema_has_one_name_and_no_error_shape_the_line_never_sends() -> None:
    names = list(SCHEMA["components"]["schemas"])
    assert [n for n in names if "__" in n] == []
    assert "HTTPValidationError" not in names and "ValidationError" not in names
    refusal = SCHEMA["components"]["schemas"]["Refusal"]
    assert refusal["required"] == ["error", "field", "reason"]


@pytest.mark.parametrize(
    ("method", "path", "operation"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS]
)
def test_every_operation_documents_its_refusals_in_the_one_shape(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    responses = operation["responses"]
    expected = {"400", "422", "503"}
    if operation.get("security"):
        expected |= {"401", "403", "404"}
    if method in ("post", "put", "patch", "delete"):
        expected.add("409")
    assert expected <= set(responses)
    for code, response in responses.items():
        if code.startswith(("4", "5")):
            assert response["content"] == REFUSAL, code
