"""``clearline round``: rounds of talks of your agreement, as the running line records them.

The mediator opens a round (``create``) and closes it with the tabled proposals it agreed
(``close``); the parties' liaison officers and the mediator write its agenda, minutes and
files and table proposals; every member reads it (``list``, ``show``). Agreeing at the table
signs nothing: each adopted proposal still needs every party's ``clearline protocol approve``.

``attach`` does not take the line's word for the file it kept: the SHA-256 the line records
(and puts on the ledger) must be the one worked out here from the bytes sent.

``report`` prints or writes the paper a round opens with: JSON, one HTML page, or a PDF.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.table import Table

from clearline.cli.client import (
    DEFAULT_URL,
    agreement_id_of,
    fail,
    request,
    request_bytes,
    without_none,
)
from clearline.cli.files import same_file, upload, within
from clearline.cli.options import InAgreement, Token, Url
from clearline.cli.printable import printable, row, show
from clearline.model.round import ATTACHMENT_MAX_BYTES

Number = Annotated[int, typer.Argument(help="The round's number.")]
ReportFormat = Literal["json", "html", "pdf"]
Round = dict[str, Any]
"""A round as the line answers it (``clearline.model.round.Round`` as JSON)."""


def round_create(
    place: Annotated[str, typer.Option("--place", help="Where the parties meet.")],
    starts: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day.")],
    ends: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day.")],
    token: Token,
    attendee: Annotated[
        list[str] | None,
        typer.Option(
            "--attendee", help='PARTY="name or office", once per person: IL="Head of unit".'
        ),
    ] = None,
    agreement: InAgreement = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Open the next round of talks, hosted by your party (the mediator).

    Prints its number, which every other round command takes.

    Example: clearline round create --place Baku --from 2026-12-09 --to 2026-12-10
    --attendee IL="Head of the liaison unit" --attendee TR="Deputy chief of staff"
    """
    payload = {
        "place": place,
        "starts_on": starts.date().isoformat(),
        "ends_on": ends.date().isoformat(),
        "attendees": _attendees(attendee or []),
    }
    found = request(
        "POST", url, token, _rounds(agreement_id_of(url, token, agreement)), json=payload
    )
    typer.echo(f"round {found['number']}: {_heading(found)}")
    typer.echo(f'add to its agenda: clearline round agenda {found["number"]} "TITLE"')


def round_list(token: Token, agreement: InAgreement = None, url: Url = DEFAULT_URL) -> None:
    """List your agreement's rounds of talks, newest first.

    Example: clearline round list
    """
    found = request("GET", url, token, _rounds(agreement_id_of(url, token, agreement)))["rounds"]
    if not found:
        typer.echo("no rounds")
        return
    table = Table("number", "place", "dates", "host", "state", "agenda items", "tabled", "adopted")
    for entry in found:
        table.add_row(
            *row(
                str(entry["number"]),
                entry["place"],
                _dates(entry),
                entry["host"],
                entry["state"],
                str(len(entry["agenda"])),
                _numbers(entry["tabled"]),
                _numbers(entry["adopted"]),
            )
        )
    show(table)


def round_show(
    number: Number, token: Token, agreement: InAgreement = None, url: Url = DEFAULT_URL
) -> None:
    """Show round N: who attended, its agenda and minutes, its files, its proposals.

    Each file with its SHA-256 as the ledger holds it, to check a copy against.

    Example: clearline round show 1
    """
    found = request("GET", url, token, _round(agreement_id_of(url, token, agreement), number))
    typer.echo(f"round {number}: {_heading(found)}")
    _show_attendees(found["attendees"])
    _show_agenda(found["agenda"])
    _show_attachments(found["attachments"])
    typer.echo(f"tabled: {_numbers(found['tabled']) or 'none'}")
    typer.echo(f"adopted: {_numbers(found['adopted']) or 'none'}")


