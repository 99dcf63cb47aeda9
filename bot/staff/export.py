"""CSV export of bookings for spreadsheets, safe against formula injection."""
from __future__ import annotations

import csv
import io
import re
from typing import Any, Dict, Iterable

COLUMNS = ("booking_id", "status", "location", "date", "time", "patient_name", "phone", "email",
           "channel", "booked_at", "assessment_id", "calendar_url", "patient_confirmed", "attendance",
           "fpi_left", "fpi_right", "foot_posture", "orthotics", "finding_note")
_PHONE = re.compile(r"^\+\d{8,15}$")


def _cell(value: Any) -> str:
    """Text a spreadsheet shows as text: a leading = + - @ would start a formula (numbers stay numbers)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _PHONE.match(text):
        return "'" + text
    return text


def _yes_no(value: Any) -> str:
    return "" if value is None else "yes" if value else "no"


def bookings_csv(rows: Iterable[Dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(v) for v in (
            row["id"], row["status"], row["location_name"], row["starts_at"].date().isoformat(),
            row["starts_at"].strftime("%H:%M"), row["patient_name"], row["phone"], row["email"],
            row["channel"], row["created_at"].isoformat(timespec="minutes"), row["assessment_id"],
            row["calendar_url"], _yes_no(row["patient_confirmed"]), row["attendance"], row["fpi_left"],
            row["fpi_right"], row["foot_posture"], _yes_no(row["orthotics"]), row["finding_note"],
        )])
    return out.getvalue()
