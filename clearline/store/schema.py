"""The tables, as SQLAlchemy Core metadata. Migrations in ``migrations/`` create them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

metadata = sa.MetaData()


def insert_returning_id(
    connection: sa.Connection, statement: sa.Insert, values: dict[str, Any] | None = None
) -> int:
    """Run an INSERT of one row and give back its id, on either back-end."""
    key = connection.execute(statement, values).inserted_primary_key
    assert key is not None, "an INSERT of one row has a primary key"
    return int(key[0])


def next_number(connection: sa.Connection, table: sa.Table, agreement_id: str) -> int:
    """The next of an agreement's own numbers in ``table`` (its proposals, its rounds): 1, 2,
    ... within each agreement, as the parties refer to them, not a global row id."""
    newest = connection.execute(
        sa.select(sa.func.max(table.c.number)).where(table.c.agreement_id == agreement_id)
    ).scalar_one()
    return int(newest or 0) + 1


Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
"""Row ids: 64-bit on PostgreSQL, SQLite's own rowid (which is 64-bit) there."""


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Stores naive UTC on both back-ends and hands back aware UTC, so times compare across them."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime reached the store; times must be UTC-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


parties = sa.Table(
    "parties",
    metadata,
    sa.Column("code", sa.String(3), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
)

agreements = sa.Table(
    "agreements",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("protocol_version", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

agreement_members = sa.Table(
    "agreement_members",
    metadata,
    sa.Column("agreement_id", sa.ForeignKey("agreements.id"), primary_key=True),
    sa.Column("party", sa.ForeignKey("parties.code"), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("since", UTCDateTime, nullable=True),
)

protocols = sa.Table(
    "protocols",
    metadata,
    sa.Column("agreement_id", sa.ForeignKey("agreements.id"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("rules", sa.JSON, nullable=False),
    sa.Column("adopted_at", UTCDateTime, nullable=False),
    sa.Column("effective_at", UTCDateTime, nullable=False),
    sa.Column("proposal", sa.Integer, nullable=True),
)
"""Adopted versions; the one in force at a moment is the newest whose ``effective_at`` has come.
Version 1 came with the agreement; a later one from the proposal numbered ``proposal``."""

proposals = sa.Table(
    "proposals",
    metadata,
    sa.Column("agreement_id", sa.ForeignKey("agreements.id"), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("rules", sa.JSON, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("party", sa.ForeignKey("parties.code"), nullable=False),
    sa.Column("proposed_by", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("effective_at", UTCDateTime, nullable=False),
    sa.Column("supersedes", sa.Integer, nullable=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("decided_at", UTCDateTime, nullable=True),
    sa.Column("decided_by", sa.ForeignKey("users.id"), nullable=True),
    sa.Column("decision", sa.Text, nullable=True),
    sa.Column("signers", sa.JSON, nullable=True),
)
"""Proposed versions of a protocol: open until every party signs (adopted), one rejects, or a
newer one or another adoption takes their place (superseded)."""

approvals = sa.Table(
    "approvals",
    metadata,
    sa.Column("agreement_id", sa.String(64), primary_key=True),
    sa.Column("proposal", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("party", sa.ForeignKey("parties.code"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("key_id", sa.String(32), nullable=False),
    sa.Column("signature", sa.String(100), nullable=False),
    sa.Column("signed_at", UTCDateTime, nullable=False),
    sa.ForeignKeyConstraint(
        ["agreement_id", "proposal"], ["proposals.agreement_id", "proposals.number"]
    ),
)
"""One signature per party on a proposal: Ed25519 over the SHA-256 of its canonical JSON."""

signing_keys = sa.Table(
    "signing_keys",
    metadata,
    sa.Column("key_id", sa.String(32), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("public_key", sa.String(64), nullable=False, unique=True),
    sa.Column("registered_at", UTCDateTime, nullable=False),
    sa.Index("ix_signing_keys_user", "user_id"),
)
"""The public halves of liaison officers' own Ed25519 keys; the line never holds a private one."""

rounds = sa.Table(
    "rounds",
    metadata,
    sa.Column("agreement_id", sa.ForeignKey("agreements.id"), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("place", sa.String(200), nullable=False),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    sa.Column("host", sa.ForeignKey("parties.code"), nullable=False),
    sa.Column("attendees", sa.JSON, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("agenda", sa.JSON, nullable=False),
    sa.Column("tabled", sa.JSON, nullable=False),
    sa.Column("adopted", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("closed_at", UTCDateTime, nullable=True),
)
"""A round of talks; its agenda (items with their minutes) and the proposals it tabled are
small lists, kept with it."""

blobs = sa.Table(
    "blobs",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
)
"""Files kept by their content's SHA-256: the same bytes are kept once, whoever attached
them where; what a file is called and by whom it was attached is the attaching record's."""

blob_chunks = sa.Table(
    "blob_chunks",
    metadata,
    sa.Column("sha256", sa.ForeignKey("blobs.sha256"), primary_key=True),
    sa.Column("n", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)
"""A file in pieces of a mebibyte, so that neither storing nor serving one holds it whole."""

round_attachments = sa.Table(
    "round_attachments",
    metadata,
    sa.Column("agreement_id", sa.String(64), primary_key=True),
    sa.Column("round", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("added_by", sa.ForeignKey("parties.code"), nullable=False),
    sa.Column("added_at", UTCDateTime, nullable=False),
    sa.ForeignKeyConstraint(["agreement_id", "round"], ["rounds.agreement_id", "rounds.number"]),
    sa.ForeignKeyConstraint(["sha256"], ["blobs.sha256"], name="fk_round_attachments_sha256"),
)

incidents = sa.Table(
    "incidents",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("agreement_id", sa.ForeignKey("agreements.id"), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("start", UTCDateTime, nullable=False),
    sa.Column("end", UTCDateTime, nullable=False),
    sa.Column("place", sa.JSON, nullable=False),
    sa.Column("parties", sa.JSON, nullable=False),
    sa.Column("tracks", sa.JSON, nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("state", sa.String(32), nullable=False),
    sa.Column("filed_by", sa.ForeignKey("parties.code"), nullable=False),
    sa.Column("filed_at", UTCDateTime, nullable=False),
    sa.Column("from_message", sa.ForeignKey("messages.id"), nullable=True),
    sa.Column("protocol_version", sa.Integer, nullable=False),
    sa.Column("narratives", sa.JSON, nullable=False),
    sa.Column("history", sa.JSON, nullable=False),
    sa.Column("referral", sa.JSON, nullable=True),
    sa.Column("questions", sa.JSON, nullable=False),
    sa.Column("findings", sa.JSON, nullable=False),
    sa.Column("comments", sa.JSON, nullable=False),
)
"""A case; its accounts, questions, findings and the steps it went through are small, kept
with it."""

incident_evidence = sa.Table(
    "incident_evidence",
    metadata,
    sa.Column("incident_id", sa.ForeignKey("incidents.id"), primary_key=True),
    sa.Column("seq", sa.ForeignKey("events.seq"), primary_key=True, autoincrement=False),
    sa.Column("owner", sa.ForeignKey("parties.code"), nullable=True),
    sa.Column("shared_with", sa.JSON, nullable=False),
)
"""The events the line gathered for a case, and whom each owner showed its own to since."""


users = sa.Table(
    "users",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("party", sa.ForeignKey("parties.code"), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("totp_secret", sa.String(64), nullable=True),
    sa.Column("totp_pending", sa.String(64), nullable=True),
    sa.Column("totp_step", sa.BigInteger, nullable=True),
)
"""People and machines; a person who signs in to the console has an argon2 password hash,
and may have a TOTP secret (a second factor) with the last time step a code was taken for."""

tokens = sa.Table(
    "tokens",
    metadata,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("label", sa.String(100), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("scope", sa.String(16), nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=True),
    sa.Column("revoked_at", UTCDateTime, nullable=True),
    sa.Column("revoked_by", sa.String(100), nullable=True),
)
"""API tokens by the SHA-256 of their secret; a revoked one is kept, so that who withdrew it,
and when, stays on record."""

sign_in_attempts = sa.Table(
    "sign_in_attempts",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("address", sa.String(64), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Index("ix_sign_in_attempts_name", "name", "at"),
    sa.Index("ix_sign_in_attempts_address", "address", "at"),
)
"""Console sign-ins not yet known to have succeeded, by the name typed (a user or not) and the
address it came from; a success takes its name's away, and rows past the window are dropped."""

lines = sa.Table(
    "lines",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("agreement_id", sa.ForeignKey("agreements.id"), nullable=False),
    sa.Column("party_a", sa.ForeignKey("parties.code"), nullable=False),
    sa.Column("party_b", sa.ForeignKey("parties.code"), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
    sa.Column("changed_by", sa.ForeignKey("users.id"), nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("next_line_check_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("agreement_id", "party_a", "party_b"),
)

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("agreement_id", sa.ForeignKey("agreements.id"), nullable=False),
    sa.Column("line_id", sa.ForeignKey("lines.id"), nullable=False),
    sa.Column("sender_party", sa.ForeignKey("parties.code"), nullable=True),
    sa.Column("sender_user", sa.ForeignKey("users.id"), nullable=True),
    sa.Column("idempotency_key", sa.String(200), nullable=True),
    sa.Column("request_hash", sa.String(64), nullable=True),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("precedence", sa.String(16), nullable=False),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("free_text", sa.Text, nullable=True),
    sa.Column("in_reply_to", sa.ForeignKey("messages.id"), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("line_suspended", sa.Boolean, nullable=False),
    sa.Column("protocol_version", sa.Integer, nullable=False),
    sa.UniqueConstraint("sender_user", "idempotency_key"),
)

recipients = sa.Table(
    "recipients",
    metadata,
    sa.Column("message_id", sa.ForeignKey("messages.id"), primary_key=True),
    sa.Column("party", sa.ForeignKey("parties.code"), primary_key=True),
    sa.Column("released_at", UTCDateTime, nullable=True),
    sa.Column("delivered_at", UTCDateTime, nullable=True),
    sa.Column("delivered_to", sa.ForeignKey("users.id"), nullable=True),
    sa.Column("acknowledged_at", UTCDateTime, nullable=True),
    sa.Column("acknowledged_by", sa.ForeignKey("users.id"), nullable=True),
    sa.Column("answered_at", UTCDateTime, nullable=True),
    sa.Column("answered_by", sa.ForeignKey("users.id"), nullable=True),
    sa.Column("answer_id", sa.ForeignKey("messages.id"), nullable=True),
    sa.Column("due_at", UTCDateTime, nullable=True),
    sa.Column("escalation_level", sa.Integer, nullable=False),
    sa.Column("escalated_to", sa.String(32), nullable=True),
    sa.Column("overdue", sa.Boolean, nullable=False),
    sa.Index("ix_recipients_due_at", "due_at"),
    sa.Index("ix_recipients_party_message", "party", "message_id"),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("seq", Id, primary_key=True, autoincrement=True),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("time", UTCDateTime, nullable=False),
    sa.Column("agreement_id", sa.ForeignKey("agreements.id"), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Index("ix_events_agreement_type_time", "agreement_id", "type", "time"),
)

event_audience = sa.Table(
    "event_audience",
    metadata,
    sa.Column("party", sa.ForeignKey("parties.code"), primary_key=True),
    sa.Column("seq", sa.ForeignKey("events.seq"), primary_key=True),
    sa.Index("ix_event_audience_seq", "seq"),
)

ledger_entries = sa.Table(
    "ledger_entries",
    metadata,
    sa.Column("index", Id, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.ForeignKey("events.seq"), nullable=False, unique=True),
    sa.Column("leaf_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("envelope", sa.Text, nullable=False),
    sa.Column("salt", sa.LargeBinary(16), nullable=False),
)

ledger_subtrees = sa.Table(
    "ledger_subtrees",
    metadata,
    sa.Column("level", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("idx", Id, primary_key=True, autoincrement=False),
    sa.Column("hash", sa.LargeBinary(32), nullable=False),
)
"""Every complete subtree's hash, so that roots and proofs cost O(log n) reads."""

ledger_heads = sa.Table(
    "ledger_heads",
    metadata,
    sa.Column("size", Id, primary_key=True, autoincrement=False),
    sa.Column("root", sa.LargeBinary(32), nullable=False),
    sa.Column("time", UTCDateTime, nullable=False),
    sa.Column("signature", sa.LargeBinary(64), nullable=False),
)

notices = sa.Table(
    "notices",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("agreement_id", sa.ForeignKey("agreements.id"), nullable=False),
    sa.Column("party", sa.ForeignKey("parties.code"), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("sharing", sa.String(16), nullable=False),
    sa.Column("starts_at", UTCDateTime, nullable=False),
    sa.Column("ends_at", UTCDateTime, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("filed_by", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("idempotency_key", sa.String(200), nullable=True),
    sa.Column("request_hash", sa.String(64), nullable=True),
    sa.UniqueConstraint("filed_by", "idempotency_key"),
    sa.Index("ix_notices_agreement_state", "agreement_id", "state"),
    sa.Index("ix_notices_state_starts", "state", "starts_at"),
    sa.Index("ix_notices_state_ends", "state", "ends_at"),
)
"""A notice and its current version's sharing and span, for the state watch and listings."""

notice_versions = sa.Table(
    "notice_versions",
    metadata,
    sa.Column("notice_id", sa.ForeignKey("notices.id"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("volumes", sa.JSON, nullable=False),
    sa.Column("sharing", sa.String(16), nullable=False),
    sa.Column("free_text", sa.Text, nullable=True),
    sa.Column("filed_at", UTCDateTime, nullable=False),
    sa.Column("filed_by", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("lead_s", sa.Float, nullable=False),
    sa.Column("late_s", sa.Float, nullable=False),
    sa.Column("protocol_version", sa.Integer, nullable=False),
)

zones = sa.Table(
    "zones",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("agreement_id", sa.ForeignKey("agreements.id"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("owner", sa.ForeignKey("parties.code"), nullable=True),
    sa.Column("definition", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.ForeignKey("users.id"), nullable=True),
    sa.UniqueConstraint("agreement_id", "name"),
)

positions = sa.Table(
    "positions",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("agreement_id", sa.ForeignKey("agreements.id"), nullable=False),
    sa.Column("party", sa.ForeignKey("parties.code"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("mgrs", sa.String(20), nullable=False),
    sa.Column("valid_from", UTCDateTime, nullable=False),
    sa.Column("valid_until", UTCDateTime, nullable=True),
    sa.Column("declared_at", UTCDateTime, nullable=False),
    sa.Column("declared_by", sa.ForeignKey("users.id"), nullable=False),
)

conflicts = sa.Table(
    "conflicts",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("agreement_id", sa.ForeignKey("agreements.id"), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("match_key", sa.String(100), nullable=False),
    sa.Column("parties", sa.JSON, nullable=False),
    sa.Column("notice_a", sa.ForeignKey("notices.id"), nullable=False),
    sa.Column("notice_b", sa.ForeignKey("notices.id"), nullable=True),
    sa.Column("sides", sa.JSON, nullable=False),
    sa.Column("region", sa.JSON, nullable=False),
    sa.Column("near", sa.JSON, nullable=True),
    sa.Column("window_start", UTCDateTime, nullable=False),
    sa.Column("window_end", UTCDateTime, nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("late_s", sa.Float, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("resolution", sa.Text, nullable=True),
    sa.Column("accepted_by", sa.ForeignKey("users.id"), nullable=True),
    sa.Column("protocol_version", sa.Integer, nullable=False),
    sa.Column("amendment", sa.Integer, nullable=True),
    sa.Index("ix_conflicts_agreement_state", "agreement_id", "state"),
    sa.Index("ix_conflicts_notice_a", "notice_a"),
    sa.Index("ix_conflicts_notice_b", "notice_b"),
    sa.Index("ix_conflicts_match_key", "match_key"),
)

conflict_parties = sa.Table(
    "conflict_parties",
    metadata,
    sa.Column("party", sa.ForeignKey("parties.code"), primary_key=True),
    sa.Column("conflict_id", sa.ForeignKey("conflicts.id"), primary_key=True),
)
"""Who is involved in each conflict: the parties that may see it."""

conflict_alerts = sa.Table(
    "conflict_alerts",
    metadata,
    sa.Column("conflict_id", sa.ForeignKey("conflicts.id"), primary_key=True),
    sa.Column("message_id", sa.ForeignKey("messages.id"), primary_key=True),
    sa.Index("ix_conflict_alerts_message", "message_id"),
)
"""The alert messages that carried a conflict: acknowledging one acknowledges the conflict."""

tracks = sa.Table(
    "tracks",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("agreement_id", sa.ForeignKey("agreements.id"), nullable=False),
    sa.Column("reporter", sa.ForeignKey("parties.code"), nullable=False),
    sa.Column("track_key", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("owner", sa.ForeignKey("parties.code"), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("share_with", sa.JSON, nullable=True),
    sa.Column("coarse", sa.Boolean, nullable=False),
    sa.Column("hostile_for", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("agreement_id", "reporter", "track_key"),
)
"""Who a track is and who may see it; where it is lives in ``track_reports``."""

track_reports = sa.Table(
    "track_reports",
    metadata,
    sa.Column("track_id", sa.ForeignKey("tracks.id"), nullable=False),
    sa.Column("time_s", sa.Float, nullable=False),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("alt_ft", sa.Float, nullable=False),
    sa.Column("east_kt", sa.Float, nullable=False),
    sa.Column("north_kt", sa.Float, nullable=False),
    sa.Column("vertical_rate_fpm", sa.Float, nullable=False),
    sa.Column("accuracy_m", sa.Float, nullable=True),
    sa.Index("ix_track_reports_track_time", "track_id", "time_s"),
    sa.Index("ix_track_reports_time", "time_s"),
)
"""Every report as received, times as UNIX seconds: 10,000 rows a batch are written without a
datetime conversion each."""

encounters = sa.Table(
    "encounters",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("agreement_id", sa.ForeignKey("agreements.id"), nullable=False),
    sa.Column("party_a", sa.ForeignKey("parties.code"), nullable=False),
    sa.Column("party_b", sa.ForeignKey("parties.code"), nullable=False),
    sa.Column("track_id", sa.ForeignKey("tracks.id"), nullable=False),
    sa.Column("object_kind", sa.String(16), nullable=False),
    sa.Column("object_id", Id, nullable=False),
    sa.Column("object_blind", sa.Boolean, nullable=False),
    sa.Column("level", sa.Integer, nullable=False),
    sa.Column("max_level", sa.Integer, nullable=False),
    sa.Column("violation_at", UTCDateTime, nullable=True),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("a_lat", sa.Float, nullable=True),
    sa.Column("a_lon", sa.Float, nullable=True),
    sa.Column("b_lat", sa.Float, nullable=True),
    sa.Column("b_lon", sa.Float, nullable=True),
    sa.Column("horizontal_m", sa.Float, nullable=False),
    sa.Column("vertical_ft", sa.Float, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("opened_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("closed_at", UTCDateTime, nullable=True),
    sa.Index("ix_encounters_agreement_state", "agreement_id", "state"),
)
"""A predicted loss of separation between a track of ``party_a`` and another party's object:
a track, a zone, a declared position or a notice (``object_kind``, ``object_id``)."""

encounter_alerts = sa.Table(
    "encounter_alerts",
    metadata,
    sa.Column("encounter_id", sa.ForeignKey("encounters.id"), primary_key=True),
    sa.Column("message_id", sa.ForeignKey("messages.id"), primary_key=True),
)

track_queries = sa.Table(
    "track_queries",
    metadata,
    sa.Column("message_id", sa.ForeignKey("messages.id"), primary_key=True),
    sa.Column("track_id", sa.ForeignKey("tracks.id"), nullable=False),
    sa.Column("asking", sa.ForeignKey("parties.code"), nullable=False),
    sa.Column("asked", sa.ForeignKey("parties.code"), nullable=False),
    sa.Column("answer", sa.String(16), nullable=True),
    sa.Index("ix_track_queries_track", "track_id"),
)
"""The identification queries the line raised about an unknown object, one per asked party."""

webhooks = sa.Table(
    "webhooks",
    metadata,
    sa.Column("agreement_id", sa.ForeignKey("agreements.id"), primary_key=True),
    sa.Column("party", sa.ForeignKey("parties.code"), primary_key=True),
    sa.Column("url", sa.String(2_000), nullable=False),
    sa.Column("secret", sa.String(512), nullable=False),
    sa.Column("include_content", sa.Boolean, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("updated_by", sa.ForeignKey("users.id"), nullable=True),
)
"""Each party's paging webhook in an agreement; the secret signs what is posted to it, and is
kept to sign with (an HMAC key cannot be stored hashed)."""

pages = sa.Table(
    "pages",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("agreement_id", sa.ForeignKey("agreements.id"), nullable=False),
    sa.Column("event_seq", sa.ForeignKey("events.seq"), nullable=False, unique=True),
    sa.Column("message_id", sa.ForeignKey("messages.id"), nullable=False),
    sa.Column("party", sa.ForeignKey("parties.code"), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("level", sa.Integer, nullable=False),
    sa.Column("escalated_at", UTCDateTime, nullable=False),
    sa.Column("due_at", UTCDateTime, nullable=True),
    sa.Column("console", sa.Boolean, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("delivery_id", sa.String(32), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime, nullable=True),
    sa.Column("last_status", sa.Integer, nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("delivered_at", UTCDateTime, nullable=True),
    sa.Index("ix_pages_state_next_attempt", "state", "next_attempt_at"),
    sa.Index("ix_pages_message", "message_id"),
)
"""One row per escalation event: whether a console of the party was listening, and what
became of posting it to the party's webhook."""

page_cursor = sa.Table(
    "page_cursor",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", Id, nullable=False),
)
"""The last event looked at for escalations to page (one row): a database that had events
before paging existed pages none of its old escalations."""
