"""``clearline agreement create``: the parties, the mediator and a line between each pair."""

from __future__ import annotations

from typing import Annotated

import typer

from clearline.cli.client import fail
from clearline.cli.options import CLOCK, Db, admin
from clearline.model.agreement import Party
from clearline.services import agreements


def agreement_create(
    agreement_id: Annotated[str, typer.Argument(help="Short id, e.g. il-ru-syria.")],
    name: Annotated[str, typer.Option(help="Full name of the agreement.")],
    party: Annotated[list[str], typer.Option(help="CODE=Name, once per party.")],
    mediator: Annotated[list[str] | None, typer.Option(help="CODE=Name of a mediator.")] = None,
    db: Db = None,
) -> None:
    """Create an agreement with its parties, protocol v1 and a line between each pair.

    Example: clearline agreement create il-ru --name "Israel–Russia"
    --party IL=Israel --party RU=Russia
    """
    parties = [_party(p) for p in party]
    mediators = [_party(m) for m in mediator or []]
    admin(
        db,
        lambda c: agreements.create_agreement(
            c, agreement_id, name, parties, mediators, CLOCK.now()
        ),
    )
    typer.echo(f"agreement {agreement_id} created")


def _party(spec: str) -> Party:
    code, _, name = spec.partition("=")
    try:
        return Party(code=code.strip(), name=name.strip() or code.strip())
    except ValueError:
        fail(f"party: {spec!r} is not CODE=Name with a 2-3 letter upper-case code")
