"""``clearline protocol``: the agreed rules of your line as the running line holds them, what
changed from one version to another, and amending them: a liaison officer proposes a version,
and each party's liaison officer signs it with a key of their own.

The signing key is made and kept on the officer's machine (``keygen``); the line only ever
gets its public half (``register``). ``approve`` works out the digest it signs from the
document itself and refuses to sign if the line says another: what a party signs is what it
read, not what the line says it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError
from rich.table import Table

from clearline.cli.client import (
    DEFAULT_URL,
    agreement_id_of,
    fail,
    request,
    request_text,
    without_none,
)
from clearline.cli.options import InAgreement, Token, Url, read_document
from clearline.cli.printable import printable, row, show
from clearline.model.errors import ClearlineError
from clearline.model.proposal import ProposalState
from clearline.model.protocol import Protocol
from clearline.model.times import both, iso
from clearline.services.protocol import document
from clearline.services.protocol.signatures import digest, key_id, sign
from clearline.services.record import signing

Format = Literal["json", "yaml"]
DEFAULT_KEY = Path("~/.clearline/signing.key")
SigningKeyFile = Annotated[
    Path,
    typer.Option(
        "--key",
        envvar="CLEARLINE_SIGNING_KEY",
        help="Your own private signing key (env CLEARLINE_SIGNING_KEY); never sent anywhere.",
    ),
]
Number = Annotated[int, typer.Argument(help="The proposal's number.")]


def protocol_show(
    token: Token,
    url: Url = DEFAULT_URL,
    version: Annotated[
        int | None, typer.Option("--version", help="A stored version; default: the one in force.")
    ] = None,
    agreement: InAgreement = None,
    format: Annotated[
        Format, typer.Option("--format", help="json: RFC 8785 canonical, as hashed; yaml: to read.")
    ] = "json",
) -> None:
    """Print a version of your agreement's protocol, exactly as the line sends it.

    Example: clearline protocol show --format yaml
    """
    path = f"/v1/agreements/{agreement_id_of(url, token, agreement)}/protocol"
    params: dict[str, str | int] = {"format": format}
    if version is not None:
        params["version"] = version
    typer.echo(request_text(url, token, path, params=params))


def protocol_diff(
    before: Annotated[int, typer.Argument(help="The version to compare from.")],
    after: Annotated[int, typer.Argument(help="The version to compare to.")],
    token: Token,
    url: Url = DEFAULT_URL,
    agreement: InAgreement = None,
) -> None:
    """Show every rule that differs from version BEFORE to version AFTER.

    Example: clearline protocol diff 1 2
    """
    path = f"/v1/agreements/{agreement_id_of(url, token, agreement)}/protocol/diff"
    found = request("GET", url, token, path, params={"from": before, "to": after})
    changes = [(change["path"], change["from"], change["to"]) for change in found["changes"]]
    _show_changes(before, after, changes)


def protocol_keygen(key: SigningKeyFile = DEFAULT_KEY) -> None:
    """Make your own signing key on this machine, readable by you only.

    It never overwrites a key. It prints the key's public half: the only part the line is
    ever given, and what the other parties check your signatures with.

    Example: clearline protocol keygen --key ~/.clearline/signing.key
    """
    path = key.expanduser()
    try:
        made = signing.create_key(path)
    except ClearlineError as exc:
        fail(f"{exc.field}: {exc.reason}")
    except OSError as exc:
        fail(f"key: cannot write {path} ({exc.strerror or exc})")
    public = signing.public_text(made)
    typer.echo(f"key written to {path}: keep it there, and give it to nobody")
    typer.echo(f"public key {public} (key id {key_id(public)})")
    typer.echo(f"register it with the line: clearline protocol register --key {path}")


def protocol_register(
    token: Token, key: SigningKeyFile = DEFAULT_KEY, url: Url = DEFAULT_URL
) -> None:
    """Register your key's public half with the line (liaison officers).

    Your approvals are checked against it, and the other parties see on the ledger that it
    signs for you.

    Example: clearline protocol register --key ~/.clearline/signing.key
    """
    public = signing.public_text(_local_key(key))
    found = request("POST", url, token, "/v1/keys", json={"public_key": public})
    typer.echo(f"key {found['key_id']} registered: approve proposals with --key {key}")


def protocol_propose(
    effective: Annotated[
        str,
        typer.Option(
            "--effective", help="When it takes effect once adopted: ISO 8601 with a zone."
        ),
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why; every party reads it.")],
    token: Token,
    file: Annotated[
        Path | None,
        typer.Argument(
            help="The next version, JSON or YAML: the whole document, or with --patch a merge "
            "patch of the newest adopted version. Not needed with --join or --leave alone.",
            dir_okay=False,
        ),
    ] = None,
    join: Annotated[
        list[str] | None,
        typer.Option("--join", help="A party that joins (its liaison officer signs too)."),
    ] = None,
    leave: Annotated[
        list[str] | None, typer.Option("--leave", help="A party that leaves; its lines close.")
    ] = None,
    patch: Annotated[
        bool, typer.Option("--patch", help="FILE is a JSON merge patch (RFC 7396).")
    ] = False,
    supersedes: Annotated[
        int | None, typer.Option("--supersedes", help="An open proposal this one replaces.")
    ] = None,
    agreement: InAgreement = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Propose the next version of your agreement's protocol (liaison officers).

    Prints its number, version, effective time and the digest every party signs.

    Example: clearline protocol propose flash.yaml --patch --effective 2026-12-10T00:00Z
    --reason "FLASH acknowledged in 90 s"  (or, for Russia to join: --join RU)
    """
    if file is None and not (join or leave):
        fail("file: give the next version, or --join or --leave")
    payload: dict[str, Any] = {
        "reason": reason,
        "effective_at": iso(_moment(effective, "effective")),
        "supersedes": supersedes,
        "joining": join,
        "leaving": leave,
    }
    if file is not None:
        payload["patch" if patch else "protocol"] = read_document(file)
    path = _proposals(agreement_id_of(url, token, agreement))
    found = request("POST", url, token, path, json=without_none(payload))
    number = found["number"]
    effective_at = datetime.fromisoformat(found["effective_at"])
    typer.echo(
        f"proposal {number}: version {found['version']}, {found['state']}, to take effect at "
        f"{both(effective_at)}"
    )
    typer.echo(f"digest {found['digest']}")
    typer.echo(f"each party's liaison officer signs it: clearline protocol approve {number}")


