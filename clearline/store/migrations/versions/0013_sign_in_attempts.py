"""sign-in attempts, counted to throttle password guessing

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema: nobody has failed yet."""
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", BIG, autoincrement=True, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_sign_in_attempts_name", "sign_in_attempts", ["name", "at"])
    op.create_index("ix_sign_in_attempts_address", "sign_in_attempts", ["address", "at"])


def downgrade() -> None:
    """Downgrade schema: the counts go, and with them any lock."""
    op.drop_index("ix_sign_in_attempts_address", "sign_in_attempts")
    op.drop_index("ix_sign_in_attempts_name", "sign_in_attempts")
    op.drop_table("sign_in_attempts")
