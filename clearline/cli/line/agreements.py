"""``clearline agreement open|list``: an operator sets an agreement up over a running line,
and anyone lists the agreements it may name. (``agreement create`` works on the node's
database, at set-up.)"""

from __future__ import annotations

import typer
from rich.table import Table

from clearline.cli.agreements import (
    AgreementName,
    Mediators,
    Parties,
    ProtocolFile,
    agreement_request,
)
from clearline.cli.client import DEFAULT_URL, request
from clearline.cli.options import Token, Url
from clearline.cli.printable import printable, row, show

AGREEMENTS = "/v1/agreements"


def agreement_open(
    agreement_id: str,
    name: AgreementName,
    party: Parties,
    token: Token,
    mediator: Mediators = None,
    protocol: ProtocolFile = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Set up an agreement on the running line (operators): its parties, mediators, protocol
    v1 and its lines.

    Example: clearline agreement open tr-ru-ir --name "Astana line" --party TR=Turkey
    --party RU=Russia --party IR=Iran --mediator KZ=Kazakhstan --protocol astana.yaml
    """
    body = agreement_request(agreement_id, name, party, mediator, protocol)
    found = request("POST", url, token, AGREEMENTS, json=body.model_dump(mode="json"))
    lines = ", ".join(f"{a}–{b}" for a, b in found["lines"])
    typer.echo(f"agreement {printable(found['agreement']['id'])} opened; lines {lines}")


def agreement_list(token: Token, url: Url = DEFAULT_URL) -> None:
    """The agreements your party is in (an operator: every one), their parties and lines.

    Example: clearline agreement list
    """
    table = Table("id", "name", "parties", "mediators", "protocol", "lines")
    for view in request("GET", url, token, AGREEMENTS)["agreements"]:
        agreement = view["agreement"]
        members = {
            role: [m["party"] for m in agreement["members"] if m["role"] == role]
            for role in ("party", "mediator")
        }
        table.add_row(
            *row(
                agreement["id"],
                agreement["name"],
                " ".join(members["party"]),
                " ".join(members["mediator"]),
                f"v{agreement['protocol_version']}",
                " ".join(f"{a}–{b}" for a, b in view["lines"]),
            )
        )
    show(table)
