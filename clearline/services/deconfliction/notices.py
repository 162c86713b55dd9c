"""Notices: filed, amended and cancelled by a party, each change screened by the engine at once.

A late notice is never refused, since a warning is always better than none: it is stamped late,
by how much, on the record and in every alert it causes (the Il-20 lesson of 2018).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from clearline.geo.index import Minima, Probe
from clearline.geo.projection import Projection
from clearline.geo.volumes import to_geojson, volume_footprint
from clearline.model import times
from clearline.model.errors import conflict, forbidden, invalid, not_found
from clearline.model.event import EventType
from clearline.model.message import Message, MessageType
from clearline.model.notice import (
    ActivityKind,
    AmendRequest,
    Notice,
    NoticeRequest,
    NoticeState,
    NoticeVersion,
    Sharing,
    Volume,
)
from clearline.model.protocol import Protocol
from clearline.model.user import SENDING_ROLES, User
from clearline.model.volume import VolumeIn
from clearline.services.deconfliction import bounds, conflicts
from clearline.services.deconfliction.engine import ConflictEngine
from clearline.services.deconfliction.index import AgreementIndex, NoticeFacts, probe_of
from clearline.services.deconfliction.screening import screen
from clearline.store import agreements as agreement_store
from clearline.store import events
from clearline.store import notices as notice_store


def file(
    connection: Connection,
    user: User,
    request: NoticeRequest,
    now: datetime,
    idempotency_key: str,
    conflict_engine: ConflictEngine,
) -> tuple[Notice, bool]:
    """File a notice and screen it. Returns it and whether it was created now (False: replay)."""
    _may_file(user)
    previous = notice_store.by_idempotency_key(connection, user.id, idempotency_key)
    if previous is not None:
        if previous[1] != request.fingerprint():
            raise conflict(
                "Idempotency-Key", "this key was used for a different notice; use a new key"
            )
        return _get(connection, previous[0]), False
    agreement_id = agreement_for(connection, user.party, request.agreement)
    protocol = agreement_store.protocol_in_force(connection, agreement_id, now)
    index = conflict_engine.index(connection, agreement_id)
    version, probe = _version(
        request.volumes,
        request.sharing or protocol.default_sharing,
        request.free_text,
        request.kind,
        1,
        protocol,
        index.projection,
        user,
        now,
    )
    notice_id = notice_store.insert(
        connection,
        agreement_id,
        user.party,
        request.kind,
        version,
        idempotency_key,
        request.fingerprint(),
    )
    notice = _get(connection, notice_id)
    _announce(connection, EventType.NOTICE_FILED, notice, now)
    _screen(connection, index, notice, probe, protocol, now)
    return notice, True


def amend(
    connection: Connection,
    user: User,
    notice_id: int,
    request: AmendRequest,
    now: datetime,
    conflict_engine: ConflictEngine,
) -> Notice:
    """A new version of a live notice; conflicts it no longer causes are resolved."""
    notice = _own_live(connection, user, notice_id)
    protocol = agreement_store.protocol_in_force(connection, notice.agreement_id, now)
    index = conflict_engine.index(connection, notice.agreement_id)
    current = notice.current
    version, probe = _version(
        request.volumes,
        request.sharing or current.sharing,
        request.free_text if request.free_text is not None else current.free_text,
        notice.kind,
        current.version + 1,
        protocol,
        index.projection,
        user,
        now,
    )
    notice_store.add_version(connection, notice_id, version)
    notice = _get(connection, notice_id)
    _announce(connection, EventType.NOTICE_AMENDED, notice, now)
    _screen(connection, index, notice, probe, protocol, now)
    return notice


def cancel(
    connection: Connection,
    user: User,
    notice_id: int,
    now: datetime,
    conflict_engine: ConflictEngine,
) -> Notice:
    notice = _own_live(connection, user, notice_id)
    conflict_engine.index(connection, notice.agreement_id).drop_notice(notice_id)
    notice_store.set_state(connection, notice_id, NoticeState.CANCELLED, now)
    notice = _get(connection, notice_id)
    _announce(connection, EventType.NOTICE_CANCELLED, notice, now)
    conflicts.resolve_all(connection, notice_id, f"notice {notice_id} cancelled", now)
    return notice


def advance(connection: Connection, now: datetime, conflict_engine: ConflictEngine) -> int:
    """Planned notices whose first volume has started become active; notices whose last
    volume has ended become ended and leave the conflict index."""
    starting, ending = notice_store.due(connection, now)
    for notice in starting:
        _set_state(connection, notice, NoticeState.ACTIVE, now)
    for notice in ending:
        conflict_engine.index(connection, notice.agreement_id).drop_notice(notice.id)
        _set_state(connection, notice, NoticeState.ENDED, now)
    return len(starting) + len(ending)


def on_crossing_decision(
    connection: Connection, message: Message, now: datetime, conflict_engine: ConflictEngine
) -> None:
    """An answered crossing request may clear conflicts: screen the requester's live notices."""
    if message.type is not MessageType.CROSSING_DECISION or message.recipients == ():
        return
    requester = message.recipients[0].party
    protocol = agreement_store.protocol_in_force(connection, message.agreement_id, now)
    index = conflict_engine.index(connection, message.agreement_id)
    for notice in notice_store.live_of(connection, message.agreement_id, requester):
        probe = probe_of(notice, index.projection)
        _screen(connection, index, notice, probe, protocol, now)


