"""The one check of a refused request: a 4xx with a JSON body naming the field, and nothing
stored changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clearline.store import messages as message_store
from clearline.store.schema import (
    agreement_members,
    agreements,
    approvals,
    blob_chunks,
    blobs,
    event_audience,
    events,
    incident_evidence,
    incidents,
    lines,
    messages,
    notice_versions,
    notices,
    parties,
    proposals,
    protocols,
    recipients,
    round_attachments,
    rounds,
    signing_keys,
    tokens,
    track_reports,
    tracks,
    users,
)


@dataclass(frozen=True)
class Refusal:
    status: int
    error: str
    field: str
    reason: str


def stored(engine: Engine) -> dict[str, Any]:
    """What a refused request must leave as it was."""
    with engine.connect() as connection:

        def box(party: str, which: str) -> list[int]:
            found = message_store.query(connection, party, which, limit=10_000)
            return [m.id for m in found]

        def rows(table: sa.Table) -> list[tuple[Any, ...]]:
            ordered = sa.select(table).order_by(*table.primary_key.columns)
            return [tuple(row) for row in connection.execute(ordered)]

        return {
            "TR outbox": box("TR", "outbox"),
            "TR inbox": box("TR", "inbox"),
            "IL outbox": box("IL", "outbox"),
            "IL inbox": box("IL", "inbox"),
            "messages": rows(messages),
            "recipients": rows(recipients),
            "parties": rows(parties),
            "agreements": rows(agreements),
            "agreement members": rows(agreement_members),
            "lines": rows(lines),
            "events": rows(events),
            "event audience": rows(event_audience),
            "notices": rows(notices),
            "notice versions": rows(notice_versions),
            "tracks": rows(tracks),
            "track reports": rows(track_reports),
            "protocols": rows(protocols),
            "proposals": rows(proposals),
            "approvals": rows(approvals),
            "signing keys": rows(signing_keys),
            "rounds": rows(rounds),
            "round attachments": rows(round_attachments),
            "files": rows(blobs),
            "file pieces": rows(blob_chunks),
            "incidents": rows(incidents),
            "incident evidence": rows(incident_evidence),
            "users": rows(users),
            "tokens": rows(tokens),
        }


def refused(engine: Engine, request: Callable[[], Any]) -> Refusal:
    """Make a request that must be refused; check that it stored nothing; return the refusal."""
    before = stored(engine)
    response = request()
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["field"], str) and body["field"]
    assert isinstance(body["reason"], str) and body["reason"]
    assert stored(engine) == before
    return Refusal(response.status_code, body["error"], body["field"], body["reason"])
