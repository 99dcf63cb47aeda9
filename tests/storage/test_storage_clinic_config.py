"""clinic.yml: the shipped clinic loads; mistakes are reported with the field's path."""
from __future__ import annotations

import pytest

from bot.clinic import ClinicConfigError, load_clinic
from tests.storage.clinic_db_fixtures import clinic_data, write_clinic


def test_shipped_clinic_config_is_complete():
    clinic = load_clinic()
    assert clinic.name == "The Center for Podiatric Care and Sports Medicine"
    assert [loc.id for loc in clinic.locations] == ["midtown", "upper_east_side"]
    assert clinic.timezone == "America/New_York" and clinic.emergency_number == "911"
    assert "555-01" in clinic.phone and all("555-01" in loc.phone for loc in clinic.locations)
    assert clinic.doctors and clinic.gait_analysis.duration_minutes > 0
    assert any("shoes" in item.en and "zapatos" in item.es for item in clinic.gait_analysis.what_to_bring)
    assert any("shorts" in item.en for item in clinic.gait_analysis.what_to_bring)
    for key in ("overpronation", "gait_analysis", "orthotics", "insurance", "hours", "locations"):
        assert len(clinic.faq_answer(key)) > 40
    assert "Upper East Side" in clinic.faq_answer("hours") and "1175 Lexington" in clinic.faq_answer("locations")


def test_clinic_config_path_from_env(monkeypatch, tmp_path):
    data = clinic_data()
    data["short_name"] = "Elsewhere Podiatry"
    write_clinic(tmp_path / "other.yml", data)
    monkeypatch.setenv("CLINIC_CONFIG", str(tmp_path / "other.yml"))
    assert load_clinic().short_name == "Elsewhere Podiatry"


def test_hours_text_groups_equal_days(clinic):
    assert clinic.location("midtown").hours_text() == "Mon–Fri 9:00 am–12:00 pm; Sat 10:00 am–11:30 am; Sun closed"
    with pytest.raises(KeyError, match="known: midtown, upper_east_side"):
        clinic.location("brooklyn")


def _broken(tmp_path, change):
    data = clinic_data()
    change(data)
    with pytest.raises(ClinicConfigError) as error:
        write_clinic(tmp_path / "broken.yml", data)
    return str(error.value)


@pytest.mark.parametrize("change, expected", [
    (lambda d: d["locations"][0]["hours"].update(mon=["8-5"]), "locations.0.hours: mon: time range must look like 08:00-17:30"),
    (lambda d: d["locations"][1]["hours"].update(wed=["13:00-12:00"]), "locations.1.hours: wed: the range ends before"),
    (lambda d: d["locations"][0]["hours"].update(tue=["09:00-12:00", "11:00-14:00"]), "overlap"),
    (lambda d: d["locations"][0]["hours"].update(funday=[]), "unknown weekday"),
    (lambda d: d.update(timezone="Mars/Olympus"), "timezone: unknown time zone"),
    (lambda d: d["booking"].update(slot_minutes=0), "booking.slot_minutes"),
    (lambda d: d["locations"][1].update(id="midtown"), "location ids must be unique"),
    (lambda d: d["locations"][0].update(id="Mid Town"), "locations.0.id"),
    (lambda d: d.update(phonee="x"), "phonee: extra fields not permitted"),
    (lambda d: d.pop("faq"), "faq: field required"),
    (lambda d: d["holidays"].append({"date": "not a date", "name": "x"}), "holidays.1.date"),
])
def test_mistakes_name_the_field(tmp_path, change, expected):
    message = _broken(tmp_path, change)
    assert "broken.yml is invalid" in message and expected in message


def test_missing_or_unparsable_file(tmp_path):
    with pytest.raises(ClinicConfigError, match="not found"):
        load_clinic(tmp_path / "absent.yml")
    (tmp_path / "bad.yml").write_text("name: [unclosed")
    with pytest.raises(ClinicConfigError, match="not valid YAML"):
        load_clinic(tmp_path / "bad.yml")
