"""An adopted version taking effect: told to both sides, and the live notices screened again.

Which version a decision follows is read by time (``store.agreements.protocol_in_force``), so
a message sent a second after the effective time gets the new deadline whether or not this
has run. What waits for it is what the change does to what is already standing: the indexes
and pictures built under the old version are dropped, and every live notice is screened
under the new minima and rules, each conflict that opens or clears marked as the version's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from clearline.model.event import EventType
from clearline.model.message import AmendmentStage
from clearline.services.deconfliction import notices
from clearline.services.deconfliction.engine import ConflictEngine
from clearline.services.protocol.proposals import post, tell
from clearline.services.tactical.picture import Pictures
from clearline.store import agreements as agreement_store


def take_effect(
    connection: Connection, now: datetime, conflict_engine: ConflictEngine, pictures: Pictures
) -> int:
    """Announce every version whose effective time has come; returns how many."""
    due = agreement_store.versions_taking_effect(connection, now)
    for agreement_id, version, effective_at, proposal in due:
        agreement = agreement_store.get_agreement(connection, agreement_id)
        assert agreement is not None
        previous = agreement.protocol_version
        agreement_store.announce_version(connection, agreement_id, version)
        conflict_engine.forget(agreement_id)
        pictures.forget(agreement_id)
        rescreened = notices.rescreen_all(connection, conflict_engine, agreement_id, now)
        payload = {
            "version": version,
            "previous": previous,
            "effective_at": effective_at.isoformat(),
            "rescreened": rescreened,
        }
        tell(connection, agreement, EventType.PROTOCOL_IN_FORCE, payload, now)
        body = {
            "proposal": proposal,
            "stage": AmendmentStage.IN_FORCE,
            "version": version,
            "effective_at": effective_at.isoformat(),
        }
        post(connection, agreement, body, now)
    return len(due)
