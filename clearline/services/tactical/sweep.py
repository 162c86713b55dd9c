"""The line's sweep of the live tracks, once a second: every agreement's picture screened for
encounters (``tactical.encounters``) and its unknown objects asked about (``tactical.unknowns``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from clearline.services.deconfliction.engine import ConflictEngine
from clearline.services.tactical import encounters, unknowns
from clearline.services.tactical.picture import Pictures
from clearline.store import agreements as agreement_store


def run(
    connection: Connection, now: datetime, pictures: Pictures, conflict_engine: ConflictEngine
) -> int:
    """Encounters changed and identification queries raised, over every agreement."""
    done = 0
    for agreement_id in agreement_store.agreement_ids(connection):
        picture = pictures.of(connection, agreement_id, now.timestamp())
        protocol = agreement_store.protocol_in_force(connection, agreement_id, now)
        theatre = conflict_engine.index(connection, agreement_id)
        done += encounters.screen(connection, picture, protocol, now, theatre)
        done += unknowns.ask(connection, picture, theatre, protocol, now)
    return done
