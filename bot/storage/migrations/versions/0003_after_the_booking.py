"""After the booking: patients' own links and reminders, attendance and gait findings.

Existing bookings get a fresh secret for the patient's links each; their patients
had no reminder queued, so none is sent for them (they were booked without one).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
import secrets

from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
OLD_KINDS = "'booking_created', 'booking_cancelled', 'booking_moved', 'callback_requested'"
NEW_KINDS = OLD_KINDS + ", 'patient_confirmation', 'reminder'"


def _add_booking_columns() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("manage_secret", sa.String(64), nullable=True))
        batch.add_column(sa.Column("telegram_chat_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("reminders_opt_out", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("patient_confirmed_at", TS, nullable=True))
        batch.add_column(sa.Column("attendance", sa.String(12), nullable=True))
    bookings = sa.table("bookings", sa.column("id", sa.Integer), sa.column("manage_secret", sa.String))
    connection = op.get_bind()
    for (booking_id,) in connection.execute(sa.select(bookings.c.id)).all():
        connection.execute(
            bookings.update().where(bookings.c.id == booking_id).values(manage_secret=secrets.token_urlsafe(24))
        )
    with op.batch_alter_table("bookings") as batch:
        batch.alter_column("manage_secret", existing_type=sa.String(64), nullable=False)
        batch.alter_column("reminders_opt_out", existing_type=sa.Boolean(), server_default=None)
        batch.create_check_constraint("attendance", "attendance IS NULL OR attendance IN ('attended', 'no_show')")


def _notification_checks(kinds: str, statuses: str) -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint("ck_notifications_kind", type_="check")
        batch.drop_constraint("ck_notifications_status", type_="check")
        batch.create_check_constraint("kind", f"kind IN ({kinds})")
        batch.create_check_constraint("status", f"status IN ({statuses})")


def upgrade() -> None:
    _add_booking_columns()
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("for_starts_at", TS, nullable=True))
    _notification_checks(NEW_KINDS, "'pending', 'sent', 'failed', 'skipped'")
    op.create_table(
        "gait_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("fpi_left", sa.Integer(), nullable=False),
        sa.Column("fpi_right", sa.Integer(), nullable=False),
        sa.Column("foot_posture", sa.String(16), nullable=False),
        sa.Column("orthotics", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.CheckConstraint("foot_posture IN ('overpronation', 'neutral', 'oversupination')",
                           name="ck_gait_findings_foot_posture"),
        sa.CheckConstraint("fpi_left BETWEEN -12 AND 12 AND fpi_right BETWEEN -12 AND 12",
                           name="ck_gait_findings_fpi_range"),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name="fk_gait_findings_booking_id_bookings",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"],
                                name="fk_gait_findings_assessment_id_assessments", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_gait_findings"),
        sa.UniqueConstraint("booking_id", name="uq_gait_findings_booking_id"),
    )
    op.create_index("ix_gait_findings_assessment_id", "gait_findings", ["assessment_id"])


def downgrade() -> None:
    op.drop_table("gait_findings")
    op.execute("DELETE FROM notifications WHERE kind IN ('patient_confirmation', 'reminder')")
    op.execute("UPDATE notifications SET status = 'failed' WHERE status = 'skipped'")
    _notification_checks(OLD_KINDS, "'pending', 'sent', 'failed'")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("for_starts_at")
    with op.batch_alter_table("bookings") as batch:
        batch.drop_constraint("ck_bookings_attendance", type_="check")
        for column in ("attendance", "patient_confirmed_at", "reminders_opt_out", "telegram_chat_id", "manage_secret"):
            batch.drop_column(column)
