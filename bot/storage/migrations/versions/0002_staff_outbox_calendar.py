"""Staff side: staff users and sessions, the notification outbox, calendar links on bookings.

Existing bookings get a fresh unguessable calendar token each.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
import secrets

from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _add_calendar_columns() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("calendar_token", sa.String(64), nullable=True))
        batch.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))
    bookings = sa.table("bookings", sa.column("id", sa.Integer), sa.column("calendar_token", sa.String))
    connection = op.get_bind()
    for (booking_id,) in connection.execute(sa.select(bookings.c.id)).all():
        connection.execute(
            bookings.update().where(bookings.c.id == booking_id).values(calendar_token=secrets.token_urlsafe(24))
        )
    with op.batch_alter_table("bookings") as batch:
        batch.alter_column("calendar_token", existing_type=sa.String(64), nullable=False)
        batch.alter_column("sequence", existing_type=sa.Integer(), server_default=None)
        batch.create_unique_constraint("uq_bookings_calendar_token", ["calendar_token"])


def upgrade() -> None:
    _add_calendar_columns()
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("password_hash", sa.String(100), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_login_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_staff_users"),
        sa.UniqueConstraint("username", name="uq_staff_users_username"),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_users.id"], name="fk_staff_sessions_user_id_staff_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_staff_sessions"),
    )
    op.create_index("ix_staff_sessions_user_id", "staff_sessions", ["user_id"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("callback_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("delivered", sa.String(64), nullable=False),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="ck_notifications_status"),
        sa.CheckConstraint(
            "kind IN ('booking_created', 'booking_cancelled', 'booking_moved', 'callback_requested')",
            name="ck_notifications_kind",
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name="fk_notifications_booking_id_bookings", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["callback_id"], ["callback_requests.id"], name="fk_notifications_callback_id_callback_requests",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
    )
    op.create_index("ix_notifications_due", "notifications", ["status", "next_attempt_at"])


def downgrade() -> None:
    for table in ("notifications", "staff_sessions", "staff_users"):
        op.drop_table(table)
    with op.batch_alter_table("bookings") as batch:
        batch.drop_constraint("uq_bookings_calendar_token", type_="unique")
        batch.drop_column("sequence")
        batch.drop_column("calendar_token")
