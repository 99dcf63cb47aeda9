"""The clinic's facts (clinic.yml): names, locations, hours, booking rules, FAQ texts.

Everything the assistant says about the clinic comes from here, so another clinic
changes one file. The file is validated on load; a mistake is reported with the
path of the field (e.g. ``locations.0.hours.wed.1``) instead of a stack trace deep
inside slot generation.
"""
from __future__ import annotations

import os
import re
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from functools import lru_cache
from typing import Dict, List, Optional, Tuple, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, Field, ValidationError, validator

from bot.paths import REPO_ROOT
from bot.wording import SPANISH, Wording, language_or_default, local_datetime, say, weekday_names

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class ClinicConfigError(ValueError):
    """clinic.yml is missing or invalid; the message names the file and the field."""


class _Strict(BaseModel):
    class Config:
        extra = "forbid"  # a misspelt key is an error, not silently ignored
        allow_mutation = False


class TimeRange(_Strict):
    """Opening hours on one day, e.g. 08:00-12:00, local time."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> "TimeRange":
        match = _RANGE.match(str(text).strip())
        if not match:
            raise ValueError(f"time range must look like 08:00-17:30 (got {text!r})")
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        try:
            start, end = time(h1, m1), time(h2, m2)
        except ValueError:
            raise ValueError(f"not a valid time of day in {text!r}") from None
        if end <= start:
            raise ValueError(f"the range ends before it starts: {text!r}")
        return cls(start=start, end=end)

    def __str__(self) -> str:
        return f"{clock(self.start)}–{clock(self.end)}"


class Holiday(_Strict):
    date: date
    name: str


class Doctor(_Strict):
    name: str
    focus: str = ""


class GaitAnalysis(_Strict):
    description: Wording
    duration_minutes: int = Field(..., gt=0, le=480)
    what_to_bring: List[Wording] = Field(..., min_items=1)

    def bring(self, language: str, separator: str = ", ") -> str:
        """What to bring, as one list in `language`."""
        return separator.join(item.say(language) for item in self.what_to_bring)


class BookingSettings(_Strict):
    slot_minutes: int = Field(..., gt=0, le=480)
    lead_time_hours: int = Field(..., ge=0)
    horizon_days: int = Field(..., gt=0, le=366)
    staff_confirms: bool = False
    max_open_per_contact: int = Field(2, ge=1, le=20)  # upcoming bookings one phone or e-mail may hold


class ReminderSettings(_Strict):
    hours_before: int = Field(24, ge=1, le=336)


class RetentionSettings(_Strict):
    """How long what patients leave is kept (bot.storage.retention purges it hourly)."""

    unconsented_hours: int = Field(24, ge=1, le=24 * 31)  # conversations where the patient did not consent
    consented_days: int = Field(365, ge=1, le=3650)  # conversations, assessments, callbacks, booking contacts


class Faq(_Strict):
    overpronation: Wording
    gait_analysis: Wording
    orthotics: Wording
    insurance: Wording


class Location(_Strict):
    id: str = Field(..., regex=r"^[a-z][a-z0-9_]{0,39}$")
    name: str
    address: str
    phone: str
    hours: Dict[str, List[TimeRange]]
    holidays: List[Holiday] = []

    @validator("hours", pre=True)
    def _parse_hours(cls, value: object) -> Dict[str, List[TimeRange]]:
        if not isinstance(value, dict):
            raise ValueError("hours must map weekdays (mon..sun) to lists like ['08:00-18:00']")
        unknown = set(value) - set(WEEKDAYS)
        if unknown:
            raise ValueError(f"unknown weekday(s) {sorted(unknown)}; use {', '.join(WEEKDAYS)}")
        parsed = {}
        for day in WEEKDAYS:
            try:
                ranges = [TimeRange.parse(text) for text in (value.get(day) or [])]
            except ValueError as error:
                raise ValueError(f"{day}: {error}") from None
            ranges.sort(key=lambda r: r.start)
            for earlier, later in zip(ranges, ranges[1:]):
                if later.start < earlier.end:
                    raise ValueError(f"{day}: opening ranges {earlier} and {later} overlap")
            parsed[day] = ranges
        return parsed

    def ranges_on(self, day: date) -> List[TimeRange]:
        """Opening ranges on a calendar date, ignoring holidays."""
        return self.hours[WEEKDAYS[day.weekday()]]

    def hours_text(self, language: str = "en") -> str:
        """'Mon–Tue 8:00 am–6:00 pm; Wed …; Sun closed', grouping days with equal hours."""
        groups: List[Tuple[List[str], str]] = []
        names = weekday_names(language)
        for index, day in enumerate(WEEKDAYS):
            text = ", ".join(str(r) for r in self.hours[day]) or say("closed", language)
            if groups and groups[-1][1] == text:
                groups[-1][0].append(names[index])
            else:
                groups.append(([names[index]], text))
        return "; ".join(
            f"{days[0] if len(days) == 1 else days[0] + '–' + days[-1]} {text}" for days, text in groups
        )


class Clinic(_Strict):
    name: str
    short_name: str
    phone: str
    email: str
    website: str
    timezone: str
    emergency_number: str
    doctors: List[Doctor]
    insurance: Wording
    gait_analysis: GaitAnalysis
    how_to_cancel: Wording
    booking: BookingSettings
    reminders: ReminderSettings = ReminderSettings()
    retention: RetentionSettings = RetentionSettings()
    widget_history_hours: int = Field(24, ge=1, le=24 * 30)  # the browser's copy of a website chat
    holidays: List[Holiday] = []
    locations: List[Location] = Field(..., min_items=1)
    faq: Faq

    @validator("timezone")
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name like America/New_York") from None
        return value

    @validator("locations")
    def _unique_ids(cls, value: List[Location]) -> List[Location]:
        ids = [location.id for location in value]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"location ids must be unique; repeated: {duplicates}")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def location(self, location_id: str) -> Location:
        for location in self.locations:
            if location.id == location_id:
                return location
        known = ", ".join(location.id for location in self.locations)
        raise KeyError(f"no location {location_id!r} in the clinic config (known: {known})")

    def is_closed(self, location: Location, day: date) -> bool:
        """True on a clinic-wide or location holiday."""
        return any(h.date == day for h in [*self.holidays, *location.holidays])

    def local(self, moment: datetime) -> datetime:
        """An aware datetime shown in the clinic's time zone."""
        return moment.astimezone(self.tz)

    def when(self, moment: datetime, language: str = "en") -> str:
        """'Tue 5 Mar 2030, 9:00 am' (or 'mar 5 de mar de 2030, 9:00 a.m.') in the clinic's time zone."""
        local = self.local(moment)
        if language_or_default(language) == SPANISH:
            return local_datetime(local, "EEE d 'de' MMM 'de' y, h:mm a", language)
        return f"{local:%a} {local.day} {local:%b %Y}, {clock(local)}"

    def reminder_at(self, starts_at: datetime) -> datetime:
        """When to remind (UTC): hours_before on the clinic's wall clock, so "24 h" stays "same time
        the day before" across a daylight-saving change."""
        wall = self.local(starts_at).replace(tzinfo=None) - timedelta(hours=self.reminders.hours_before)
        return wall.replace(tzinfo=self.tz).astimezone(timezone.utc)

    def faq_answer(self, key: str, language: str = "en") -> str:
        """Text for an FAQ key, in `language`: overpronation, gait_analysis, orthotics, insurance, hours, locations."""
        if key == "hours":
            return " ".join(f"{loc.name}: {loc.hours_text(language)}." for loc in self.locations)
        if key == "locations":
            return " ".join(say("location_line", language, name=loc.name, address=loc.address, phone=loc.phone)
                            for loc in self.locations)
        if key in Faq.__fields__:
            return getattr(self.faq, key).say(language)
        raise KeyError(f"no FAQ text {key!r}")


