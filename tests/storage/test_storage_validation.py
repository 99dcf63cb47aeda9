"""Patient name, phone and e-mail checks: canonical values, or a message with an example."""
from __future__ import annotations

import pytest

from bot.storage.validation import (
    InvalidInput, format_phone, parse_contact, validate_email, validate_name, validate_phone,
)


@pytest.mark.parametrize("typed, e164", [
    ("(212) 555-0142", "+12125550142"), ("212-555-0142", "+12125550142"), ("212.555.0142", "+12125550142"),
    ("2125550142", "+12125550142"), ("1 212 555 0142", "+12125550142"), ("+1 (212) 555-0142", "+12125550142"),
    ("+12125550142", "+12125550142"), ("+44 20 7946 0958", "+442079460958"),
])
def test_phone_formats_become_e164(typed, e164):
    assert validate_phone(typed) == e164


@pytest.mark.parametrize("typed", [
    "555-0142", "0125550142", "2120550142", "212 555 01423", "call me", "", "+1 212 555", "212-555-0142 ext 4",
    "+123",
])
def test_bad_phones_get_an_example(typed):
    with pytest.raises(InvalidInput) as refused:
        validate_phone(typed)
    assert "(212) 555-0142" in refused.value.message


@pytest.mark.parametrize("typed, clean", [
    ("jane.smith@example.com", "jane.smith@example.com"), (" Jane+gait@Mail.Example.ORG ", "Jane+gait@mail.example.org"),
])
def test_emails_are_trimmed_and_domain_lowercased(typed, clean):
    assert validate_email(typed) == clean


@pytest.mark.parametrize("typed", ["jane", "jane@", "@example.com", "jane@example", "jane smith@example.com",
                                   "jane..smith@example.com", "jane@exa_mple.com"])
def test_bad_emails_get_an_example(typed):
    with pytest.raises(InvalidInput, match="jane.smith@example.com"):
        validate_email(typed)


@pytest.mark.parametrize("typed, clean", [
    ("  Jane   Smith ", "Jane Smith"), ("Mary-Jane O'Neil", "Mary-Jane O'Neil"), ("José Núñez", "José Núñez"),
    ("J. R. Smith", "J. R. Smith"),
])
def test_names_are_tidied(typed, clean):
    assert validate_name(typed) == clean


@pytest.mark.parametrize("typed", ["J", "Jane 2", "jane@example.com", "", "x" * 81, "--"])
def test_bad_names_get_an_example(typed):
    with pytest.raises(InvalidInput, match="Jane Smith"):
        validate_name(typed)


def test_contact_answer_is_phone_or_email():
    assert parse_contact("jane@example.com").email == "jane@example.com"
    assert parse_contact("212 555 0142").phone == "+12125550142"
    with pytest.raises(InvalidInput, match="phone number"):
        parse_contact("  ")


def test_format_phone_for_people():
    assert format_phone("+12125550142") == "(212) 555-0142"
    assert format_phone("+442079460958") == "+44 20 7946 0958"
    assert format_phone(None) == ""
