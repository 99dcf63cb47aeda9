"""Checks for what a patient types as name, phone and e-mail.

Each check returns the value in one canonical form (phones as E.164, e.g.
+12125550142) or raises InvalidInput whose message the bot can say as is: it
says what is wrong and shows an example.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional


class InvalidInput(ValueError):
    """What the patient typed cannot be used; `message` is written for the patient."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


NAME_EXAMPLE = "Jane Smith"
PHONE_EXAMPLE = "(212) 555-0142"
EMAIL_EXAMPLE = "jane.smith@example.com"

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
        raise InvalidInput(
            f"Please type the name the booking should be under, using letters only, e.g. {NAME_EXAMPLE}."
        )
    return name


def validate_phone(text: str) -> str:
    """A US number (10 digits, optional leading 1) or an international +-number, as E.164."""
    raw = str(text or "").strip()
    digits = re.sub(r"\D", "", raw)
    problem = (
        f"That doesn't look like a phone number. Please type it with the area code, "
        f"e.g. {PHONE_EXAMPLE} or +1 212 555 0142."
    )
    if not _PHONE_CHARS.match(raw):
        raise InvalidInput(problem)
    international = raw.startswith("+") and not digits.startswith("1")
    if international:
        if not 8 <= len(digits) <= 15:
            raise InvalidInput(problem)
        return f"+{digits}"
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    # North American numbers: area code and exchange start with 2-9.
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        raise InvalidInput(problem)
    return f"+1{digits}"


def validate_email(text: str) -> str:
    """An address like name@example.com; the domain is lower-cased."""
    address = str(text or "").strip()
    if len(address) > 254 or not _EMAIL.match(address):
        raise InvalidInput(f"That doesn't look like an e-mail address. Please type it like {EMAIL_EXAMPLE}.")
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
        raise InvalidInput(f"Please give a phone number, e.g. {PHONE_EXAMPLE}, or an e-mail, e.g. {EMAIL_EXAMPLE}.")
    if "@" in raw:
        return Contact(email=validate_email(raw))
    return Contact(phone=validate_phone(raw))


def format_phone(e164: Optional[str]) -> str:
    """+12125550142 → (212) 555-0142; other countries stay in E.164."""
    if not e164:
        return ""
    if e164.startswith("+1") and len(e164) == 12:
        return f"({e164[2:5]}) {e164[5:8]}-{e164[8:]}"
    return e164
