"""Events: every change on the line, numbered in one global sequence.

A client that saw event N and reconnects asks for everything after N and gets exactly that.
Each event names the parties (its audience) that may see it; nobody else ever receives it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class EventType(StrEnum):
    MESSAGE_SENT = "message.sent"
    """A message was put on the line. Payload: ``message``."""
    MESSAGE_RELEASED = "message.released"
    """A message held by a suspension reached its recipients. Payload: ``message``."""
    MESSAGE_DELIVERED = "message.delivered"
    """A client of the recipient party received it. Payload: ``message_id``, ``party``, ``user``."""
    MESSAGE_ACKNOWLEDGED = "message.acknowledged"
    """A human of the recipient party read it. Payload: ``message_id``, ``party``, ``user``."""
    MESSAGE_ANSWERED = "message.answered"
    """A reply came. Payload: ``message_id``, ``party``, ``user``, ``answer_id``."""
    MESSAGE_ESCALATED = "message.escalated"
    """Not acknowledged in time; up one step. Payload: ``message_id``, ``party``, ``role``,
    ``after_s``, ``summary``."""
    MESSAGE_OVERDUE = "message.overdue"
    """The ladder is exhausted and still nobody answered. Payload as for escalated."""
    LINE_SUSPENDED = "line.suspended"
    """Payload: ``line`` (parties, state, by, reason)."""
    LINE_RESTORED = "line.restored"
    """Payload: ``line``."""
    LINE_CHECK_ANSWERED = "line_check.answered"
    """Payload: ``message_id``, ``party``, ``answer_s``."""
    NOTICE_FILED = "notice.filed"
    """Payload: ``notice``. Audience: the agreement's parties if shared, its own if blind."""
    NOTICE_AMENDED = "notice.amended"
    """A new version. Payload: ``notice``; audience as for filed."""
    NOTICE_CANCELLED = "notice.cancelled"
    """Payload: ``notice``; audience as for filed."""
    NOTICE_STATE_CHANGED = "notice.state_changed"
    """Planned to active, or active to ended, as its volumes start and end. Payload: ``notice``."""
    ZONE_ADDED = "zone.added"
    """Payload: ``zone``. Audience: the agreement's parties and mediators."""
    POSITION_DECLARED = "position.declared"
    """Payload: ``position``. Audience: the agreement's parties."""
    CONFLICT_OPENED = "conflict.opened"
    """Payload: ``conflict`` as this event's one party may see it; one event per party."""
    CONFLICT_UPDATED = "conflict.updated"
    """An amendment moved the clash without removing it. Payload as for opened."""
    CONFLICT_ACKNOWLEDGED = "conflict.acknowledged"
    """A party acknowledged it. Payload as for opened."""
    CONFLICT_RESOLVED = "conflict.resolved"
    """An amendment or cancellation removed it. Payload as for opened."""
    CONFLICT_ACCEPTED = "conflict.accepted"
    """A liaison officer accepted the risk, with a reason. Payload as for opened."""
    CONFLICT_CLOSED = "conflict.closed"
    """Resolved or accepted, and its window has passed. Payload as for opened."""
    PLAN_CHECKED = "plan.checked"
    """A party's what-if check was answered against other parties' blind notices; to that
    party alone. Payload: ``check``: ``by``. Never the plan, nor whether it touched any (the
    answer said so). These events are its hourly budget (``Protocol.blind_checks_per_hour``)."""
    NOTICE_TOUCHED = "notice.touched"
    """Another party's what-if check touched blind notices of this event's one party. Payload:
    ``touched``: ``by`` (the asking party) and ``notices`` (its own, touched). Never the plan."""
    ENCOUNTER_OPENED = "encounter.opened"
    """Tactical alerting predicts a loss of well-clear between two parties' assets. Payload:
    ``encounter`` as this event's one party may see it; one event per party."""
    ENCOUNTER_UPDATED = "encounter.updated"
    """Its alert level changed. Payload as for opened."""
    ENCOUNTER_CLOSED = "encounter.closed"
    """No level shows any more, or a track was lost. Payload as for opened."""
    TRACK_ATTRIBUTED = "track.attributed"
    """An unknown object was answered "ours" or "partner force", or "not ours" by everyone
    asked. Payload: ``track`` (id, status, owner, hostile_for). Audience: the agreement."""
    WEBHOOK_REGISTERED = "webhook.registered"
    """A party registered or changed its paging webhook. Payload: ``webhook`` (never its
    secret), ``replaced``. Audience: that party alone."""
    WEBHOOK_DELETED = "webhook.deleted"
    """Payload: ``webhook``, as it was; audience as for registered."""
    PAGE_ATTEMPT_FAILED = "page.attempt_failed"
    """An escalation's page was not taken; it will be tried again. Payload: ``page``
    (``id``, ``message_id``, ``party``, ``role``, ``level``, ``delivery_id``, ``attempts``,
    ``last_status``, ``last_error``, ``next_attempt_at``). Audience: the paged party."""
    PAGE_ABANDONED = "page.abandoned"
    """The last attempt failed, or the webhook went: nobody was paged. Payload as for failed."""
    ESCALATION_DELIVERED = "message.escalation_delivered"
    """The paged party's paging system took the escalation: it reached someone. Payload:
    ``message_id``, ``party``, ``role``, ``level``, ``attempts``. Audience: that party and the
    message's sender."""
    KEY_REGISTERED = "protocol.key_registered"
    """A liaison officer registered the public half of their own signing key. Payload:
    ``agreement_id``, ``key`` (``key_id``, ``user_id``, ``party``, ``public_key``). One event
    per agreement of that party; audience: the agreement's parties and mediators."""
    PROTOCOL_PROPOSED = "protocol.proposed"
    """Payload: ``agreement_id``, ``proposal`` (its number, version, the whole ``protocol``,
    ``digest``, party, reason, effective time). Audience: the agreement's parties and mediators,
    as for every ``protocol.*`` event."""
    PROTOCOL_APPROVED = "protocol.approved"
    """A party signed a proposal. Payload: ``agreement_id``, ``proposal`` (number), ``digest``,
    ``approval`` (party, user, key id, signature)."""
    PROTOCOL_REJECTED = "protocol.rejected"
    """Payload: ``agreement_id``, ``proposal`` (number), ``party``, ``reason``."""
    PROTOCOL_SUPERSEDED = "protocol.superseded"
    """A newer proposal took an open one's place, or another proposal for the same version was
    adopted. Payload: ``agreement_id``, ``proposal`` (number), ``reason``."""
    PROTOCOL_ADOPTED = "protocol.adopted"
    """Every party signed. Payload: ``agreement_id``, ``proposal`` (number), ``version``,
    ``digest``, ``effective_at``, ``parties`` (every party that had to sign)."""
    PROTOCOL_IN_FORCE = "protocol.in_force"
    """An adopted version took effect. Payload: ``agreement_id``, ``version``, ``previous``,
    ``effective_at``, ``rescreened`` (live notices screened again under it)."""
    ROUND_OPENED = "round.opened"
    """The mediator opened a round of talks. Payload: ``agreement_id``, ``round`` (whole, its
    attachments by name and SHA-256 only). Audience: the agreement's parties and mediators, as
    for every ``round.*`` event."""
    ROUND_CHANGED = "round.changed"
    """An agenda item, minutes, an attachment or a tabled proposal. Payload: ``agreement_id``,
    ``change`` (``agenda``, ``minutes``, ``attachment`` or ``tabled``), ``by`` (the party),
    ``round`` (whole, as for opened)."""
    ROUND_CLOSED = "round.closed"
    """Payload as for opened; ``round.adopted`` names the proposals it agreed."""

    USER_ADDED = "account.user_added"
    """A party's liaison officer added a user. Payload: ``user`` (name, party, role,
    language, active), ``changes`` (``["added"]``), ``by``. Audience: the party, in each
    agreement it is in; never a password or its hash."""
    USER_CHANGED = "account.user_changed"
    """A user's role, language, activity or password changed. Payload as for added, with
    ``changes`` naming what changed (``role``, ``language``, ``active``, ``password``)."""
    SECOND_FACTOR_ADDED = "account.second_factor_added"
    """A user confirmed a second factor (TOTP) for its console sign-in. Payload: ``user`` as
    for added, and ``by``; never the secret. Audience: the party, in each agreement it is in."""
    SECOND_FACTOR_REMOVED = "account.second_factor_removed"
    """A liaison officer took a user's second factor away (a lost phone). Payload as for
    added."""
    TOKEN_ISSUED = "account.token_issued"
    """An API token was issued. Payload: ``token`` (id, user, party, label, scope, created_at,
    expires_at; never the secret) and ``by`` (the user who issued it). Audience: the token's
    party, in each agreement it is in."""
    TOKEN_REVOKED = "account.token_revoked"
    """A token was withdrawn: refused from then on. Payload as for issued, ``token`` with its
    ``revoked_at`` and ``revoked_by``."""

    INCIDENT_FILED = "incident.filed"
    """A party filed an incident. Payload: ``incident`` as this event's one party may see it,
    and ``evidence``: the sequence numbers of the items the line gathered that it may see. One
    event per involved party."""
    INCIDENT_EVIDENCE = "incident.evidence"
    """A track's positions over an incident's window, put on the ledger when it was filed.
    Payload: ``incident_id``, ``track`` (id, reporter, kind, owner, status), ``coarse``,
    ``samples`` (time, lat, lon, alt_ft). Audience: the parties that saw the track, as they
    saw it: its reporter exact, the others snapped where it was coarse."""
    INCIDENT_ATTACHMENT = "incident.attachment"
    """A file a party attached to an incident (a photo, a radar or EW log, a report). Payload:
    ``incident_id``, ``attachment`` (name, sha256, size, media_type, added_by, added_at).
    Audience: the party that attached it; whom it shows the file to sees it as evidence."""
    INCIDENT_CHANGED = "incident.changed"
    """A state change, an account, a share, a referral or a step of the joint review. Payload:
    ``incident`` and ``evidence`` as for filed, after the change, ``change`` (``state``,
    ``narrative``, ``share``, ``referral``, ``question``, ``answer``, ``finding``, ``position``,
    ``comment`` or ``attachment``), ``by`` (the party), for a share ``items``, ``with``,
    ``narrative`` and ``questions``, for an attachment its ``item``, and the number of the
    question, finding or comment it is about. One event per party of the case's audience (the
    mediator too, once referred); an attachment's only to the party that attached it."""


class Event(BaseModel):
    model_config = ConfigDict(frozen=True)

    seq: int
    type: EventType
    time: datetime
    agreement_id: str
    audience: tuple[str, ...]
    payload: dict[str, Any]
