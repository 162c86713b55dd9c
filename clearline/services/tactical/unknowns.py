"""Unknown objects: "is this yours?", asked by the line itself.

An object nobody has claimed that comes within the protocol's distance of a party's tracks,
declared positions or zones raises an identification query from that party to every other
party, at IMMEDIATE, once. The answers decide what it is: "ours" or "partner force" attaches
it to the answering party from then on (and tactical alerting pairs it); "not ours" from
everyone asked marks it hostile-unknown for the party that asked. An unanswered query
escalates like any other message.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
from shapely.geometry import Point as Spot
from sqlalchemy import Connection

from clearline.geo.index import Minima, Probe
from clearline.model.event import EventType
from clearline.model.message import (
    IdentificationAnswer,
    IdentificationQueryBody,
    Message,
    MessageType,
    Point,
    Precedence,
)
from clearline.model.protocol import Protocol
from clearline.model.track import TrackStatus
from clearline.services.deconfliction.index import AgreementIndex
from clearline.services.line import lines, messages
from clearline.services.tactical.picture import Picture, Pictures
from clearline.store import events
from clearline.store import tracks as track_store

CLAIMS = frozenset({IdentificationAnswer.OURS, IdentificationAnswer.PARTNER_FORCE})
ANY_HEIGHT_FT = 1e9
"""Nearness to a party's forces is horizontal: a drone above a position is near it."""


def ask(
    connection: Connection,
    picture: Picture,
    theatre: AgreementIndex,
    protocol: Protocol,
    now: datetime,
) -> int:
    now_s = now.timestamp()
    rows = picture.live(now_s, protocol.tracks.lost_after_s)
    owned = picture.claimed(rows)
    unknown = np.setdiff1d(rows, owned)  # nobody's yet: a claim gives an object an owner
    if not unknown.size:
        return 0
    done = track_store.queried(connection, picture.agreement_id)
    raised = 0
    for row in unknown.tolist():
        track_id = int(picture.ids[row])
        for party in sorted(near(picture, theatre, row, owned, protocol, now_s)):
            if (track_id, party) not in done:
                raised += _query(connection, picture, theatre, track_id, party, protocol, now)
    return raised


def near(
    picture: Picture,
    theatre: AgreementIndex,
    row: int,
    owned: np.ndarray,
    protocol: Protocol,
    now_s: float,
) -> set[str]:
    """The parties whose tracks (``owned``: the live claimed rows), declared positions or
    zones are within the protocol's distance of the object on ``row``."""
    radius = protocol.tracks.unknown_query_radius_m
    distance = np.hypot(*(picture.xy[owned] - picture.xy[row]).T)
    codes = set(picture.owner[owned[distance <= radius]].tolist())
    parties = {party for party, code in picture.codes.items() if code in codes}
    alt_ft = float(picture.state[row, 2])
    spot = Probe.of([Spot(*picture.xy[row])], [(alt_ft, alt_ft, now_s, now_s)])
    reach = Minima(horizontal_m=radius, vertical_ft=ANY_HEIGHT_FT)
    _, position_rows = theatre.positions.query(spot, reach)
    parties |= {theatre.position_parties[k] for k in theatre.positions.key(position_rows).tolist()}
    _, zone_rows = theatre.zones.query(spot, reach)
    owners = (theatre.zone_records[k].owner for k in theatre.zones.key(zone_rows).tolist())
    return parties | {owner for owner in owners if owner is not None}


def on_identification_reply(
    connection: Connection, message: Message, now: datetime, pictures: Pictures
) -> None:
    """Apply an answer to a query the line raised about an unknown object."""
    if message.type is not MessageType.IDENTIFICATION_REPLY or message.in_reply_to is None:
        return
    query = track_store.query_of_message(connection, message.in_reply_to)
    if query is None or message.sender_party is None:
        return
    answer = IdentificationAnswer(message.body["answer"])
    track_store.answer_query(connection, query.message_id, answer)
    picture = pictures.of(connection, message.agreement_id, now.timestamp())
    identity = picture.identities[query.track_id]
    if answer in CLAIMS and identity.owner is None:
        _settle(
            connection,
            picture,
            query.track_id,
            now,
            owner=message.sender_party,
            status=TrackStatus.ATTRIBUTED,
        )
        return
    answers = [
        q.answer
        for q in track_store.queries_of(connection, query.track_id)
        if q.asking == query.asking
    ]
    everyone_denies = all(a == IdentificationAnswer.NOT_OURS for a in answers)
    if everyone_denies and identity.owner is None and query.asking not in identity.hostile_for:
        _settle(
            connection,
            picture,
            query.track_id,
            now,
            status=TrackStatus.HOSTILE_UNKNOWN,
            hostile_for=(*identity.hostile_for, query.asking),
        )


def _query(
    connection: Connection,
    picture: Picture,
    theatre: AgreementIndex,
    track_id: int,
    party: str,
    protocol: Protocol,
    now: datetime,
) -> int:
    """One identification query from ``party`` to each other party of the agreement."""
    track = picture.track(track_id)
    body = IdentificationQueryBody(
        object_kind=track.kind,
        location=Point(lat=track.lat, lon=track.lon),
        altitude_ft=round(track.alt_ft),
        observed_at=track.time,
    ).model_dump(mode="json")
    sent = 0
    for other in (p for p in theatre.parties if p != party):
        for line in lines.lines_in(connection, picture.agreement_id, party, other):
            message = messages.send_system(
                connection,
                line,
                MessageType.IDENTIFICATION_QUERY,
                Precedence.IMMEDIATE,
                body,
                protocol,
                now,
                on_behalf_of=party,
            )
            track_store.insert_query(
                connection, message_id=message.id, track_id=track_id, asking=party, asked=other
            )
            sent += 1
    return sent


def _settle(
    connection: Connection, picture: Picture, track_id: int, now: datetime, **changes: object
) -> None:
    """Record what the answers made of the object, and tell everyone who was asked or asked."""
    stored = {k: list(v) if isinstance(v, tuple) else v for k, v in changes.items()}
    track_store.update_track(connection, track_id, **stored)
    identity = picture.reclaim(track_id, **changes)
    audience = {q.asking for q in track_store.queries_of(connection, track_id)}
    audience |= {q.asked for q in track_store.queries_of(connection, track_id)}
    events.append(
        connection,
        EventType.TRACK_ATTRIBUTED,
        now,
        picture.agreement_id,
        sorted(audience),
        {
            "track": {
                "id": track_id,
                "status": identity.status,
                "owner": identity.owner,
                "hostile_for": list(identity.hostile_for),
            }
        },
    )
