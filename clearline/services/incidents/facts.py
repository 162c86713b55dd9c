"""The figures a joint review needs, computed from the evidence a reader sees, never typed.

"The notice was filed 60 s before its window, against a lead time of 900 s"; "its volumes were
30 km from where it happened"; "the warning was acknowledged 240 s after it began". Each fact
names the items it comes from, and is computed from their payloads alone (and the case), so an
auditor holding a dossier gets the same figures offline, and a reader who may not see an item
gets no fact that would tell of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from shapely.geometry import Point, shape
from shapely.ops import unary_union

from clearline.model.incident import EvidenceItem, Fact, Incident
from clearline.services.incidents.places import Metres, geometries, place_shape

NOTICE = "notice."
SENT = ("message.sent", "message.released")
ACKNOWLEDGED = "message.acknowledged"
TRACK = "incident.evidence"


def facts(incident: Incident, items: list[EvidenceItem]) -> list[Fact]:
    place = _place(incident, items)
    return [
        *_notices(incident, items, place),
        *_messages(incident, items, place),
        *_tracks(incident, items, place),
    ]


def _place(incident: Incident, items: list[EvidenceItem]) -> Metres:
    """Where it happened; a track's path as the reader was shown it, if it was."""
    path: list[tuple[float, float]] = []
    if incident.place.track is not None:
        shown = [
            i for i in items if i.type == TRACK and i.payload["track"]["id"] == incident.place.track
        ]
        path = _path(shown[0], incident) if shown else []
    return Metres(place_shape(incident.place, path), float(incident.place.radius_m or 0))


def _notices(incident: Incident, items: list[EvidenceItem], place: Metres) -> Iterator[Fact]:
    """Per notice, its version in force when the incident began (else its first): how late it
    was filed, and how far its volumes were from the place."""
    latest: dict[int, EvidenceItem] = {}
    for item in items:
        if item.type.startswith(NOTICE):
            notice = item.payload["notice"]
            if notice["id"] not in latest or item.time <= incident.start:
                latest[notice["id"]] = item
    for notice_id, item in sorted(latest.items()):
        notice = item.payload["notice"]
        version = notice["versions"][-1]
        lead, late = round(version["lead_s"]), round(version["late_s"])
        label = f"notice {notice_id} ({notice['kind']}) of {notice['party']}"
        if late > 0:
            text = (
                f"{label} was filed {lead} s before its window, against a lead time of "
                f"{lead + late} s: {late} s late"
            )
        else:
            text = f"{label} was filed {lead} s before its window: on time"
        values = {"notice": notice_id, "lead_s": lead, "late_s": late, "required_s": lead + late}
        yield Fact(kind="notice_lead", text=text, values=values, items=(item.seq,))
        footprint = unary_union([shape(v["footprint"]) for v in version["volumes"]])
        km = _km(place.to_place(footprint))
        yield Fact(
            kind="notice_distance",
            text=f"{label}: its volumes were {km:g} km from where it happened",
            values={"notice": notice_id, "distance_km": km},
            items=(item.seq,),
        )


def _messages(incident: Incident, items: list[EvidenceItem], place: Metres) -> Iterator[Fact]:
    """Per message between the parties: when it was sent and acknowledged, against when the
    incident began and its deadline; and where it said, against where it happened."""
    acks = {
        (i.payload["message_id"], i.payload["party"]): i for i in items if i.type == ACKNOWLEDGED
    }
    for item in items:
        if item.type not in SENT:
            continue
        message = item.payload["message"]
        sender = message["sender_party"] or "the line"
        label = f"{message['precedence']} {message['type']} {message['id']} from {sender}"
        sent = _seconds(datetime.fromisoformat(message["created_at"]), incident.start)
        for recipient in message["recipients"]:
            ack = acks.get((message["id"], recipient["party"]))
            yield _acknowledgement(label, sent, recipient, ack, incident.start, item)
        located = list(geometries(message["body"]))
        if located:
            km = _km(place.to_place(unary_union(located)))
            yield Fact(
                kind="message_distance",
                text=f"{label} gave a location {km:g} km from where it happened",
                values={"message": message["id"], "distance_km": km},
                items=(item.seq,),
            )


def _acknowledgement(
    label: str,
    sent_s: int,
    recipient: dict[str, Any],
    ack: EvidenceItem | None,
    start: datetime,
    item: EvidenceItem,
) -> Fact:
    party = recipient["party"]
    values: dict[str, Any] = {
        "sent_s": sent_s,
        "party": party,
        "message": item.payload["message"]["id"],
    }
    text = f"{label} was sent {_when(sent_s)} it began"
    if ack is None:
        values["acknowledged_s"] = None
        return Fact(
            kind="acknowledgement",
            text=f"{text}; {party} did not acknowledge it in the record",
            values=values,
            items=(item.seq,),
        )
    acknowledged = _seconds(ack.time, start)
    values["acknowledged_s"] = acknowledged
    text = f"{text}; {party} acknowledged it {_when(acknowledged)} it began"
    if recipient.get("due_at"):
        over = _seconds(ack.time, datetime.fromisoformat(recipient["due_at"]))
        values["past_deadline_s"] = max(0, over)
        if over > 0:
            text += f", {over} s past its deadline"
    return Fact(kind="acknowledgement", text=text, values=values, items=(item.seq, ack.seq))


def _tracks(incident: Incident, items: list[EvidenceItem], place: Metres) -> Iterator[Fact]:
    """Per track shown, how close it came to the place while it happened (or, if it was not
    reported then, in the margin around it), and when."""
    for item in items:
        if item.type != TRACK or not item.payload["samples"]:
            continue
        track = item.payload["track"]
        during = [s for s in item.payload["samples"] if _within(s, incident)]
        closest = min(
            during or item.payload["samples"],
            key=lambda s: place.to_place(Point(s["lon"], s["lat"])),
        )
        km = _km(place.to_place(Point(closest["lon"], closest["lat"])))
        owner = track["owner"] or track["reporter"]
        yield Fact(
            kind="track_distance",
            text=(
                f"track {track['id']} ({track['kind']}) of {owner} came within {km:g} km of "
                f"where it happened, at {closest['time']}"
            ),
            values={"track": track["id"], "distance_km": km, "at": closest["time"]},
            items=(item.seq,),
        )


def _path(item: EvidenceItem, incident: Incident) -> list[tuple[float, float]]:
    return [(s["lon"], s["lat"]) for s in item.payload["samples"] if _within(s, incident)]


def _within(sample: dict[str, Any], incident: Incident) -> bool:
    return incident.start <= datetime.fromisoformat(sample["time"]) <= incident.end


def _seconds(moment: datetime, since: datetime) -> int:
    return round((moment - since).total_seconds())


def _when(seconds: int) -> str:
    return f"{-seconds} s before" if seconds < 0 else f"{seconds} s after"


def _km(metres: float) -> float:
    return round(metres / 1_000, 1)
