"""The player: a scenario's steps done at their time on the line's clock, each as its user,
through the same services the API calls."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection

from clearline.demo.scenario import Scenario
from clearline.demo.steps import (
    AckStep,
    AmendStep,
    BaseStep,
    CancelStep,
    CloseRoundStep,
    FeedStep,
    IncidentStep,
    MessageStep,
    NoticeStep,
    PositionStep,
    ProposeStep,
    RoundStep,
    SignStep,
    TracksStep,
    UnknownStep,
    ZoneStep,
    amend_request,
    feed_batch,
    incident_request,
    message_request,
    notice_request,
    position_request,
    proposal_request,
    round_request,
    zone_request,
)
from clearline.model.errors import invalid, not_found
from clearline.model.message import MessageType
from clearline.model.round import AgendaRequest
from clearline.model.user import User
from clearline.services.deconfliction import notices, zones
from clearline.services.deconfliction.engine import ConflictEngine
from clearline.services.incidents import incidents
from clearline.services.line import messages, sending, visibility
from clearline.services.protocol import keys, proposals, signatures
from clearline.services.record import signing
from clearline.services.rounds import rounds
from clearline.services.tactical import tracks
from clearline.services.tactical.picture import Pictures
from clearline.store import agreements as agreement_store
from clearline.store import tracks as track_store
from clearline.store import users as user_store
from clearline.store.writer import on_rollback


@dataclass
class _Turn:
    """One step being done: where, when, and with what the line keeps in memory."""

    connection: Connection
    index: int
    now: datetime
    conflict_engine: ConflictEngine
    pictures: Pictures
    player: Player

    def user(self, name: str | None) -> User | None:
        if name is None:
            return None
        found = user_store.user_by_name(self.connection, name)
        if found is None:
            raise not_found("as", f"no user named {name!r}")
        return found

    def agreement(self, party: str | None) -> str:
        wanted = self.player.scenario.agreement
        if party is not None:
            return notices.agreement_for(self.connection, party, wanted)
        ids = agreement_store.agreement_ids(self.connection)
        if wanted is None and len(ids) != 1:
            raise invalid("agreement", "the line runs several agreements: the scenario names one")
        return wanted or ids[0]

    def made(self, label: str, field: str) -> int:
        found = self.player.made.get(label)
        if found is None:
            raise not_found(field, f"step {label!r} created nothing (it failed)")
        return found


@dataclass
class Player:
    """Plays a scenario from ``start`` on the line's clock: ``due`` says which steps' time has
    come, ``apply`` does one in the caller's transaction. It remembers what it did, so that
    asking again does nothing twice; a step that failed is not tried again. It remembers in
    memory only: ``clearline demo`` plays on a fresh store every run, and a play started again
    on the same store gets its notices and messages back by their idempotency keys."""

    scenario: Scenario
    start: datetime
    tried: set[int] = field(default_factory=set)
    made: dict[str, int] = field(default_factory=dict)
    """What labelled steps created: notice, message, zone, position or track ids."""
    _reported: dict[int, float] = field(default_factory=dict)
    signing_keys: dict[str, Ed25519PrivateKey] = field(default_factory=dict)
    """Each liaison officer's key, by user name, made at their first signature."""

    def elapsed(self, now: datetime) -> float:
        return (now - self.start).total_seconds()

    def due(self, now: datetime) -> list[int]:
        """Steps whose time has come and that are not done, or feeds due to report again."""
        elapsed = self.elapsed(now)
        return [
            index
            for index, step in enumerate(self.scenario.timeline)
            if step.at_s <= elapsed and self._owes(index, step, elapsed)
        ]

    def describe(self, index: int) -> str:
        step = self.scenario.timeline[index]
        label = f" {step.id!r}" if step.id else ""
        return f"timeline.{index}{label} ({step.do} as {step.user or 'the administrator'})"

    def apply(
        self,
        connection: Connection,
        index: int,
        now: datetime,
        conflict_engine: ConflictEngine,
        pictures: Pictures,
    ) -> None:
        """Do step ``index`` at ``now`` as its user. What it creates is remembered under its
        label, and forgotten again if the transaction rolls back."""
        step = self.scenario.timeline[index]
        elapsed = self.elapsed(now)
        if step.at_s > elapsed or not self._owes(index, step, elapsed):
            return
        first = index not in self.tried
        self.tried.add(index)
        if isinstance(step, FeedStep):
            self._reported[index] = elapsed
        created = _ACTIONS[step.do](
            _Turn(connection, index, now, conflict_engine, pictures, self), step
        )
        label = step.id
        if first and label is not None and created is not None:
            self.made[label] = created
            on_rollback(connection, partial(self._forget, label))

    def _forget(self, label: str) -> None:
        self.made.pop(label, None)

    def forget_key(self, name: str) -> None:
        """A key whose registering rolled back is made again at the next signature."""
        self.signing_keys.pop(name, None)

    def _owes(self, index: int, step: Any, elapsed: float) -> bool:
        if index not in self.tried:
            return True
        if not isinstance(step, FeedStep) or elapsed > step.at_s + step.for_s:
            return False
        return elapsed - self._reported.get(index, -math.inf) >= step.every_s


