"""amendments and rounds: proposed protocol versions, their signatures, liaison officers'
public keys, when each version takes effect, the version every decision was made under, and
rounds of talks with their attachments

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PARTY = sa.String(length=3)
AGREEMENT = sa.String(length=64)
DECIDED = ("messages", "notice_versions", "conflicts")
"""Tables whose rows are decisions, each now made under a version; every row before this
migration was made under version 1, the only one there was."""


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("protocols", schema=None) as batch_op:
        batch_op.add_column(sa.Column("effective_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("proposal", sa.Integer(), nullable=True))
    op.execute("UPDATE protocols SET effective_at = adopted_at")
    with op.batch_alter_table("protocols", schema=None) as batch_op:
        batch_op.alter_column("effective_at", existing_type=sa.DateTime(), nullable=False)
    for table in DECIDED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("protocol_version", sa.Integer(), nullable=False, server_default="1")
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "protocol_version", existing_type=sa.Integer(), server_default=None
            )
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amendment", sa.Integer(), nullable=True))
    op.create_table(
        "signing_keys",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", BIG, nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("key_id"),
        sa.UniqueConstraint("public_key"),
    )
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.create_index("ix_signing_keys_user", ["user_id"])
    op.create_table(
        "proposals",
        sa.Column("agreement_id", AGREEMENT, nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("party", PARTY, nullable=False),
        sa.Column("proposed_by", BIG, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("effective_at", sa.DateTime(), nullable=False),
        sa.Column("supersedes", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", BIG, nullable=True),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"]),
        sa.ForeignKeyConstraint(["party"], ["parties.code"]),
        sa.ForeignKeyConstraint(["proposed_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("agreement_id", "number"),
    )
    op.create_table(
        "approvals",
        sa.Column("agreement_id", AGREEMENT, nullable=False),
        sa.Column("proposal", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("party", PARTY, nullable=False),
        sa.Column("user_id", BIG, nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id", "proposal"], ["proposals.agreement_id", "proposals.number"]
        ),
        sa.ForeignKeyConstraint(["party"], ["parties.code"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("agreement_id", "proposal", "party"),
    )

    _rounds()


def _rounds() -> None:
    op.create_table(
        "rounds",
        sa.Column("agreement_id", AGREEMENT, nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("host", PARTY, nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("agenda", sa.JSON(), nullable=False),
        sa.Column("tabled", sa.JSON(), nullable=False),
        sa.Column("adopted", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"]),
        sa.ForeignKeyConstraint(["host"], ["parties.code"]),
        sa.PrimaryKeyConstraint("agreement_id", "number"),
    )
    op.create_table(
        "round_attachments",
        sa.Column("agreement_id", AGREEMENT, nullable=False),
        sa.Column("round", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("added_by", PARTY, nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id", "round"], ["rounds.agreement_id", "rounds.number"]
        ),
        sa.ForeignKeyConstraint(["added_by"], ["parties.code"]),
        sa.PrimaryKeyConstraint("agreement_id", "round", "name"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("round_attachments")
    op.drop_table("rounds")
    op.drop_table("approvals")
    op.drop_table("proposals")
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_signing_keys_user")
    op.drop_table("signing_keys")
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.drop_column("amendment")
    for table in DECIDED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("protocol_version")
    with op.batch_alter_table("protocols", schema=None) as batch_op:
        batch_op.drop_column("proposal")
        batch_op.drop_column("effective_at")
