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
    every user there was is active.

    Plain ``ADD COLUMN``, never a batch copy: on SQLite a copy drops and recreates the table,
    which tokens and events refer to, and that fails on a populated store. The defaults stay:
    the line always writes both columns itself."""
    op.add_column(
        "tokens", sa.Column("scope", sa.String(16), nullable=False, server_default="full")
    )
    for name in ("expires_at", "revoked_at"):
        op.add_column("tokens", sa.Column(name, sa.DateTime(), nullable=True))
    op.add_column("tokens", sa.Column("revoked_by", sa.String(100), nullable=True))
    op.add_column(
        "users", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
    )


def downgrade() -> None:
    """Downgrade schema: revoked tokens go, as they would have been deleted."""
    op.execute("DELETE FROM tokens WHERE revoked_at IS NOT NULL")
    op.drop_column("users", "active")
    for name in ("revoked_by", "revoked_at", "expires_at", "scope"):
        op.drop_column("tokens", name)
