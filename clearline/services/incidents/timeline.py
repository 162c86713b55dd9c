"""One ordered timeline of a case from the evidence a reader sees and the case's own steps: who
sent what to whom and when each recipient's client got it and a human acknowledged it (beside
the message, from the recipients' own entries), which notices were filed, where each track was,
when each alert fired, and the files each party attached."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from clearline.model.incident import EvidenceItem, Incident, TimelineEntry

RECEIPTS = {"message.delivered": "delivered", "message.acknowledged": "acknowledged"}


def timeline(incident: Incident, items: list[EvidenceItem]) -> list[TimelineEntry]:
    receipts = _receipts(items)
    entries = [
        TimelineEntry(
            time=_when(item),
            seq=item.seq,
            type=item.type,
            owner=item.owner,
            text=describe(item.type, item.payload),
            receipts=receipts.get(_message_id(item.payload) or 0, {}),
        )
        for item in items
    ]
    entries += [
        TimelineEntry(
            time=change.at,
            seq=None,
            type=f"incident.{change.state}",
            owner=change.by,
            text=f"{change.by or 'the line'}: {change.state}",
            note=change.note,
        )
        for change in incident.history
    ]
    entries += _review(incident)
    return sorted(entries, key=lambda e: (e.time, e.seq or 0))


def _review(incident: Incident) -> list[TimelineEntry]:
    """The review's own entries: questions and answers (as far as the reader was shown them),
    findings and where each party stands, and the mediator's comments."""

    def entry(at: datetime, type: str, by: str, text: str, note: str | None) -> TimelineEntry:
        return TimelineEntry(time=at, seq=None, type=type, owner=by, text=text, note=note)

    entries = []
    for q in incident.questions:
        asked = f"{q.by} asked question {q.number}" + (f" of {q.to}" if q.to else "")
        entries.append(entry(q.at, "incident.question", q.by, asked, q.text))
        entries += [
            entry(a.at, "incident.answer", a.by, f"{a.by} answered question {q.number}", a.text)
            for a in q.answers
        ]
    for f in incident.findings:
        proposed = f"{f.by} proposed finding {f.number} ({f.factor})"
        entries.append(entry(f.at, "incident.finding", f.by, proposed, f.text))
        entries += [
            entry(s.at, "incident.position", p, f"{p}: {s.position} finding {f.number}", s.note)
            for p, s in f.positions.items()
            if (p, s.at) != (f.by, f.at)
        ]
    entries += [
        entry(c.at, "incident.comment", c.by, f"{c.by} commented", c.text)
        for c in incident.comments
    ]
    return entries


def _when(item: EvidenceItem) -> datetime:
    """When it happened: a track's positions from their first, not from when they were put on
    the ledger (the filing)."""
    samples = item.payload.get("samples") if item.type == "incident.evidence" else None
    return datetime.fromisoformat(samples[0]["time"]) if samples else item.time


def describe(type: str, payload: dict[str, Any]) -> str:
    """A line of the timeline, in English: the console and the CLI show the payload beside it."""
    for prefix, text in _TEXTS.items():
        if type == prefix or type.startswith(prefix + "."):
            return text(type, payload)
    return type


def _message(type: str, payload: dict[str, Any]) -> str:
    message = payload.get("message")
    if isinstance(message, dict):
        to = ", ".join(r["party"] for r in message["recipients"])
        sender = message["sender_party"] or "the line"
        return f"{sender} sent {message['precedence']} {message['type']} {message['id']} to {to}"
    verb = type.removeprefix("message.").replace("_", " ")
    return f"message {payload.get('message_id')}: {verb} ({payload.get('party')})"


def _notice(type: str, payload: dict[str, Any]) -> str:
    notice = payload["notice"]
    version = notice["versions"][-1]
    verb = type.removeprefix("notice.").replace("_", " ")
    return (
        f"notice {notice['id']} ({notice['kind']}) of {notice['party']} {verb}, "
        f"version {version['version']}, {notice['state']}"
    )


def _track(type: str, payload: dict[str, Any]) -> str:
    track, samples = payload["track"], payload["samples"]
    span = f"{samples[0]['time']} to {samples[-1]['time']}" if samples else "no positions"
    coarse = ", coarse" if payload["coarse"] else ""
    label = f"track {track['id']} ({track['kind']}) of {track['reporter']}"
    return f"{label}: {len(samples)} positions, {span}{coarse}"


def _attachment(type: str, payload: dict[str, Any]) -> str:
    file = payload["attachment"]
    return (
        f"{file['added_by']} attached {file['name']} ({file['media_type']}, {file['size']} "
        f"bytes, sha256 {file['sha256']})"
    )


def _named(key: str) -> Callable[[str, dict[str, Any]], str]:
    def text(type: str, payload: dict[str, Any]) -> str:
        record = payload.get(key, {})
        return f"{type.replace('.', ' ').replace('_', ' ')} {record.get('id', '')}".strip()

    return text


_TEXTS: dict[str, Callable[[str, dict[str, Any]], str]] = {
    "message": _message,
    "notice": _notice,
    "incident.evidence": _track,
    "incident.attachment": _attachment,
    "conflict": _named("conflict"),
    "encounter": _named("encounter"),
    "zone": _named("zone"),
    "position": _named("position"),
    "line": _named("line"),
}


def _receipts(items: list[EvidenceItem]) -> dict[int, dict[str, dict[str, datetime]]]:
    found: dict[int, dict[str, dict[str, datetime]]] = {}
    for item in items:
        what = RECEIPTS.get(item.type)
        if what is not None:
            party = found.setdefault(item.payload["message_id"], {}).setdefault(
                item.payload["party"], {}
            )
            party[what] = item.time
    return found


def _message_id(payload: dict[str, Any]) -> int | None:
    message = payload.get("message")
    return message["id"] if isinstance(message, dict) else None
