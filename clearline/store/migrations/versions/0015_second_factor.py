"""a second factor (TOTP) for console sign-in

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema: nobody has a second factor yet. Plain ``ADD COLUMN`` (see 0012)."""
    for name in ("totp_secret", "totp_pending"):
        op.add_column("users", sa.Column(name, sa.String(64), nullable=True))
    op.add_column("users", sa.Column("totp_step", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    """Downgrade schema: every second factor goes; passwords alone sign in again."""
    for name in ("totp_step", "totp_pending", "totp_secret"):
        op.drop_column("users", name)
