"""Files a party attaches to a case: a photo, a radar or EW log, a report. Each is an item of
evidence like any other, the party's own: on the ledger with its SHA-256 for that party alone,
seen by another party or the mediator only once the party shares it (``incidents.share``), and
carried whole in the dossier of whoever may see it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from clearline.model.attachment import Attachment
from clearline.model.errors import conflict, not_found
from clearline.model.event import EventType
from clearline.model.incident import CaseView, EvidenceItem
from clearline.model.user import User
from clearline.services.incidents import incidents, visibility
from clearline.services.record.uploads import Upload
from clearline.store import blobs
from clearline.store import events as event_store
from clearline.store import incidents as incident_store


def attach(
    connection: Connection, user: User, incident_id: int, upload: Upload, now: datetime
) -> CaseView:
    """The file kept (once, by its hash), an item of the party's own on the ledger, and the
    case's step told to that party alone: the other party learns of the file when shown it."""
    incident = incidents.open_case(connection, user, incident_id)
    for item in of_case(incident_store.evidence(connection, incident_id)):
        if item.payload["attachment"]["sha256"] == upload.sha256 and item.owner == user.party:
            raise conflict("content", f"this file is item {item.seq} of the case already")
    attachment = upload.attachment(user.party, now)
    blobs.keep(connection, upload.sha256, upload.size, upload.chunks())
    payload = {"incident_id": incident.id, "attachment": attachment.model_dump(mode="json")}
    event = event_store.append(
        connection, EventType.INCIDENT_ATTACHMENT, now, incident.agreement_id, [user.party], payload
    )
    incident_store.add_evidence(connection, incident.id, [(event.seq, user.party)])
    incidents.record_change(
        connection,
        incident,
        "attachment",
        user.party,
        now,
        extra={"item": event.seq},
        told=[user.party],
    )
    return incidents.case(connection, user, incident_id)


def attachment(connection: Connection, user: User, incident_id: int, sha256: str) -> Attachment:
    """A file of the case the user's party may see; 404 for any other, as if there were none."""
    incident = incidents.visible_case(connection, user, incident_id)
    items = incident_store.evidence(connection, incident_id)
    for item in of_case(visibility.evidence_for(incident, items, user.party)):
        if item.payload["attachment"]["sha256"] == sha256:
            return Attachment.model_validate(item.payload["attachment"])
    raise not_found("sha256", f"incident {incident_id} has no file {sha256} you may see")


def of_case(items: tuple[EvidenceItem, ...] | list[EvidenceItem]) -> list[EvidenceItem]:
    return [item for item in items if item.type == EventType.INCIDENT_ATTACHMENT]
