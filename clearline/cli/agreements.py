"""What creating an agreement on the store and opening one over the line share: the command
line's options, read into the API's request and checked as the API checks it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from clearline.cli.client import fail
from clearline.cli.options import read_document
from clearline.model.agreement import AgreementRequest, Party
from clearline.model.errors import from_validation

AgreementName = Annotated[str, typer.Option(help="Full name of the agreement.")]
Parties = Annotated[list[str], typer.Option("--party", help="CODE=Name, once per party.")]
Mediators = Annotated[list[str] | None, typer.Option("--mediator", help="CODE=Name of a mediator.")]
ProtocolFile = Annotated[
    Path | None,
    typer.Option(
        "--protocol",
        exists=True,
        dir_okay=False,
        help="Protocol version 1 as JSON or YAML (every rule; see `clearline protocol show`); "
        "default: the defaults.",
    ),
]


def agreement_request(
    agreement_id: str,
    name: str,
    parties: list[str],
    mediators: list[str] | None,
    protocol: Path | None,
) -> AgreementRequest:
    body: dict[str, Any] = {
        "id": agreement_id,
        "name": name,
        "parties": [_party(p) for p in parties],
        "mediators": [_party(m) for m in mediators or []],
        "protocol": read_document(protocol) if protocol is not None else None,
    }
    try:
        return AgreementRequest.model_validate(body)
    except ValidationError as exc:
        error = from_validation(exc)
        fail(f"{error.field}: {error.reason}")


def _party(spec: str) -> Party:
    code, _, name = spec.partition("=")
    try:
        return Party(code=code.strip(), name=name.strip() or code.strip())
    except ValueError:
        fail(f"party: {spec!r} is not CODE=Name with a 2-3 letter upper-case code")
