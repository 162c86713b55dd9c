"""each side's own part of a conflict and each party's own point of an encounter, shown to a
party the other side is hidden from; events by type and time, to count a party's what-if
checks against blind notices

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENDS = ("a_lat", "a_lon", "b_lat", "b_lon")


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("near", sa.JSON, nullable=True))
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        for column in ENDS:
            batch_op.add_column(sa.Column(column, sa.Float, nullable=True))
    op.create_index("ix_events_agreement_type_time", "events", ["agreement_id", "type", "time"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_events_agreement_type_time", table_name="events")
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        for column in ENDS:
            batch_op.drop_column(column)
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.drop_column("near")
