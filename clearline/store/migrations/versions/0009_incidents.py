"""incidents: the case, its accounts and steps, and the ledger events gathered as its evidence

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PARTY = sa.String(length=3)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "incidents",
        sa.Column("id", BIG, autoincrement=True, nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("start", sa.DateTime(), nullable=False),
        sa.Column("end", sa.DateTime(), nullable=False),
        sa.Column("place", sa.JSON(), nullable=False),
        sa.Column("parties", sa.JSON(), nullable=False),
        sa.Column("tracks", sa.JSON(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("filed_by", PARTY, nullable=False),
        sa.Column("filed_at", sa.DateTime(), nullable=False),
        sa.Column("from_message", BIG, nullable=True),
        sa.Column("protocol_version", sa.Integer(), nullable=False),
        sa.Column("narratives", sa.JSON(), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("referral", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"]),
        sa.ForeignKeyConstraint(["filed_by"], ["parties.code"]),
        sa.ForeignKeyConstraint(["from_message"], ["messages.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "incident_evidence",
        sa.Column("incident_id", BIG, nullable=False),
        sa.Column("seq", BIG, autoincrement=False, nullable=False),
        sa.Column("owner", PARTY, nullable=True),
        sa.Column("shared_with", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.ForeignKeyConstraint(["owner"], ["parties.code"]),
        sa.ForeignKeyConstraint(["seq"], ["events.seq"]),
        sa.PrimaryKeyConstraint("incident_id", "seq"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("incident_evidence")
    op.drop_table("incidents")
