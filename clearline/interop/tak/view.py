"""What the gateway does on the writer, one transaction each: who a certificate's user is now,
the tracks and zones its party may see, and taking the reports its feed sent.

The same services as the API's, called for the same party, so that TAK never shows more than
``GET /v1/tracks`` and ``GET /v1/zones`` would.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Connection

from clearline.model.errors import ClearlineError, forbidden, unauthenticated
from clearline.model.track import Track, TrackBatch, TrackReport
from clearline.model.user import MEDIATOR_ROLES, Role, User
from clearline.model.zone import Zone
from clearline.services.deconfliction import zones as zone_service
from clearline.services.deconfliction.notices import agreement_for
from clearline.services.tactical import tracks
from clearline.services.tactical.picture import Pictures
from clearline.store import agreements as agreement_store
from clearline.store import users as user_store

log = logging.getLogger("clearline.tak")


def user_of(connection: Connection, name: str | None) -> User:
    """The active user a certificate names: refused where there is none, or it is
    deactivated, or it holds no party's picture (the operator, a mediator)."""
    user = user_store.user_by_name(connection, name) if name else None
    if user is None or not user.active:
        raise unauthenticated("certificate", f"no active user named {name!r}")
    if user.role is Role.OPERATOR or user.role in MEDIATOR_ROLES:
        raise forbidden("certificate", f"a {user.role} has no party's tactical picture")
    return user


def seen_by(
    connection: Connection, name: str, pictures: Pictures, now: datetime
) -> list[tuple[Track, float]]:
    """The live tracks of every agreement the certificate's party is a party to, as
    ``tracks.tracks_for`` gives them to it, but for those it reported: its TAK network has
    them already, under its own uids, and would show each twice. The user is looked up again
    first, so that a deactivated one sees nothing more. Each track comes with how long
    until the line would drop it."""
    party = user_of(connection, name).party
    seen = []
    for agreement in agreement_store.party_to(connection, party):
        protocol = agreement_store.protocol_in_force(connection, agreement, now)
        picture = pictures.of(connection, agreement, now.timestamp())
        lost_after_s = protocol.tracks.lost_after_s
        others = [
            t for t in tracks.tracks_for(picture, party, now, protocol) if t.reporter != party
        ]
        seen += [(t, lost_after_s) for t in others]
    return seen


def zones_of(connection: Connection, name: str) -> list[Zone]:
    """The zones of the agreements the certificate's party is a party to (a mediator's
    connection is refused before this)."""
    party = user_of(connection, name).party
    mine = set(agreement_store.party_to(connection, party))
    return [z for z in zone_service.zones_for(connection, party) if z.agreement_id in mine]


def take(
    connection: Connection, name: str, reports: list[TrackReport], now: datetime, pictures: Pictures
) -> int:
    """The feed's reports, each checked alone first: one the protocol refuses is dropped with
    its reason and the rest are taken, where ``POST /v1/tracks`` refuses a batch whole (a feed
    has nobody to send the batch again). Returns how many were taken."""
    user = user_of(connection, name)
    agreement = agreement_for(connection, user.party, None)
    protocol = agreement_store.protocol_in_force(connection, agreement, now)
    parties = set(tracks.parties_of(connection, agreement))
    good = []
    for report in reports:
        try:
            tracks.check(report, protocol, parties, now, f"track {report.track_id}")
        except ClearlineError as exc:
            log.warning("tak %s: dropped a track: %s: %s", name, exc.field, exc.reason)
        else:
            good.append(report)
    if not good:
        return 0
    return tracks.ingest(connection, user, TrackBatch(reports=good), now, pictures)
