"""notices and their versions, zones, declared positions, conflicts and their alerts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "notices",
        sa.Column("id", BIG, autoincrement=True, nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("party", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sharing", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("filed_by", BIG, nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
        ),
        sa.ForeignKeyConstraint(
            ["filed_by"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["party"],
            ["parties.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("filed_by", "idempotency_key"),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index("ix_notices_agreement_state", ["agreement_id", "state"], unique=False)
        batch_op.create_index("ix_notices_state_starts", ["state", "starts_at"], unique=False)
        batch_op.create_index("ix_notices_state_ends", ["state", "ends_at"], unique=False)

    op.create_table(
        "positions",
        sa.Column("id", BIG, autoincrement=True, nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("party", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("mgrs", sa.String(length=20), nullable=False),
        sa.Column("valid_from", sa.DateTime(), nullable=False),
        sa.Column("valid_until", sa.DateTime(), nullable=True),
        sa.Column("declared_at", sa.DateTime(), nullable=False),
        sa.Column("declared_by", BIG, nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
        ),
        sa.ForeignKeyConstraint(
            ["declared_by"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["party"],
            ["parties.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "zones",
        sa.Column("id", BIG, autoincrement=True, nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=3), nullable=True),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", BIG, nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner"],
            ["parties.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agreement_id", "name"),
    )
    op.create_table(
        "conflicts",
        sa.Column("id", BIG, autoincrement=True, nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("match_key", sa.String(length=100), nullable=False),
        sa.Column("parties", sa.JSON(), nullable=False),
        sa.Column("notice_a", BIG, nullable=False),
        sa.Column("notice_b", BIG, nullable=True),
        sa.Column("sides", sa.JSON(), nullable=False),
        sa.Column("region", sa.JSON(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("window_end", sa.DateTime(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("late_s", sa.Float(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("accepted_by", BIG, nullable=True),
        sa.ForeignKeyConstraint(
            ["accepted_by"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
        ),
        sa.ForeignKeyConstraint(
            ["notice_a"],
            ["notices.id"],
        ),
        sa.ForeignKeyConstraint(
            ["notice_b"],
            ["notices.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_conflicts_agreement_state", ["agreement_id", "state"], unique=False
        )
        batch_op.create_index("ix_conflicts_match_key", ["match_key"], unique=False)
        batch_op.create_index("ix_conflicts_notice_a", ["notice_a"], unique=False)
        batch_op.create_index("ix_conflicts_notice_b", ["notice_b"], unique=False)

    op.create_table(
        "notice_versions",
        sa.Column("notice_id", BIG, nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("volumes", sa.JSON(), nullable=False),
        sa.Column("sharing", sa.String(length=16), nullable=False),
        sa.Column("free_text", sa.Text(), nullable=True),
        sa.Column("filed_at", sa.DateTime(), nullable=False),
        sa.Column("filed_by", BIG, nullable=False),
        sa.Column("lead_s", sa.Float(), nullable=False),
        sa.Column("late_s", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["filed_by"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notices.id"],
        ),
        sa.PrimaryKeyConstraint("notice_id", "version"),
    )
    op.create_table(
        "conflict_alerts",
        sa.Column("conflict_id", BIG, nullable=False),
        sa.Column("message_id", BIG, nullable=False),
        sa.ForeignKeyConstraint(
            ["conflict_id"],
            ["conflicts.id"],
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
        ),
        sa.PrimaryKeyConstraint("conflict_id", "message_id"),
    )
    with op.batch_alter_table("conflict_alerts", schema=None) as batch_op:
        batch_op.create_index("ix_conflict_alerts_message", ["message_id"], unique=False)

    op.create_table(
        "conflict_parties",
        sa.Column("party", sa.String(length=3), nullable=False),
        sa.Column("conflict_id", BIG, nullable=False),
        sa.ForeignKeyConstraint(["conflict_id"], ["conflicts.id"]),
        sa.ForeignKeyConstraint(["party"], ["parties.code"]),
        sa.PrimaryKeyConstraint("party", "conflict_id"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("conflict_parties")
    with op.batch_alter_table("conflict_alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_conflict_alerts_message")

    op.drop_table("conflict_alerts")
    op.drop_table("notice_versions")
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.drop_index("ix_conflicts_notice_b")
        batch_op.drop_index("ix_conflicts_notice_a")
        batch_op.drop_index("ix_conflicts_match_key")
        batch_op.drop_index("ix_conflicts_agreement_state")

    op.drop_table("conflicts")
    op.drop_table("zones")
    op.drop_table("positions")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index("ix_notices_agreement_state")

    op.drop_table("notices")
