"""Revoked website sessions: "delete my data" ends the widget's session for good.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revoked_widget_sessions",
        sa.Column("session_hash", sa.String(64), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("session_hash", name="pk_revoked_widget_sessions"),
    )


def downgrade() -> None:
    op.drop_table("revoked_widget_sessions")