def clock(moment: Union[time, datetime]) -> str:
    """9:00 am style, as US patients read times."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'am' if moment.hour < 12 else 'pm'}"


def _describe(error: ValidationError) -> str:
    lines = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"] if part != "__root__") or "(top level)"
        lines.append(f"  {where}: {problem['msg']}")
    return "\n".join(lines)


def default_path() -> Path:
    return Path(os.environ.get("CLINIC_CONFIG") or REPO_ROOT / "clinic.yml")


def load_clinic(path: Optional[Union[str, Path]] = None) -> Clinic:
    """Read and validate the clinic config (CLINIC_CONFIG, else clinic.yml at the repo root)."""
    path = Path(path) if path else default_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ClinicConfigError(f"clinic config not found: {path} (set CLINIC_CONFIG)") from None
    except yaml.YAMLError as error:
        raise ClinicConfigError(f"{path} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ClinicConfigError(f"{path} must be a mapping of clinic fields")
    try:
        return Clinic.parse_obj(data)
    except ValidationError as error:
        raise ClinicConfigError(f"{path} is invalid:\n{_describe(error)}") from None


@lru_cache(maxsize=1)
def default_clinic() -> Clinic:
    """The clinic config loaded once per process, for code called without one (the booking layer)."""
    return load_clinic()
