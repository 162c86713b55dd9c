"""An adopted version taking effect: its parties and lines applied (``membership``), told to
every side, and the live notices screened again.

Which version a decision follows is read by time (``store.agreements.protocol_in_force``), so
a message sent a second after the effective time gets the new deadline whether or not this
has run. What waits for it is what the change does to what is already standing: the indexes
and pictures built under the old version are dropped, and every live notice is screened
under the new minima and rules, each conflict that opens or clears marked as the version's.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import Connection

from clearline.model.event import EventType
from clearline.model.message import AmendmentStage
from clearline.services.deconfliction import notices
from clearline.services.deconfliction.engine import ConflictEngine
from clearline.services.protocol import membership
from clearline.services.protocol.proposals import post, supersede_stale, tell
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
        protocol = agreement_store.protocol_version(connection, agreement_id, version)
        assert protocol is not None
        changed = membership.apply(connection, agreement, protocol, now)
        agreement = agreement_store.get_agreement(connection, agreement_id)
        assert agreement is not None
        if changed.joined or changed.left:
            reason = f"the parties changed with version {version}: propose it again"
            supersede_stale(connection, agreement, changed.left, reason, now)
        conflict_engine.forget(agreement_id)
        pictures.forget(agreement_id)
        rescreened = notices.rescreen_all(connection, conflict_engine, agreement_id, now)
        payload = {
            "version": version,
            "previous": previous,
            "effective_at": effective_at.isoformat(),
            "rescreened": rescreened,
            **asdict(changed),
        }
        tell(connection, agreement, EventType.PROTOCOL_IN_FORCE, payload, now, changed.left)
        body = {
            "proposal": proposal,
            "stage": AmendmentStage.IN_FORCE,
            "version": version,
            "effective_at": effective_at.isoformat(),
        }
        post(connection, agreement, body, now)
    return len(due)
