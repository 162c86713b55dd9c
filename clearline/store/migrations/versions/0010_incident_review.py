"""incident review: questions, findings and the mediator's comments kept with the case

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REVIEW = ("questions", "findings", "comments")


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("incidents") as table:
        for name in REVIEW:
            table.add_column(sa.Column(name, sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("incidents") as table:
        for name in reversed(REVIEW):
            table.drop_column(name)