def _do_zone(turn: _Turn, step: ZoneStep) -> int:
    by = turn.user(step.user)
    agreement_id = turn.agreement(by.party if by else None)
    return zones.add_zone(
        turn.connection, agreement_id, zone_request(step), by, turn.now, turn.conflict_engine
    ).id


def _do_position(turn: _Turn, step: PositionStep) -> int:
    user = _someone(turn, step)
    request = position_request(step, turn.player.start)
    return zones.declare(turn.connection, user, request, turn.now, turn.conflict_engine).id


def _do_notice(turn: _Turn, step: NoticeStep) -> int:
    user = _someone(turn, step)
    request = notice_request(step, turn.player.scenario.agreement, turn.player.start)
    key = _key(turn)
    notice, _ = notices.file(turn.connection, user, request, turn.now, key, turn.conflict_engine)
    return notice.id


def _do_amend(turn: _Turn, step: AmendStep) -> int:
    user = _someone(turn, step)
    notice_id = turn.made(step.notice, "notice")
    request = amend_request(step, turn.player.start)
    return notices.amend(
        turn.connection, user, notice_id, request, turn.now, turn.conflict_engine
    ).id


def _do_cancel(turn: _Turn, step: CancelStep) -> int:
    user = _someone(turn, step)
    notice_id = turn.made(step.notice, "notice")
    return notices.cancel(turn.connection, user, notice_id, turn.now, turn.conflict_engine).id


def _do_message(turn: _Turn, step: MessageStep) -> int:
    """Send as the API does: a crossing decision rescreens, an identification reply settles
    an unknown object."""
    user = _someone(turn, step)
    original = _original(turn, step, user) if step.reply_to else None
    to = step.to or (original.sender_party if original else None)
    if to is None:
        raise invalid("to", "the message it answers has no sending party")
    request = message_request(step, to, original.id if original else None, turn.player.start)
    message, _ = sending.send(
        turn.connection, user, request, turn.now, _key(turn), turn.conflict_engine, turn.pictures
    )
    return message.id


def _original(turn: _Turn, step: MessageStep, user: User) -> Any:
    """The message a reply answers: one an earlier step sent, or the identification query the
    line raised to the user's party about an unknown object an earlier step reported."""
    assert step.reply_to is not None
    made = turn.made(step.reply_to, "reply_to")
    target = next(s for s in turn.player.scenario.timeline if s.id == step.reply_to)
    if isinstance(target, UnknownStep):
        asked = [q for q in track_store.queries_of(turn.connection, made) if q.asked == user.party]
        if not asked:
            raise not_found(
                "reply_to", f"the line has asked {user.party} nothing about {step.reply_to!r} yet"
            )
        made = int(asked[0].message_id)
    return visibility.visible(turn.connection, user.party, made)


def _do_ack(turn: _Turn, step: AckStep) -> None:
    user = _someone(turn, step)
    if step.message is not None:
        message_id = turn.made(step.message, "message")
    else:
        message_id = _newest_unacknowledged(turn, user, step.latest)
    messages.acknowledge(turn.connection, user, message_id, turn.now)


def _newest_unacknowledged(turn: _Turn, user: User, type: MessageType | None) -> int:
    inbox = visibility.messages_for(turn.connection, user.party, "inbox", None, type, None, 100)
    for message in inbox:
        own = message.recipient(user.party)
        if own is not None and own.acknowledged_at is None:
            return message.id
    raise not_found("latest", f"no unacknowledged {type} in {user.party}'s inbox")


