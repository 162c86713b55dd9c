"""tracks, their reports, encounters and their alerts, identification queries about unknowns

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PARTY = sa.String(length=3)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "tracks",
        sa.Column("id", BIG, autoincrement=True, nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("reporter", PARTY, nullable=False),
        sa.Column("track_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("owner", PARTY, nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("share_with", sa.JSON(), nullable=True),
        sa.Column("coarse", sa.Boolean(), nullable=False),
        sa.Column("hostile_for", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"]),
        sa.ForeignKeyConstraint(["reporter"], ["parties.code"]),
        sa.ForeignKeyConstraint(["owner"], ["parties.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agreement_id", "reporter", "track_key"),
    )
    op.create_table(
        "track_reports",
        sa.Column("track_id", BIG, nullable=False),
        sa.Column("time_s", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("alt_ft", sa.Float(), nullable=False),
        sa.Column("east_kt", sa.Float(), nullable=False),
        sa.Column("north_kt", sa.Float(), nullable=False),
        sa.Column("vertical_rate_fpm", sa.Float(), nullable=False),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["track_id"], ["tracks.id"]),
    )
    with op.batch_alter_table("track_reports", schema=None) as batch_op:
        batch_op.create_index("ix_track_reports_track_time", ["track_id", "time_s"], unique=False)
        batch_op.create_index("ix_track_reports_time", ["time_s"], unique=False)
    op.create_table(
        "encounters",
        sa.Column("id", BIG, autoincrement=True, nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("party_a", PARTY, nullable=False),
        sa.Column("party_b", PARTY, nullable=False),
        sa.Column("track_id", BIG, nullable=False),
        sa.Column("object_kind", sa.String(length=16), nullable=False),
        sa.Column("object_id", BIG, nullable=False),
        sa.Column("object_blind", sa.Boolean(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("max_level", sa.Integer(), nullable=False),
        sa.Column("violation_at", sa.DateTime(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("horizontal_m", sa.Float(), nullable=False),
        sa.Column("vertical_ft", sa.Float(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"]),
        sa.ForeignKeyConstraint(["party_a"], ["parties.code"]),
        sa.ForeignKeyConstraint(["party_b"], ["parties.code"]),
        sa.ForeignKeyConstraint(["track_id"], ["tracks.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.create_index(
            "ix_encounters_agreement_state", ["agreement_id", "state"], unique=False
        )
    op.create_table(
        "encounter_alerts",
        sa.Column("encounter_id", BIG, nullable=False),
        sa.Column("message_id", BIG, nullable=False),
        sa.ForeignKeyConstraint(["encounter_id"], ["encounters.id"]),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"]),
        sa.PrimaryKeyConstraint("encounter_id", "message_id"),
    )
    op.create_table(
        "track_queries",
        sa.Column("message_id", BIG, nullable=False),
        sa.Column("track_id", BIG, nullable=False),
        sa.Column("asking", PARTY, nullable=False),
        sa.Column("asked", PARTY, nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"]),
        sa.ForeignKeyConstraint(["track_id"], ["tracks.id"]),
        sa.ForeignKeyConstraint(["asking"], ["parties.code"]),
        sa.ForeignKeyConstraint(["asked"], ["parties.code"]),
        sa.PrimaryKeyConstraint("message_id"),
    )
    with op.batch_alter_table("track_queries", schema=None) as batch_op:
        batch_op.create_index("ix_track_queries_track", ["track_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("track_queries", schema=None) as batch_op:
        batch_op.drop_index("ix_track_queries_track")
    op.drop_table("track_queries")
    op.drop_table("encounter_alerts")
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.drop_index("ix_encounters_agreement_state")
    op.drop_table("encounters")
    with op.batch_alter_table("track_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_track_reports_time")
        batch_op.drop_index("ix_track_reports_track_time")
    op.drop_table("track_reports")
    op.drop_table("tracks")
