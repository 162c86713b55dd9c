"""tokens with a scope, an expiry, and a revocation kept on record; users that can be
deactivated

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema: every token there was may do all its user may, and never expires;
    every user there was is active."""
    with op.batch_alter_table("tokens") as table:
        table.add_column(sa.Column("scope", sa.String(16), nullable=False, server_default="full"))
        table.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
        table.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))
        table.add_column(sa.Column("revoked_by", sa.String(100), nullable=True))
    with op.batch_alter_table("tokens") as table:
        table.alter_column("scope", existing_type=sa.String(16), server_default=None)
    with op.batch_alter_table("users") as table:
        table.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("users") as table:
        table.alter_column("active", existing_type=sa.Boolean(), server_default=None)


def downgrade() -> None:
    """Downgrade schema: revoked tokens go, as they would have been deleted."""
    op.execute("DELETE FROM tokens WHERE revoked_at IS NOT NULL")
    with op.batch_alter_table("users") as table:
        table.drop_column("active")
    with op.batch_alter_table("tokens") as table:
        for name in ("revoked_by", "revoked_at", "expires_at", "scope"):
            table.drop_column(name)