def round_agenda(
    number: Number,
    title: Annotated[str, typer.Argument(help="The item, as the parties will read it.")],
    token: Token,
    incident: Annotated[
        int | None,
        typer.Option("--incident", help="An incident it takes up, every party involved in it."),
    ] = None,
    agreement: InAgreement = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Add an item to the agenda of open round N (liaison officers and the mediator).

    Example: clearline round agenda 1 "The Il-20 off Latakia" --incident 1
    """
    path = f"{_round(agreement_id_of(url, token, agreement), number)}/agenda"
    payload = without_none({"title": title, "incident": incident})
    item = request("POST", url, token, path, json=payload)["agenda"][-1]
    typer.echo(f"round {number}: agenda item {item['number']}: {printable(item['title'])}")
    typer.echo(f'its minutes: clearline round minutes {number} {item["number"]} --text "..."')


def round_minutes(
    number: Number,
    item: Annotated[int, typer.Argument(help="The agenda item's number.")],
    token: Token,
    text: Annotated[str | None, typer.Option("--text", help="The minutes.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="The minutes, from a UTF-8 text file.")
    ] = None,
    agreement: InAgreement = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Record the minutes of item ITEM of open round N (liaison officers and the mediator).

    Written again, they replace what was there.

    Example: clearline round minutes 1 1 --text "Both sides agree an hour's notice"
    """
    minutes = _minutes(text, file)
    path = f"{_round(agreement_id_of(url, token, agreement), number)}/agenda/{item}/minutes"
    found = request("PUT", url, token, path, json={"text": minutes})["agenda"][item - 1]
    typer.echo(f"round {number}: minutes of item {item} recorded by {found['minutes_by']}")


def round_attach(
    number: Number,
    file: Annotated[Path, typer.Argument(help="The file, at most 10 MiB.", dir_okay=False)],
    token: Token,
    agreement: InAgreement = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Attach FILE to the minutes of open round N (liaison officers and the mediator).

    It is kept under its own name. Prints the SHA-256 the line put on the ledger, after
    checking it is the file's own.

    Example: clearline round attach 1 minutes.pdf
    """
    within(file, ATTACHMENT_MAX_BYTES)
    path = f"{_round(agreement_id_of(url, token, agreement), number)}/attachments"
    found, ours = upload(url, token, path, file)
    kept = _attachment(found, file.name)
    same_file(kept, ours)
    typer.echo(f"round {number}: {printable(file.name)} attached, {kept['size']} bytes")
    typer.echo(f"sha256 {kept['sha256']}")


def round_table(
    number: Number,
    proposal: Annotated[int, typer.Argument(help="An open proposal's number.")],
    token: Token,
    agreement: InAgreement = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Table open proposal PROPOSAL at open round N (liaison officers and the mediator).

    Example: clearline round table 1 3
    """
    path = f"{_round(agreement_id_of(url, token, agreement), number)}/tabled"
    found = request("POST", url, token, path, json={"proposal": proposal})
    typer.echo(f"round {number}: proposal {proposal} tabled (tabled: {_numbers(found['tabled'])})")


def round_close(
    number: Number,
    token: Token,
    adopted: Annotated[
        list[int] | None,
        typer.Option("--adopted", help="A tabled proposal the round agreed; once each."),
    ] = None,
    agreement: InAgreement = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Close round N, recording the tabled proposals it agreed (the mediator).

    The line adopts none of them until every party has signed it.

    Example: clearline round close 1 --adopted 3
    """
    path = f"{_round(agreement_id_of(url, token, agreement), number)}/close"
    found = request("POST", url, token, path, json={"adopted": adopted or []})
    agreed = found["adopted"]
    if not agreed:
        typer.echo(f"round {number}: {found['state']}, nothing adopted")
        return
    typer.echo(f"round {number}: {found['state']}, adopted {_numbers(agreed)}")
    typer.echo(f"each party's liaison officer signs each: clearline protocol approve {agreed[0]}")


def round_report(
    number: Number,
    token: Token,
    format: Annotated[
        ReportFormat, typer.Option("--format", help="json, html (one page) or pdf.")
    ] = "json",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write it here; a PDF needs it.", dir_okay=False)
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="Another window's start, ISO 8601 with a zone.")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Its end.")] = None,
    agreement: InAgreement = None,
    url: Url = DEFAULT_URL,
) -> None:
    """The report round N opens with: how the line worked since the last round, as you may
    see it (figures of fewer than 3 of another party's items read "fewer than 3").

    Example: clearline round report 2 --format pdf --out baku-2.pdf
    """
    if format == "pdf" and out is None:
        fail("out: a PDF is written to a file: give --out")
    path = f"{_round(agreement_id_of(url, token, agreement), number)}/report"
    params = without_none({"format": format, "from": start, "to": end})
    content = request_bytes(url, token, path, params=params)
    if out is None:
        typer.echo(content.decode())
        return
    try:
        out.write_bytes(content)
    except OSError as exc:
        fail(f"out: cannot write {out} ({exc.strerror or exc})")
    typer.echo(f"round {number} report written to {out} ({len(content)} bytes)")


# --- what the commands share ------------------------------------------------------------------


def _attendees(given: Iterable[str]) -> dict[str, list[str]]:
    """``PARTY=name`` options by party, in the order given; the line checks the parties."""
    found: dict[str, list[str]] = {}
    for entry in given:
        party, _, name = entry.partition("=")
        if not party.strip() or not name.strip():
            fail(f'attendee: {entry!r} is not PARTY="name or office", such as IL="Head of unit"')
        found.setdefault(party.strip(), []).append(name.strip())
    return found


def _minutes(text: str | None, file: Path | None) -> str:
    """The minutes from ``--text`` or ``--file``: exactly one, so nothing is dropped unseen."""
    if (text is None) == (file is None):
        fail("text: give the minutes with --text or with --file, one of them")
    if text is not None:
        return text
    assert file is not None
    try:
        return file.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"file: cannot read {file} ({exc.strerror or exc})")
    except UnicodeDecodeError:
        fail(f"file: {file} is not UTF-8 text")


def _attachment(round: Round, name: str) -> dict[str, Any]:
    for kept in round["attachments"]:
        if kept["name"] == name:
            return dict(kept)
    fail(f"name: the line answered round {round['number']} without {name!r} attached")


def _show_attendees(attendees: dict[str, list[str]]) -> None:
    typer.echo("attendees:" if attendees else "attendees: none named")
    for party, names in sorted(attendees.items()):
        typer.echo(f"  {party}: {printable('; '.join(names))}")


def _show_agenda(agenda: list[dict[str, Any]]) -> None:
    """Each item, then its minutes line by line: minutes run to paragraphs, and each line is
    escaped on its own so that only its newlines are kept."""
    typer.echo("agenda:" if agenda else "agenda: none yet")
    for item in agenda:
        case = f", incident {item['incident']}" if item["incident"] else ""
        typer.echo(
            f"  {item['number']}. {printable(item['title'])} (added by {item['added_by']}{case})"
        )
        if item["minutes"] is None:
            typer.echo("     no minutes yet")
            continue
        typer.echo(f"     minutes by {item['minutes_by']}:")
        for line in item["minutes"].splitlines():
            typer.echo(f"       {printable(line)}")


def _show_attachments(attachments: list[dict[str, Any]]) -> None:
    if not attachments:
        typer.echo("attachments: none")
        return
    typer.echo("attachments:")
    table = Table("name", "size", "type", "added by", "sha256")
    for kept in attachments:
        table.add_row(
            *row(
                kept["name"],
                str(kept["size"]),
                kept["media_type"],
                kept["added_by"],
                kept["sha256"],
            )
        )
    show(table)


def _heading(round: Round) -> str:
    return (
        f"{round['state']}, at {printable(round['place'])}, {_dates(round)}, hosted by "
        f"{round['host']}"
    )


def _dates(round: Round) -> str:
    if round["starts_on"] == round["ends_on"]:
        return str(round["starts_on"])
    return f"{round['starts_on']} to {round['ends_on']}"


def _numbers(numbers: Iterable[int]) -> str:
    return ", ".join(map(str, numbers))


def _rounds(agreement_id: str) -> str:
    return f"/v1/agreements/{agreement_id}/rounds"


def _round(agreement_id: str, number: int) -> str:
    return f"{_rounds(agreement_id)}/{number}"
