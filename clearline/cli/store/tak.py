"""``clearline tak certificate``: a user's client certificate for the TAK gateway, signed by
the line's authority in the gateway's directory (made there first if it is not yet)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clearline.cli.client import fail
from clearline.cli.options import CLOCK, Db, admin, beside_database
from clearline.interop.tak import certificates, view

TakDir = Annotated[
    Path | None,
    typer.Option(
        help="The TAK gateway's authority and server certificate (default: tak/ beside the "
        "database)."
    ),
]


def tak_files(db: str | None, tak_dir: Path | None) -> certificates.Files:
    return certificates.Files(tak_dir or beside_database(db) / "tak")


def tak_names(host: str) -> tuple[str, ...]:
    """The names the server certificate carries: loopback always, and the interface served."""
    return tuple(dict.fromkeys(("localhost", "127.0.0.1", host)))


def tak_certificate(
    user: Annotated[str, typer.Argument(help="The user the certificate names (its CN).")],
    out: Annotated[Path, typer.Option(help="Folder to write it to.")] = Path("."),
    password: Annotated[
        str | None,
        typer.Option(help="Also write a PKCS #12 bundle under this password (ATAK, WinTAK)."),
    ] = None,
    db: Db = None,
    tak_dir: TakDir = None,
) -> None:
    """Issue a client certificate for a user of a party: USER.pem, USER.key and ca.pem (the
    authority to trust), for pytak, TAK Server or any TLS client; with --password, USER.p12
    too. Whoever holds it sees what that user's party may see, and reports as it.

    Example: clearline tak certificate il-system --db var/demo.db --out var/tak-il
    """
    admin(db, lambda c: view.user_of(c, user))
    files = tak_files(db, tak_dir)
    try:
        certificates.prepare(files, list(tak_names("127.0.0.1")), CLOCK.now())
        written = certificates.issue(files, user, out, CLOCK.now(), password)
    except OSError as exc:
        fail(f"out: {exc.strerror}: {exc.filename}")
    for path in written:
        typer.echo(str(path))
