"""webhooks: each party's paging webhook, a page per escalation, and where paging began

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-13

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PARTY = sa.String(length=3)
AGREEMENT = sa.String(length=64)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "webhooks",
        sa.Column("agreement_id", AGREEMENT, nullable=False),
        sa.Column("party", PARTY, nullable=False),
        sa.Column("url", sa.String(length=2_000), nullable=False),
        sa.Column("secret", sa.String(length=512), nullable=False),
        sa.Column("include_content", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", BIG, nullable=True),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"]),
        sa.ForeignKeyConstraint(["party"], ["parties.code"]),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("agreement_id", "party"),
    )
    op.create_table(
        "pages",
        sa.Column("id", BIG, autoincrement=True, nullable=False),
        sa.Column("agreement_id", AGREEMENT, nullable=False),
        sa.Column("event_seq", BIG, nullable=False),
        sa.Column("message_id", BIG, nullable=False),
        sa.Column("party", PARTY, nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("escalated_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("console", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("delivery_id", sa.String(length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"]),
        sa.ForeignKeyConstraint(["event_seq"], ["events.seq"]),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"]),
        sa.ForeignKeyConstraint(["party"], ["parties.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_seq"),
    )
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.create_index("ix_pages_state_next_attempt", ["state", "next_attempt_at"])
        batch_op.create_index("ix_pages_message", ["message_id"])
    cursor = op.create_table(
        "page_cursor",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", BIG, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # Escalations recorded before paging existed are history, not pages to send now.
    newest = op.get_bind().execute(sa.text("SELECT COALESCE(MAX(seq), 0) FROM events")).scalar()
    op.bulk_insert(cursor, [{"id": 1, "seq": int(newest or 0)}])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("page_cursor")
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_index("ix_pages_message")
        batch_op.drop_index("ix_pages_state_next_attempt")
    op.drop_table("pages")
    op.drop_table("webhooks")
