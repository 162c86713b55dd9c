"""``clearline incident``: cases the parties review together after something happened between
their forces, built on what the line itself recorded, so that who told whom what, and when, is
settled by the record and not by memory.

A party involved files a case (``file``), from scratch or from an incident report; the line
gathers its evidence and computes its facts. The parties move it through review in order
(``move``), each writes its own account (``narrative``), shows its own record to the mediator
or another party (``share``), and may put the case before the mediator (``refer``). In the
joint review they put questions to each other (``ask``, ``answer``), propose findings from the
taxonomy and agree or dispute each (``finding``, ``position``); the mediator comments on a case
referred to it (``comment``). A party attaches its own files (``attach``), shared like the
rest of its record, and fetches those it may see (``attachment``). Every member reads it as
its party may see it (``list``, ``show``).

``dossier`` takes the case away whole, each item with its ledger entry and inclusion proof
under a signed head: ``clearline verify case.zip --key KEY`` checks it offline, with nothing
but the line's public key.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from clearline.cli.client import DEFAULT_URL, fail, request, request_bytes, without_none
from clearline.cli.files import download, same_file, upload, within
from clearline.cli.options import InAgreement, Token, Url
from clearline.cli.printable import printable, row, show
from clearline.model.incident import (
    ATTACHMENT_MAX_BYTES,
    Factor,
    Finding,
    FindingPosition,
    IncidentSeverity,
)
from clearline.model.message import IncidentKind, IncidentState

Id = Annotated[int, typer.Argument(help="The incident's id.")]
Case = dict[str, Any]
"""A case as the line answers it (``clearline.model.incident.CaseView`` as JSON)."""
INCIDENTS = "/v1/incidents"


def incident_file(
    token: Token,
    kind: Annotated[
        IncidentKind | None,
        typer.Option("--kind", help="What happened; default: the incident report's."),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="When it began: ISO 8601 with a zone.")
    ] = None,
    end: Annotated[str | None, typer.Option("--end", help="When it ended: ISO 8601.")] = None,
    lat: Annotated[float | None, typer.Option("--lat", help="Where: latitude, degrees.")] = None,
    lon: Annotated[float | None, typer.Option("--lon", help="Longitude, degrees.")] = None,
    radius_m: Annotated[
        int | None, typer.Option("--radius-m", help="Around --lat/--lon, metres.")
    ] = None,
    track: Annotated[
        int | None,
        typer.Option("--track", help="Where: along this track (its id), instead of --lat/--lon."),
    ] = None,
    party: Annotated[
        list[str] | None,
        typer.Option(
            "--party", help="Another party involved, once each; default: every other party."
        ),
    ] = None,
    tracks: Annotated[
        list[int] | None,
        typer.Option("--track-id", "--tracks", help="A track involved (its id), once each."),
    ] = None,
    severity: Annotated[
        IncidentSeverity | None,
        typer.Option("--severity", help="grave: lives lost or an aircraft down. Default: serious."),
    ] = None,
    narrative: Annotated[
        str | None, typer.Option("--narrative", help="Your party's account, as written.")
    ] = None,
    from_message: Annotated[
        int | None,
        typer.Option(
            "--from-message",
            help="An incident report sent or received: its kind, time and place are the "
            "defaults of the options left out.",
        ),
    ] = None,
    agreement: InAgreement = None,
    url: Url = DEFAULT_URL,
) -> None:
    """File an incident your party is involved in; the line gathers what it recorded of the
    window and the place as the case's evidence, and computes its facts from that record.

    Prints its id and state, the parties involved and how much evidence it holds.

    Example: clearline incident file --kind fire_near_forces --start 2026-11-22T15:32Z
    --end 2026-11-22T15:35Z --lat 34.70 --lon 38.27 --severity grave --track-id 4
    """
    payload = without_none(
        {
            "agreement": agreement,
            "from_message": from_message,
            "kind": kind,
            "start": start,
            "end": end,
            "place": _place(lat, lon, radius_m, track),
            "parties": party or None,
            "tracks": tracks or None,
            "severity": severity,
            "narrative": narrative,
        }
    )
    found = request("POST", url, token, INCIDENTS, json=payload)
    incident = found["incident"]
    typer.echo(f"incident {incident['id']}: {_heading(incident)}")
    typer.echo(
        f"{_count(found['evidence'], 'evidence item')}, {_count(found['facts'], 'fact')}: "
        f"clearline incident show {incident['id']}"
    )


def incident_list(token: Token, url: Url = DEFAULT_URL) -> None:
    """List the incidents your party is involved in or (the mediator) was referred, newest
    first.

    Example: clearline incident list
    """
    found = request("GET", url, token, INCIDENTS)["incidents"]
    if not found:
        typer.echo("no incidents")
        return
    table = Table("id", "kind", "severity", "state", "filed by", "parties", "start", "end")
    for incident in found:
        table.add_row(
            *row(
                str(incident["id"]),
                incident["kind"],
                incident["severity"],
                incident["state"],
                incident["filed_by"],
                ", ".join(incident["parties"]),
                _time(incident["start"]),
                _time(incident["end"]),
            )
        )
    show(table)


def incident_show(
    incident_id: Id,
    token: Token,
    raw: Annotated[
        bool, typer.Option("--json", help="The case exactly as the line sends it.")
    ] = False,
    url: Url = DEFAULT_URL,
) -> None:
    """Show incident ID as your party may see it: its state, parties, window and place, each
    party's account, the facts the line computed from the record, then the timeline with each
    recipient's receipts.

    Example: clearline incident show 1
    """
    found = request("GET", url, token, f"{INCIDENTS}/{incident_id}")
    if raw:
        typer.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    incident = found["incident"]
    typer.echo(f"incident {incident_id}: {_heading(incident)}")
    typer.echo(f"window: {_time(incident['start'])} to {_time(incident['end'])}")
    typer.echo(f"place: {_where(incident['place'])}")
    if incident["tracks"]:
        typer.echo(f"tracks: {_numbers(incident['tracks'])}")
    if incident["referral"]:
        referral = incident["referral"]
        typer.echo(
            f"referred by {referral['by']} to {', '.join(referral['to'])}: "
            f"{printable(referral['note'])}"
        )
    _show_narratives(incident["narratives"])
    _show_findings(incident["findings"])
    _show_files(_files(found))
    _show_facts(found["facts"])
    _show_timeline(found["timeline"])


def incident_move(
    incident_id: Id,
    state: Annotated[IncidentState, typer.Argument(help="The state to move it to.")],
    token: Token,
    note: Annotated[str | None, typer.Option("--note", help="Why; every party reads it.")] = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Take the next step of incident ID's review, in order: the other party acknowledges it,
    either starts the review, and findings are agreed once every party involved agrees every
    finding; a disputed case may go back to review, and closes once every party has written
    its account.

    Example: clearline incident move 1 disputed --note "The notice was on time by our clock"
    """
    payload = without_none({"state": state, "note": note})
    found = request("POST", url, token, f"{INCIDENTS}/{incident_id}/state", json=payload)
    incident = found["incident"]
    typer.echo(f"incident {incident_id}: {incident['state']}")


