"""Slot generation from opening hours: days, locations, holidays, lead time, horizon, DST; offering slots."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from bot.storage.booking import available_slots, book_slot, bookable_after, cancel_booking, ensure_slots, set_slot_blocked
from bot.storage.models import Location, Slot
from tests.storage.clinic_db_fixtures import NOW, clinic_data, write_clinic

EXPECTED_MIDTOWN = {"2030-03-05": 3, "2030-03-06": 3, "2030-03-07": 3, "2030-03-09": 1, "2030-03-11": 3,
                    "2030-03-12": 3, "2030-03-13": 3, "2030-03-14": 3, "2030-03-15": 3, "2030-03-16": 1}
EXPECTED_UES = {"2030-03-11": 2, "2030-03-13": 2}


def _per_day(session, clinic, location_id):
    slots = session.scalars(sa.select(Slot).where(Slot.location_id == location_id)).all()
    return dict(Counter(clinic.local(s.starts_at).date().isoformat() for s in slots))


def test_slots_follow_hours_holidays_lead_time_and_horizon_per_location(factory, clinic):
    with factory.begin() as session:
        created = ensure_slots(session, clinic, NOW)
    with factory() as session:
        midtown, ues = _per_day(session, clinic, "midtown"), _per_day(session, clinic, "upper_east_side")
        names = dict(session.execute(sa.select(Location.id, Location.name)).all())
    # Fri 8 March is a clinic holiday, Wed 6 March a holiday at the Upper East Side only,
    # Sundays closed, Mon 4 March inside the 24 h lead time, Mon 18 March past the 14-day horizon.
    assert midtown == EXPECTED_MIDTOWN
    assert ues == EXPECTED_UES
    assert created == sum(EXPECTED_MIDTOWN.values()) + sum(EXPECTED_UES.values())
    assert names == {"midtown": "Midtown Manhattan", "upper_east_side": "Upper East Side"}


def test_slots_are_whole_within_opening_hours_and_keep_local_time_across_dst(factory, clinic):
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
    with factory() as session:
        slots = session.scalars(sa.select(Slot).where(Slot.location_id == "midtown").order_by(Slot.starts_at)).all()
    local_starts = {(clinic.local(s.starts_at).date(), clinic.local(s.starts_at).strftime("%H:%M")) for s in slots}
    assert (date(2030, 3, 9), "10:00") in local_starts
    assert (date(2030, 3, 9), "11:00") not in local_starts  # would end 12:00, after the 11:30 close
    assert all(s.ends_at - s.starts_at == timedelta(hours=1) for s in slots)
    utc_nine = {s.starts_at.date(): s.starts_at.hour for s in slots if clinic.local(s.starts_at).hour == 9}
    assert utc_nine[date(2030, 3, 7)] == 14  # 9 am EST
    assert utc_nine[date(2030, 3, 11)] == 13  # 9 am EDT, after the 10 March change
    assert all(s.starts_at.tzinfo == timezone.utc for s in slots)


def test_lead_time_excludes_slots_starting_too_soon(factory, clinic):
    now = datetime(2030, 3, 5, 14, 30, tzinfo=timezone.utc)  # Tue 9:30 am local
    with factory.begin() as session:
        ensure_slots(session, clinic, now)
    with factory() as session:
        wednesday = [clinic.local(s.starts_at).strftime("%H:%M")
                     for s in available_slots(session, "midtown", bookable_after(clinic, now), limit=10)
                     if clinic.local(s.starts_at).date() == date(2030, 3, 6)]
    assert wednesday == ["10:00", "11:00"]


def test_ensure_slots_is_idempotent(factory, clinic):
    with factory.begin() as session:
        first = ensure_slots(session, clinic, NOW)
    with factory.begin() as session:
        again = ensure_slots(session, clinic, NOW)
    with factory() as session:
        total = session.scalar(sa.select(sa.func.count()).select_from(Slot))
    assert first > 0 and again == 0
    assert total == first


def test_a_new_holiday_removes_free_slots_but_keeps_booked_ones(factory, clinic, tmp_path):
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
        thursday = [s for s in available_slots(session, "midtown", NOW, limit=20)
                    if clinic.local(s.starts_at).date() == date(2030, 3, 7)]
        kept = book_slot(session, thursday[0].id, "Jane Smith", "2125550142", None, "rest", "c1", now=NOW).slot_id
    data = clinic_data()
    data["holidays"].append({"date": "2030-03-07", "name": "Added later"})
    closed_thursday = write_clinic(tmp_path / "later.yml", data)
    with factory.begin() as session:
        ensure_slots(session, closed_thursday, NOW)
    with factory() as session:
        left = [s.id for s in session.scalars(sa.select(Slot).where(Slot.location_id == "midtown"))
                if clinic.local(s.starts_at).date() == date(2030, 3, 7)]
    assert left == [kept]


def test_available_slots_pages_in_time_order_and_skips_booked_and_blocked(factory, clinic):
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
        first_six = available_slots(session, "midtown", NOW, limit=6)
        booking = book_slot(session, first_six[0].id, "Jane Smith", "2125550142", None, "rest", "c1", now=NOW)
        set_slot_blocked(session, first_six[1].id, True)
    with factory() as session:
        page_one = available_slots(session, "midtown", NOW, limit=2)
        page_two = available_slots(session, "midtown", NOW, limit=2, offset=2)
    assert [s.id for s in page_one + page_two] == [s.id for s in first_six[2:6]]
    assert [s.starts_at for s in first_six] == sorted(s.starts_at for s in first_six)
    with factory.begin() as session:
        cancel_booking(session, booking.id, now=NOW)
        set_slot_blocked(session, first_six[1].id, False)
    with factory() as session:
        assert [s.id for s in available_slots(session, "midtown", NOW, limit=2)] == [s.id for s in first_six[:2]]


def test_available_slots_respects_after_and_location(factory, clinic):
    with factory.begin() as session:
        ensure_slots(session, clinic, NOW)
    after = datetime(2030, 3, 12, 0, 0, tzinfo=timezone.utc)
    with factory() as session:
        ues = available_slots(session, "upper_east_side", after, limit=10)
    assert [clinic.local(s.starts_at).strftime("%d %H:%M") for s in ues] == ["13 13:00", "13 14:00"]
    assert {s.location_id for s in ues} == {"upper_east_side"}