def rescreen_near(
    connection: Connection,
    index: AgreementIndex,
    area: Probe,
    reach: Minima,
    now: datetime,
) -> None:
    """Screen again every live notice within ``reach`` of ``area``: a new zone or declared
    position can put notices filed before it in conflict."""
    protocol = agreement_store.protocol_in_force(connection, index.agreement_id, now)
    _, rows = index.notices.query(area, reach)
    for notice_id in sorted(set(index.notices.key(rows).tolist())):
        notice = _get(connection, notice_id)
        _screen(connection, index, notice, probe_of(notice, index.projection), protocol, now)


def rescreen_all(
    connection: Connection, conflict_engine: ConflictEngine, agreement_id: str, now: datetime
) -> int:
    """Screen every live notice of the agreement again under the version in force now, which
    has just taken effect: its minima or rules may open conflicts or clear them, and each so
    opened or resolved is marked as that version's doing. Returns how many were screened."""
    protocol = agreement_store.protocol_in_force(connection, agreement_id, now)
    index = conflict_engine.index(connection, agreement_id)
    live = notice_store.live_of(connection, agreement_id, None)
    for notice in live:
        probe = probe_of(notice, index.projection)
        _screen(connection, index, notice, probe, protocol, now, protocol.version)
    return len(live)


def visible(connection: Connection, party: str, notice_id: int) -> Notice:
    """A party's own notice, or another party's shared one; 404 for anything else."""
    notice = notice_store.get(connection, notice_id)
    if notice is None or not _may_see(connection, notice, party):
        raise not_found("id", f"no notice {notice_id} visible to you")
    return view(notice, party)


def notices_for(
    connection: Connection, party: str, state: NoticeState | None, limit: int
) -> list[Notice]:
    joined = {a.id: a.joined(party) for a in agreement_store.agreements_of(connection, party)}
    found = notice_store.visible_to(connection, party, joined, state, limit)
    return [view(n, party) for n in found]


def view(notice: Notice, party: str | None) -> Notice:
    """Another party sees only the versions that were shared, never a blind one."""
    if party == notice.party:
        return notice
    shared = tuple(v for v in notice.versions if v.sharing is Sharing.SHARED)
    return notice.model_copy(update={"versions": shared})


def _may_see(connection: Connection, notice: Notice, party: str) -> bool:
    """Its own; or another party's shared one, if the party is in the agreement and either the
    notice is live or it changed last after the party joined."""
    if notice.party == party:
        return True
    if notice.current.sharing is not Sharing.SHARED:
        return False
    agreement = agreement_store.get_agreement(connection, notice.agreement_id)
    if agreement is None or party not in agreement.parties():
        return False
    joined = agreement.joined(party)
    return joined is None or notice.state.live or notice.updated_at >= joined


def _screen(
    connection: Connection,
    index: AgreementIndex,
    notice: Notice,
    probe: Probe,
    protocol: Protocol,
    now: datetime,
    amendment: int | None = None,
) -> None:
    current = notice.current
    facts = NoticeFacts(notice.party, notice.kind, current.version, current.sharing, current.late_s)
    index.index_notice(notice.id, facts, probe)
    found = screen(
        index,
        notice.id,
        facts,
        probe,
        protocol,
        conflicts.crossing_check(connection, notice.agreement_id, notice.party),
    )
    conflicts.record(
        connection,
        index,
        notice.id,
        found,
        protocol,
        now,
        f"notice {notice.id} version {current.version} no longer conflicts"
        + (f" under protocol version {amendment}" if amendment else ""),
        amendment,
    )


