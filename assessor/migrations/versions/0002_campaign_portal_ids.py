"""A campaign keeps the ids of the portals its list named, so that `campaign status` still knows
the portals still to do once the list has moved or changed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: a campaign stored before this revision has none, and its list is read as it was.
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("portal_ids_json", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_column("portal_ids_json")
