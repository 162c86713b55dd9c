"""one file store, by SHA-256, for every attachment: the rounds' files move into it

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 1024 * 1024
"""As ``services.record.uploads.CHUNK`` when this was written; a migration keeps its own."""

SHA256 = sa.String(length=64)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "blobs",
        sa.Column("sha256", SHA256, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "blob_chunks",
        sa.Column("sha256", SHA256, nullable=False),
        sa.Column("n", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["blobs.sha256"]),
        sa.PrimaryKeyConstraint("sha256", "n"),
    )
    _move_round_files()
    with op.batch_alter_table("round_attachments") as table:
        table.drop_column("content")
        table.create_foreign_key("fk_round_attachments_sha256", "blobs", ["sha256"], ["sha256"])


def _move_round_files() -> None:
    connection = op.get_bind()
    kept: set[str] = set()
    query = sa.text("SELECT sha256, size, content FROM round_attachments")
    for sha256, size, content in connection.execute(query).all():
        if sha256 in kept:
            continue
        kept.add(sha256)
        connection.execute(
            sa.text("INSERT INTO blobs (sha256, size) VALUES (:sha256, :size)"),
            {"sha256": sha256, "size": size},
        )
        pieces = [content[at : at + CHUNK] for at in range(0, len(content), CHUNK)]
        connection.execute(
            sa.text("INSERT INTO blob_chunks (sha256, n, data) VALUES (:sha256, :n, :data)"),
            [{"sha256": sha256, "n": n, "data": piece} for n, piece in enumerate(pieces)],
        )


def downgrade() -> None:
    """Downgrade schema: the rounds' files back into their rows, the store dropped."""
    with op.batch_alter_table("round_attachments") as table:
        table.drop_constraint("fk_round_attachments_sha256", type_="foreignkey")
        table.add_column(sa.Column("content", sa.LargeBinary(), nullable=True))
    connection = op.get_bind()
    query = sa.text("SELECT DISTINCT sha256 FROM round_attachments")
    for (sha256,) in connection.execute(query).all():
        pieces = connection.execute(
            sa.text("SELECT data FROM blob_chunks WHERE sha256 = :sha256 ORDER BY n"),
            {"sha256": sha256},
        ).scalars()
        connection.execute(
            sa.text("UPDATE round_attachments SET content = :content WHERE sha256 = :sha256"),
            {"content": b"".join(pieces), "sha256": sha256},
        )
    with op.batch_alter_table("round_attachments") as table:
        table.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
    op.drop_table("blob_chunks")
    op.drop_table("blobs")