def _do_tracks(turn: _Turn, step: TracksStep | UnknownStep) -> int | None:
    """Report the feed where its assets are now; an unknown's label is its track's id."""
    user = _someone(turn, step)
    agreement = turn.player.scenario.agreement
    elapsed = turn.player.elapsed(turn.now)
    batch = feed_batch(step, agreement, turn.player.start, elapsed)
    tracks.ingest(turn.connection, user, batch, turn.now, turn.pictures)
    if not isinstance(step, UnknownStep):
        return None
    picture = turn.pictures.of(turn.connection, turn.agreement(user.party), turn.now.timestamp())
    return picture.keys[(user.party, step.track_id)]


def _do_round(turn: _Turn, step: RoundStep) -> int:
    user = _someone(turn, step)
    agreement_id = turn.agreement(None)
    request = round_request(step, turn.player.start)
    number = rounds.open_round(turn.connection, user, agreement_id, request, turn.now).number
    for title in step.agenda:
        item = AgendaRequest(title=title)
        rounds.add_item(turn.connection, user, agreement_id, number, item, turn.now)
    return number


def _do_close_round(turn: _Turn, step: CloseRoundStep) -> None:
    user = _someone(turn, step)
    number = turn.made(step.round, "round")
    adopted = [turn.made(label, "adopted") for label in step.adopted]
    rounds.close(turn.connection, user, turn.agreement(None), number, adopted, turn.now)


def _do_propose(turn: _Turn, step: ProposeStep) -> int:
    user = _someone(turn, step)
    request = proposal_request(step, turn.player.start)
    agreement_id = turn.agreement(user.party)
    number = proposals.propose(turn.connection, user, agreement_id, request, turn.now).number
    if step.round is not None:
        at = turn.made(step.round, "round")
        rounds.table(turn.connection, user, agreement_id, at, number, turn.now)
    return number


def _do_incident(turn: _Turn, step: IncidentStep) -> int:
    """File as the API does, naming the tracks by their feeds' ids; refer it if asked."""
    user = _someone(turn, step)
    agreement_id = turn.agreement(user.party)
    picture = turn.pictures.of(turn.connection, agreement_id, turn.now.timestamp())
    tracks = []
    for n, name in enumerate(step.tracks):
        found = picture.keys.get((name.party, name.track_id))
        if found is None:
            raise not_found(f"tracks.{n}", f"no track {name.track_id!r} of {name.party} yet")
        tracks.append(found)
    request = incident_request(step, tracks, turn.player.start)
    number = incidents.file(turn.connection, user, request, turn.now).incident.id
    if step.refer is not None:
        incidents.refer(turn.connection, user, number, step.refer, turn.now)
    return number


def _do_sign(turn: _Turn, step: SignStep) -> None:
    """Sign as a liaison officer would on their own machine: over the digest worked out from
    the document, with their own key (registered the first time)."""
    user = _someone(turn, step)
    agreement_id = turn.agreement(user.party)
    number = turn.made(step.proposal, "proposal")
    key = turn.player.signing_keys.get(user.name)
    if key is None:
        key = Ed25519PrivateKey.generate()
        keys.register(turn.connection, user, signing.public_text(key), turn.now)
        turn.player.signing_keys[user.name] = key
        on_rollback(turn.connection, partial(turn.player.forget_key, user.name))
    proposal = proposals.read(turn.connection, user, agreement_id, number)
    signed = signatures.sign(key, signatures.digest(proposal.protocol))
    proposals.approve(turn.connection, user, agreement_id, number, signed, turn.now)


def _someone(turn: _Turn, step: BaseStep) -> User:
    user = turn.user(step.user)
    assert user is not None, "every step but a zone names its user (checked at load)"
    return user


def _key(turn: _Turn) -> str:
    """The same step of the same scenario is the same request: played again on the same
    store, the line answers with what it made the first time."""
    return f"scenario:{turn.player.scenario.name}:{turn.index}"


_ACTIONS: dict[str, Callable[[_Turn, Any], int | None]] = {
    "zone": _do_zone,
    "position": _do_position,
    "notice": _do_notice,
    "amend": _do_amend,
    "cancel": _do_cancel,
    "message": _do_message,
    "ack": _do_ack,
    "tracks": _do_tracks,
    "unknown": _do_tracks,
    "round": _do_round,
    "close_round": _do_close_round,
    "propose": _do_propose,
    "sign": _do_sign,
    "incident": _do_incident,
}