def incident_narrative(
    incident_id: Id,
    text: Annotated[str, typer.Argument(help="Your party's account; it replaces the last.")],
    token: Token,
    url: Url = DEFAULT_URL,
) -> None:
    """Write your party's account of incident ID; the one it replaces stays on the ledger.

    The other parties involved read it; the mediator only once you share it.

    Example: clearline incident narrative 1 "Our strike notice went out as the protocol asks."
    """
    path = f"{INCIDENTS}/{incident_id}/narrative"
    request("PUT", url, token, path, json={"text": text})
    typer.echo(f"incident {incident_id}: your party's account recorded")


def incident_share(
    incident_id: Id,
    to: Annotated[str, typer.Option("--with", help="Another party of the case, or its mediator.")],
    token: Token,
    item: Annotated[
        list[int] | None,
        typer.Option("--item", help="An evidence item of your party's (its seq), once each."),
    ] = None,
    narrative: Annotated[
        bool, typer.Option("--narrative", help="Your party's account too.")
    ] = False,
    question: Annotated[
        list[int] | None,
        typer.Option("--question", help="A question you asked or answered, by number."),
    ] = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Show your party's own record of incident ID (evidence items, by their seq in ``show
    --json``), its account, or its words in questions, to the mediator or another party:
    never anyone else's record.

    Example: clearline incident share 1 --with AZ --item 57 --narrative --question 1
    """
    payload = {"with": to, "items": item or [], "narrative": narrative, "questions": question or []}
    request("POST", url, token, f"{INCIDENTS}/{incident_id}/share", json=payload)
    shown = [f"item{'s' if len(item or []) > 1 else ''} {_numbers(item)}"] if item else []
    if narrative:
        shown.append("your account")
    if question:
        shown.append(
            f"your words in question{'s' if len(question) > 1 else ''} {_numbers(question)}"
        )
    typer.echo(f"incident {incident_id}: {' and '.join(shown)} shown to {to}")


def incident_refer(
    incident_id: Id,
    note: Annotated[str, typer.Option("--note", help="What you ask of the mediator.")],
    token: Token,
    url: Url = DEFAULT_URL,
) -> None:
    """Refer incident ID to the agreement's mediator, at any state: it then sees the case and
    what each party shows it (``share``), nothing else.

    Example: clearline incident refer 1 --note "We ask Baku to review it"
    """
    path = f"{INCIDENTS}/{incident_id}/referral"
    found = request("POST", url, token, path, json={"note": note})
    mediators = ", ".join(found["incident"]["referral"]["to"])
    typer.echo(f"incident {incident_id}: referred to {mediators}")
    typer.echo(f"show it your record: clearline incident share {incident_id} --with {mediators}")


def incident_ask(
    incident_id: Id,
    text: Annotated[str, typer.Argument(help="The question.")],
    token: Token,
    to: Annotated[
        str | None, typer.Option("--to", help="The party asked; absent: every other one.")
    ] = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Ask the other parties of incident ID (or one, ``--to``) a question in the review.

    Example: clearline incident ask 1 "Why was the notice filed 60 s ahead?" --to IL
    """
    payload = without_none({"text": text, "to": to})
    found = request("POST", url, token, f"{INCIDENTS}/{incident_id}/questions", json=payload)
    typer.echo(
        f"incident {incident_id}: question {found['incident']['questions'][-1]['number']} asked"
    )


