"""the parties that must sign a proposal, fixed when it is made; when a party joined an
agreement; a line may be closed

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema: every proposal there was had its agreement's parties as signers, as
    they are now (until this version no party could join or leave). Plain ``ADD COLUMN``, left
    nullable: a batch copy of ``proposals`` fails on SQLite under its approvals' keys."""
    op.add_column("proposals", sa.Column("signers", sa.JSON(), nullable=True))
    op.add_column("agreement_members", sa.Column("since", sa.DateTime(), nullable=True))
    connection = op.get_bind()
    members = sa.table(
        "agreement_members", sa.column("agreement_id"), sa.column("party"), sa.column("role")
    )
    proposals = sa.table("proposals", sa.column("agreement_id"), sa.column("signers", sa.JSON()))
    rows = connection.execute(
        sa.select(members.c.agreement_id, members.c.party)
        .where(members.c.role == "party")
        .order_by(members.c.agreement_id, members.c.party)
    )
    parties: dict[str, list[str]] = {}
    for agreement_id, party in rows:
        parties.setdefault(agreement_id, []).append(party)
    for agreement_id, signers in parties.items():
        connection.execute(
            proposals.update()
            .where(proposals.c.agreement_id == agreement_id)
            .values(signers=signers)
        )


def downgrade() -> None:
    """Downgrade schema: closed lines read as suspended, which carry nothing either."""
    op.execute("UPDATE lines SET state = 'suspended' WHERE state = 'closed'")
    op.drop_column("agreement_members", "since")
    op.drop_column("proposals", "signers")
