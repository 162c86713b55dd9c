"""ledger: entries, complete subtree hashes, signed tree heads; audiences by event

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Audiences are looked up by event (a page of the ledger, a resumed stream), not only by
    # party: without this index each such page scans the whole table.
    op.create_index("ix_event_audience_seq", "event_audience", ["seq"])
    op.create_table(
        "ledger_entries",
        sa.Column("index", BIG, nullable=False, autoincrement=False),
        sa.Column("seq", BIG, nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.Column("salt", sa.LargeBinary(length=16), nullable=False),
        sa.ForeignKeyConstraint(["seq"], ["events.seq"]),
        sa.PrimaryKeyConstraint("index"),
        sa.UniqueConstraint("seq"),
    )
    op.create_table(
        "ledger_subtrees",
        sa.Column("level", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("idx", BIG, nullable=False, autoincrement=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx"),
    )
    op.create_table(
        "ledger_heads",
        sa.Column("size", BIG, nullable=False, autoincrement=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("time", sa.DateTime(), nullable=False),
        sa.Column("signature", sa.LargeBinary(length=64), nullable=False),
        sa.PrimaryKeyConstraint("size"),
    )


def downgrade() -> None:
    op.drop_index("ix_event_audience_seq", table_name="event_audience")
    op.drop_table("ledger_heads")
    op.drop_table("ledger_subtrees")
    op.drop_table("ledger_entries")
