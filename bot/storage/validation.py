"""Checks for what a patient types as name, phone and e-mail.

Each check returns the value in one canonical form (phones as E.164, e.g.
+12125550142) or raises InvalidInput whose message the bot can say as is: it
says what is wrong and shows an example.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import phonenumbers

from bot.wording import say


class InvalidInput(ValueError):
    """What the patient typed cannot be used; `wording` names its sentence in bot/wording.yml."""

    def __init__(self, wording: str) -> None:
        self.wording = wording
        self.message = self.say("en")
        super().__init__(self.message)

    def say(self, language: str) -> str:
        """The sentence for the patient, with its example, in `language`."""
        return say(self.wording, language, name_example=NAME_EXAMPLE, phone_example=PHONE_EXAMPLE,
                   email_example=EMAIL_EXAMPLE)


NAME_EXAMPLE = "Jane Smith"
PHONE_EXAMPLE = "(212) 555-0142"
EMAIL_EXAMPLE = "jane.smith@example.com"
DEFAULT_REGION = "US"
"""The clinic's country: a number without +country code is read as a number there."""

_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[ '’.\-][^\W\d_]*)*$")
_PHONE_CHARS = re.compile(r"^\+?[\d\s().\-]+$")
_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def validate_name(text: str) -> str:
    """A name of 2-80 characters made of letters, spaces, hyphens, apostrophes and dots."""
    name = " ".join(str(text or "").split())
    if not 2 <= len(name) <= 80 or not _NAME_CHARS.match(name):
        raise InvalidInput("invalid_name")
    return name


def validate_phone(text: str) -> str:
    """A phone number valid for its country (US when no +country code is given), as E.164.

    The checking is Google's libphonenumber (the `phonenumbers` package), which knows
    every country's numbering plan.
    """
    raw = str(text or "").strip()
    problem = "invalid_phone"
    if not _PHONE_CHARS.match(raw):
        raise InvalidInput(problem)
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise InvalidInput(problem) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(problem)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_email(text: str) -> str:
    """An address like name@example.com; the domain is lower-cased."""
    address = str(text or "").strip()
    if len(address) > 254 or not _EMAIL.match(address):
        raise InvalidInput("invalid_email")
    local, domain = address.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


@dataclass(frozen=True)
class Contact:
    phone: Optional[str] = None
    email: Optional[str] = None


def parse_contact(text: str) -> Contact:
    """One answer to "your phone or e-mail?": an '@' means e-mail, anything else a phone."""
    raw = str(text or "").strip()
    if not raw:
        raise InvalidInput("invalid_contact")
    if "@" in raw:
        return Contact(email=validate_email(raw))
    return Contact(phone=validate_phone(raw))


def format_phone(e164: Optional[str]) -> str:
    """+12125550142 → (212) 555-0142; other countries in their international form."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, None)
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 1
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, style)