def _version(
    volumes: list[VolumeIn],
    sharing: Sharing,
    free_text: str | None,
    kind: ActivityKind,
    number: int,
    protocol: Protocol,
    projection: Projection,
    user: User,
    now: datetime,
) -> tuple[NoticeVersion, Probe]:
    """A checked version and its volumes in metres; every refusal names its volume."""
    shapes = []
    for index, volume in enumerate(volumes):
        field = f"volumes.{index}"
        if volume.duration_s > protocol.max_window_s:
            hours = protocol.max_window_s / 3_600
            raise invalid(
                f"{field}.end",
                f"a window of {volume.duration_s / 3_600:g} h is longer than the protocol's "
                f"maximum of {hours:g} h",
            )
        if volume.end <= now:
            raise invalid(f"{field}.end", "the window has ended already")
        bounds.notice_start(volume.start, protocol, now, f"{field}.start")
        shape = volume_footprint(volume, projection, field)
        bounds.footprint_in_theatre(shape, protocol, f"{field}.geometry")
        shapes.append(shape)
    lead_s = (min(v.start for v in volumes) - now).total_seconds()
    late_s = max(0.0, protocol.lead_time_s[kind] - lead_s)
    version = NoticeVersion(
        version=number,
        volumes=tuple(
            Volume(
                input=v.model_dump(mode="json", exclude_none=True),
                footprint=to_geojson(s, projection),
                alt_lower_ft=v.alt_lower_ft,
                alt_upper_ft=v.alt_upper_ft,
                start=v.start,
                end=v.end,
            )
            for v, s in zip(volumes, shapes, strict=True)
        ),
        sharing=sharing,
        free_text=free_text,
        filed_at=now,
        filed_by=user.id,
        lead_s=lead_s,
        late_s=late_s,
        protocol_version=protocol.version,
    )
    bands = [
        (v.alt_lower_ft, v.alt_upper_ft, times.epoch(v.start), times.epoch(v.end)) for v in volumes
    ]
    return version, Probe.of(shapes, bands)


def _may_file(user: User) -> None:
    if user.role not in SENDING_ROLES:
        raise forbidden("role", f"the {user.role} role may read notices but not file them")


def _own_live(connection: Connection, user: User, notice_id: int) -> Notice:
    _may_file(user)
    notice = visible(connection, user.party, notice_id)
    if notice.party != user.party:
        raise forbidden("id", f"notice {notice_id} is {notice.party}'s: only it may change it")
    if not notice.state.live:
        raise conflict("state", f"notice {notice_id} is {notice.state}: it cannot change")
    return notice


def agreement_for(connection: Connection, party: str, wanted: str | None) -> str:
    mine = agreement_store.party_to(connection, party)
    if wanted is not None:
        if wanted not in mine:
            raise invalid("agreement", f"{party} is not a party to agreement {wanted!r}")
        return wanted
    if not mine:
        raise forbidden("party", f"{party} is a party to no agreement")
    if len(mine) > 1:
        raise invalid("agreement", f"{party} is in several agreements: name one")
    return mine[0]


def _set_state(connection: Connection, notice: Notice, state: NoticeState, now: datetime) -> None:
    notice_store.set_state(connection, notice.id, state, now)
    _announce(connection, EventType.NOTICE_STATE_CHANGED, _get(connection, notice.id), now)


def _announce(connection: Connection, type: EventType, notice: Notice, now: datetime) -> None:
    """A shared notice's events go to the agreement's parties; a blind one's to its own."""
    audience = [notice.party]
    if notice.current.sharing is Sharing.SHARED:
        agreement = agreement_store.get_agreement(connection, notice.agreement_id)
        audience = agreement.parties() if agreement else audience
    events.append(
        connection,
        type,
        now,
        notice.agreement_id,
        audience,
        {"notice": (view(notice, None) if len(audience) > 1 else notice).model_dump(mode="json")},
    )


def _get(connection: Connection, notice_id: int) -> Notice:
    notice = notice_store.get(connection, notice_id)
    assert notice is not None, "a notice just stored or found must load"
    return notice