def incident_answer(
    incident_id: Id,
    number: Annotated[int, typer.Argument(help="The question's number.")],
    text: Annotated[str, typer.Argument(help="Your party's answer.")],
    token: Token,
    url: Url = DEFAULT_URL,
) -> None:
    """Answer question NUMBER of incident ID, put to your party.

    Example: clearline incident answer 1 1 "Our cell filed it late."
    """
    path = f"{INCIDENTS}/{incident_id}/questions/{number}/answers"
    request("POST", url, token, path, json={"text": text})
    typer.echo(f"incident {incident_id}: question {number} answered")


def incident_finding(
    incident_id: Id,
    factor: Annotated[Factor, typer.Argument(help="The contributing factor.")],
    text: Annotated[str, typer.Argument(help="What was found.")],
    token: Token,
    recommend: Annotated[
        str | None, typer.Option("--recommend", help="What the parties should do about it.")
    ] = None,
    proposal: Annotated[
        int | None, typer.Option("--proposal", help="The amendment it asks for, by number.")
    ] = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Propose a finding under joint review of incident ID; your party agrees with it by
    proposing it, each other party agrees or disputes it (``position``).

    Example: clearline incident finding 1 late_or_wrong_notification "60 s ahead" --recommend
    "Check lead times on filing" --proposal 3
    """
    if proposal is not None and recommend is None:
        fail("recommend: --proposal goes with a --recommend text")
    payload: dict[str, Any] = {"factor": factor, "text": text}
    if recommend is not None:
        payload["recommendation"] = without_none({"text": recommend, "proposal": proposal})
    found = request("POST", url, token, f"{INCIDENTS}/{incident_id}/findings", json=payload)
    typer.echo(
        f"incident {incident_id}: finding {found['incident']['findings'][-1]['number']} proposed"
    )


def incident_position(
    incident_id: Id,
    number: Annotated[int, typer.Argument(help="The finding's number.")],
    position: Annotated[FindingPosition, typer.Argument(help="agree or dispute.")],
    token: Token,
    note: Annotated[str | None, typer.Option("--note", help="Why; every party reads it.")] = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Agree or dispute finding NUMBER of incident ID; said again, it replaces the last.

    Example: clearline incident position 1 2 dispute --note "It was identified correctly"
    """
    path = f"{INCIDENTS}/{incident_id}/findings/{number}/position"
    found = request(
        "PUT", url, token, path, json=without_none({"position": position, "note": note})
    )
    finding = Finding.model_validate(found["incident"]["findings"][number - 1])
    holdouts = finding.holdouts(found["incident"]["parties"])
    waiting = f"; not agreed by {', '.join(holdouts)}" if holdouts else "; agreed by every party"
    typer.echo(f"incident {incident_id}: finding {number}: you {position}{waiting}")


def incident_comment(
    incident_id: Id,
    text: Annotated[str, typer.Argument(help="The comment; every party of the case reads it.")],
    token: Token,
    url: Url = DEFAULT_URL,
) -> None:
    """The mediator's comment on incident ID, referred to it.

    Example: clearline incident comment 1 "Both notices were late by the protocol."
    """
    request("POST", url, token, f"{INCIDENTS}/{incident_id}/comments", json={"text": text})
    typer.echo(f"incident {incident_id}: comment recorded")


def incident_attach(
    incident_id: Id,
    file: Annotated[Path, typer.Argument(help="The file, at most 50 MiB.", dir_okay=False)],
    token: Token,
    media_type: Annotated[
        str | None,
        typer.Option("--type", help="Its type, where its name does not say (text/csv, ...)."),
    ] = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Attach FILE (a photo, a radar or EW log, a report) to incident ID, streamed. It is an
    item of your party's own: no one else sees it until you share it (``share --item``).

    Prints the item and the SHA-256 the line put on the ledger, after checking it is the
    file's own.

    Example: clearline incident attach 1 radar-log.csv
    """
    within(file, ATTACHMENT_MAX_BYTES)
    path = f"{INCIDENTS}/{incident_id}/attachments"
    found, ours = upload(url, token, path, file, media_type)
    items = [i for i in _files(found) if i["payload"]["attachment"]["name"] == file.name]
    if not items:
        fail(f"name: the line answered incident {incident_id} without {file.name!r} attached")
    item = items[-1]
    kept = item["payload"]["attachment"]
    same_file(kept, ours)
    typer.echo(
        f"incident {incident_id}: {printable(file.name)} attached as item {item['seq']}, "
        f"{kept['size']} bytes, seen by your party alone until shared"
    )
    typer.echo(f"sha256 {kept['sha256']}")


def incident_attachment(
    incident_id: Id,
    sha256: Annotated[str, typer.Argument(help="The file's SHA-256, as `show` lists it.")],
    out: Annotated[Path, typer.Option("--out", help="The file to write.", dir_okay=False)],
    token: Token,
    url: Url = DEFAULT_URL,
) -> None:
    """Write a file of incident ID that your party may see to OUT, checking that it hashes
    to the SHA-256 the ledger records.

    Example: clearline incident attachment 1 9f86d08... --out radar-log.csv
    """
    path = f"{INCIDENTS}/{incident_id}/attachments/{sha256}"
    size = download(url, token, path, out, sha256)
    typer.echo(f"incident {incident_id}: {out} written, {size} bytes, sha256 checked")


def incident_dossier(
    incident_id: Id,
    out: Annotated[Path, typer.Option("--out", help="The zip to write.", dir_okay=False)],
    token: Token,
    url: Url = DEFAULT_URL,
) -> None:
    """Write incident ID as your party may see it, each item with its ledger entry and
    inclusion proof under a signed head, to one zip an auditor checks offline.

    Example: clearline incident dossier 1 --out case.zip
    """
    content = request_bytes(url, token, f"{INCIDENTS}/{incident_id}/dossier")
    try:
        out.write_bytes(content)
    except OSError as exc:
        fail(f"out: cannot write {out} ({exc.strerror or exc})")
    typer.echo(f"incident {incident_id} dossier written to {out} ({len(content)} bytes)")
    typer.echo(f"check it offline: clearline verify {out} --key KEY")


# --- what the commands share ------------------------------------------------------------------


def _place(
    lat: float | None, lon: float | None, radius_m: int | None, track: int | None
) -> dict[str, Any] | None:
    """A point (with its radius) or a track, one of them; none is the incident report's place
    (``--from-message``), which the line checks."""
    if (lat is None) != (lon is None):
        fail("place: give --lat and --lon together")
    if lat is not None and track is not None:
        fail("place: give --lat and --lon, or --track, not both")
    if radius_m is not None and lat is None:
        fail("place: --radius-m goes with --lat and --lon")
    if track is not None:
        return {"track": track}
    if lat is not None:
        return without_none({"point": {"lat": lat, "lon": lon}, "radius_m": radius_m})
    return None


def _heading(incident: dict[str, Any]) -> str:
    others = [p for p in incident["parties"] if p != incident["filed_by"]]
    return (
        f"{incident['state']}, {incident['kind']} ({incident['severity']}), filed by "
        f"{incident['filed_by']}, involving {', '.join(others)}"
    )


def _where(place: dict[str, Any]) -> str:
    if place.get("point") is not None:
        point = place["point"]
        around = f" within {place['radius_m']} m" if place.get("radius_m") else ""
        return f"{point['lat']}, {point['lon']}{around}"
    if place.get("area") is not None:
        return f"an area of {len(place['area'])} points"
    return f"along track {place['track']}"


def _show_narratives(narratives: dict[str, dict[str, Any]]) -> None:
    """Each party's account line by line: accounts run to paragraphs, and each line is escaped
    on its own so that only its newlines are kept."""
    typer.echo("narratives:" if narratives else "narratives: none you may read")
    for party, narrative in sorted(narratives.items()):
        shown = narrative["shared_with"]
        also = f", shown to {', '.join(shown)}" if shown else ""
        typer.echo(f"  {party} ({_time(narrative['at'])}{also}):")
        for line in narrative["text"].splitlines():
            typer.echo(f"    {printable(line)}")


def _show_findings(findings: list[dict[str, Any]]) -> None:
    for finding in findings:
        stances = ", ".join(f"{p} {s['position']}" for p, s in sorted(finding["positions"].items()))
        typer.echo(
            f"finding {finding['number']} ({finding['factor']}, by {finding['by']}; {stances}): "
            f"{printable(finding['text'])}"
        )
        if finding["recommendation"]:
            recommendation = finding["recommendation"]
            amendment = recommendation["proposal"]
            names = f" (proposal {amendment})" if amendment else ""
            typer.echo(f"  recommended{names}: {printable(recommendation['text'])}")


def _files(case: Case) -> list[dict[str, Any]]:
    """The case's attachments the reader may see, as evidence items."""
    return [i for i in case["evidence"] if i["type"] == "incident.attachment"]


def _show_files(items: list[dict[str, Any]]) -> None:
    if not items:
        return
    typer.echo("files:")
    table = Table("item", "name", "size", "type", "by", "shown to", "sha256")
    for item in items:
        kept = item["payload"]["attachment"]
        table.add_row(
            *row(
                str(item["seq"]),
                kept["name"],
                str(kept["size"]),
                kept["media_type"],
                kept["added_by"],
                ", ".join(item["shared_with"]) or "-",
                kept["sha256"],
            )
        )
    show(table)


def _show_facts(facts: list[dict[str, Any]]) -> None:
    typer.echo("facts:" if facts else "facts: none from what you may see")
    for fact in facts:
        typer.echo(f"  - {printable(fact['text'])}")


def _show_timeline(entries: list[dict[str, Any]]) -> None:
    typer.echo("timeline:")
    table = Table("time", "type", "text", "receipts")
    for entry in entries:
        table.add_row(
            *row(_time(entry["time"]), entry["type"], _text(entry), _receipts(entry["receipts"]))
        )
    show(table)


def _text(entry: dict[str, Any]) -> str:
    """The line's words, and in brackets what a person wrote with the step, as they wrote it."""
    note = entry.get("note")
    return f"{entry['text']} ({note})" if note else str(entry["text"])


def _receipts(receipts: dict[str, dict[str, str]]) -> str:
    """When each recipient party's client got it and a human acknowledged it."""
    return "; ".join(
        f"{party}: " + ", ".join(f"{what} {_time(at)}" for what, at in sorted(times.items()))
        for party, times in sorted(receipts.items())
    )


def _time(text: str) -> str:
    """A time as the line writes it: UTC, to the second."""
    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _count(items: list[Any], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"
