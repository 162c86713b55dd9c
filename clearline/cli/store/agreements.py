"""``clearline agreement create``: the parties, the mediator and a line between each pair, on
the node's database (set-up); ``agreement open`` does the same over a running line."""

from __future__ import annotations

from typing import Annotated

import typer

from clearline.cli.agreements import (
    AgreementName,
    Mediators,
    Parties,
    ProtocolFile,
    agreement_request,
)
from clearline.cli.options import CLOCK, Db, admin
from clearline.services import agreements


def agreement_create(
    agreement_id: Annotated[str, typer.Argument(help="Short id, e.g. il-ru-syria.")],
    name: AgreementName,
    party: Parties,
    mediator: Mediators = None,
    protocol: ProtocolFile = None,
    db: Db = None,
) -> None:
    """Create an agreement with its parties, protocol v1 and a line between each pair the
    protocol names (every pair where it names none).

    Example: clearline agreement create il-ru --name "Israel–Russia"
    --party IL=Israel --party RU=Russia --protocol il-ru.yaml
    """
    request = agreement_request(agreement_id, name, party, mediator, protocol)
    admin(db, lambda c: agreements.opened(c, request, CLOCK.now()))
    typer.echo(f"agreement {agreement_id} created")