def protocol_proposals(
    token: Token,
    state: Annotated[
        ProposalState | None, typer.Option("--state", help="Only proposals in this state.")
    ] = None,
    agreement: InAgreement = None,
    url: Url = DEFAULT_URL,
) -> None:
    """List your agreement's proposals, newest first, and which parties signed each.

    Example: clearline protocol proposals --state open
    """
    path = _proposals(agreement_id_of(url, token, agreement))
    params = without_none({"state": state.value if state else None})
    found = request("GET", url, token, path, params=params)["proposals"]
    if not found:
        typer.echo(f"no {state.value} proposals" if state else "no proposals")
        return
    table = Table("number", "version", "state", "party", "effective at", "signed by", "reason")
    for proposal in found:
        table.add_row(
            *row(
                str(proposal["number"]),
                str(proposal["version"]),
                proposal["state"],
                proposal["party"],
                iso(datetime.fromisoformat(proposal["effective_at"])),
                ", ".join(approval["party"] for approval in proposal["approvals"]),
                proposal["reason"],
            )
        )
    show(table)


def protocol_approve(
    number: Number,
    token: Token,
    key: SigningKeyFile = DEFAULT_KEY,
    agreement: InAgreement = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Sign proposal N for your party with your key, after showing what it changes.

    Liaison officers only. The digest is worked out here from the document: a proposal whose
    digest the line gives otherwise is refused, and nothing is signed. The last party's
    signature adopts it.

    Example: clearline protocol approve 3 --key ~/.clearline/signing.key
    """
    signer = _local_key(key)
    agreement_id = agreement_id_of(url, token, agreement)
    proposal = request("GET", url, token, f"{_proposals(agreement_id)}/{number}")
    protocol = signed_document(proposal)
    _show_proposal(url, token, agreement_id, proposal, protocol)
    signature = sign(signer, digest(protocol))
    path = f"{_proposals(agreement_id)}/{number}/approvals"
    approved = request("POST", url, token, path, json={"signature": signature})
    typer.echo(f"proposal {number}: {standing(approved)}")


def protocol_reject(
    number: Number,
    reason: Annotated[str, typer.Option("--reason", help="Why; every party reads it.")],
    token: Token,
    agreement: InAgreement = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Reject open proposal N for your party, with your reason: it ends the proposal.

    Liaison officers only: a rule changes only with every party's signature, so one party's
    no ends it.

    Example: clearline protocol reject 3 --reason "90 s is too short at night"
    """
    path = f"{_proposals(agreement_id_of(url, token, agreement))}/{number}/rejection"
    found = request("POST", url, token, path, json={"reason": reason})
    typer.echo(f"proposal {number}: {found['state']}")


def signed_document(proposal: dict[str, Any]) -> Protocol:
    """The version a proposal holds, if its digest, worked out here, is the one the line gave.

    The line is not trusted to say what is being signed: a document that does not hash to
    the proposal's digest (altered, or read otherwise by this version of clearline) is
    refused, and nothing is signed.
    """
    number = proposal["number"]
    if proposal["state"] != ProposalState.OPEN:
        fail(f"number: proposal {number} is {proposal['state']}, no longer open")
    try:
        protocol = Protocol.model_validate(proposal["protocol"])
    except ValidationError as exc:
        problem = exc.errors()[0]["msg"]
        fail(f"protocol: proposal {number} is no version this clearline reads ({problem})")
    ours = digest(protocol)
    if ours != proposal["digest"]:
        fail(
            f"digest: proposal {number}'s document hashes to {ours}, not to the "
            f"{proposal['digest']} the line gives; not signed"
        )
    return protocol


def standing(proposal: dict[str, Any]) -> str:
    """Where a proposal stands after a signature: open, and for whom it waits; or adopted,
    and from when it is in force (its effective time, or its adoption if that came later)."""
    if proposal["state"] == ProposalState.ADOPTED:
        moments = [proposal["effective_at"], proposal["decided_at"] or proposal["effective_at"]]
        return f"adopted: in force from {both(max(map(datetime.fromisoformat, moments)))}"
    signed = [approval["party"] for approval in proposal["approvals"]]
    waiting = sorted(set(proposal["signers"]) - set(signed))
    if proposal["state"] != ProposalState.OPEN or not waiting:
        return f"{proposal['state']}: signed by {', '.join(signed)}"
    return f"open: waiting for {', '.join(waiting)} (signed by {', '.join(signed)})"


def _show_proposal(
    url: str, token: str, agreement_id: str, proposal: dict[str, Any], protocol: Protocol
) -> None:
    """What is about to be signed: who proposed it and why, and each rule it changes from the
    version before, worked out here from both documents."""
    path = f"/v1/agreements/{agreement_id}/protocol"
    before = protocol.version - 1
    previous = Protocol.model_validate(request("GET", url, token, path, params={"version": before}))
    effective_at = datetime.fromisoformat(proposal["effective_at"])
    typer.echo(
        f"proposal {proposal['number']} by {proposal['party']}: version {protocol.version}, to "
        f"take effect at {both(effective_at)}"
    )
    typer.echo(f"reason: {printable(proposal['reason'])}")
    changes = [(c.path, c.before, c.after) for c in document.diff(previous, protocol)]
    _show_changes(before, protocol.version, changes)


def _show_changes(before: int, after: int, changes: Iterable[tuple[str, Any, Any]]) -> None:
    shown = list(changes)
    if not shown:
        typer.echo(f"no changes from version {before} to version {after}")
        return
    table = Table("rule", f"version {before}", f"version {after}")
    for path, old, new in shown:
        table.add_row(*row(path, json.dumps(old), json.dumps(new)))
    show(table)


def _local_key(path: Path) -> Ed25519PrivateKey:
    """Your private key, read here; one line naming it if there is none, or it is not one."""
    path = path.expanduser()
    if not path.is_file():
        fail(f"key: no key at {path}: make one with `clearline protocol keygen --key {path}`")
    try:
        return signing.load_key(path)
    except ClearlineError as exc:
        fail(f"{exc.field}: {exc.reason}")
    except (OSError, ValueError, TypeError) as exc:
        fail(f"key: {path} is not an unencrypted PEM private key ({exc})")


def _moment(text: str, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"{field}: {text!r} is not an ISO 8601 time, such as 2026-12-10T00:00Z")
    if moment.tzinfo is None:
        fail(f"{field}: {text!r} needs a time zone (UTC: append Z)")
    return moment


def _proposals(agreement_id: str) -> str:
    return f"/v1/agreements/{agreement_id}/proposals"
