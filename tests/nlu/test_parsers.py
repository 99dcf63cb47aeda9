"""Free-text answers to one question: the engine's value, unknown, or unclear."""
from datetime import date

import pytest

from bot.nlu.parsers import (
    OK,
    UNCLEAR,
    UNKNOWN,
    Parsed,
    is_unknown,
    parse_age,
    parse_duration_weeks,
    parse_insoles,
    parse_location,
    parse_severity,
    parse_side,
    parse_yes_no,
)

TODAY = date(2026, 11, 25)  # a Wednesday


def ok(value):
    return Parsed(OK, value)


SKIPPED, NOT_UNDERSTOOD = Parsed(UNKNOWN), Parsed(UNCLEAR)


@pytest.mark.parametrize("text", ["skip", "Skip this", "no idea", "not sure", "I don't know", "idk",
                                  "dunno", "i'm not really sure", "can't remember", "hmm, not sure",
                                  "I have no idea", "i'd rather not say"])
def test_skip_and_dont_know_are_unknown(text):
    assert is_unknown(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("yeah mostly when I walk to work", ok(True)),
        ("Yes", ok(True)),
        ("yep", ok(True)),
        ("it does", ok(True)),
        ("sometimes", ok(True)),
        ("kinda", ok(True)),
        ("not always", ok(True)),
        ("i think so", ok(True)),
        ("when i walk for a while, yes", ok(True)),
        ("not really", ok(False)),
        ("no", ok(False)),
        ("Nope.", ok(False)),
        ("nah", ok(False)),
        ("never", ok(False)),
        ("i don't think so", ok(False)),
        ("definitely not", ok(False)),
        ("no but it hurts when i run", ok(False)),
        ("no idea", SKIPPED),
        ("not sure", SKIPPED),
        ("skip", SKIPPED),
        ("maybe", SKIPPED),
        ("my knee", NOT_UNDERSTOOD),
        ("yes and no", NOT_UNDERSTOOD),
        ("purple", NOT_UNDERSTOOD),
    ],
)
def test_parse_yes_no(text, expected):
    assert parse_yes_no(text) == expected


@pytest.mark.parametrize(
    "text, weeks",
    [
        ("about 3 months", 13),
        ("a couple of weeks", 2),
        ("2 yrs", 104),
        ("3mos", 13),
        ("6 wks", 6),
        ("10 days", 1),
        ("a few days", 0),
        ("a year and a half", 78),
        ("half a year", 26),
        ("2-3 weeks", 3),
        ("a month or two", 7),
        ("18 months ago", 78),
        ("like 4 weeks", 4),
        ("one month", 4),
        ("for years", 104),
        ("yesterday", 0),
        ("since this morning", 0),
        ("since last summer", 25),  # June 1 2026
        ("since the fall", 12),  # September 1 2026
        ("since last winter", 51),  # December 1 2025: this winter has not started
        ("since march", 38),
        ("since january 2025", 99),
        ("since christmas", 48),
        ("since monday", 0),
        ("since 2019", 412),
        ("since last week", 1),
        ("it started last month", 4),
    ],
)
def test_parse_duration_weeks(text, weeks):
    assert parse_duration_weeks(text, today=TODAY) == ok(weeks)


def test_last_season_skips_the_one_we_are_in():
    assert parse_duration_weeks("since last summer", today=date(2026, 7, 20)) == ok(59)  # June 1 2025
    assert parse_duration_weeks("since the summer", today=date(2026, 7, 20)) == ok(7)  # June 1 2026


@pytest.mark.parametrize("text, expected", [("3", NOT_UNDERSTOOD), ("ages", NOT_UNDERSTOOD),
                                            ("and then", NOT_UNDERSTOOD), ("a while", NOT_UNDERSTOOD),
                                            ("no idea", SKIPPED), ("I can't remember", SKIPPED)])
def test_duration_that_cannot_be_read(text, expected):
    assert parse_duration_weeks(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text, score",
    [
        ("6/10", 6), ("6 / 10", 6), ("6 out of 10", 6), ("a 7", 7), ("its about a six", 6), ("8", 8),
        ("7 or 8", 8), ("6-7", 7), ("7.5", 8), ("3 out of 5", 6), ("11/10", 10), ("0", 0),
        ("pretty bad", 7), ("bad", 6), ("really bad", 8), ("kinda bad", 5), ("not too bad", 4),
        ("mild", 2), ("very mild", 1), ("moderate", 5), ("severe", 8), ("unbearable", 10),
        ("excruciating", 10), ("the worst pain ever", 10), ("no pain", 0), ("a bit sore", 2),
        ("really sore", 5), ("manageable", 4), ("pretty bad, like a 7", 7),
    ],
)
def test_parse_severity(text, score):
    assert parse_severity(text) == ok(score)


@pytest.mark.parametrize("text, expected", [("15", NOT_UNDERSTOOD), ("a 7 year old", NOT_UNDERSTOOD),
                                            ("worst in the morning", NOT_UNDERSTOOD), ("it hurts", NOT_UNDERSTOOD),
                                            ("skip", SKIPPED), ("hard to say", SKIPPED)])
def test_severity_that_cannot_be_read(text, expected):
    assert parse_severity(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("back", ok("lower_back")), ("my lower back", ok("lower_back")), ("sciatica", ok("lower_back")),
        ("knee", ok("knee")), ("both knees", ok("knee")), ("my left one", NOT_UNDERSTOOD),
        ("back and knee", ok("both")), ("my knees and back", ok("both")), ("both", ok("both")),
        ("both of them", ok("both")), ("my hip", ok("other")), ("foot", ok("other")),
        ("somewhere else", ok("other")), ("lower_back", ok("lower_back")), ("idk", SKIPPED),
        ("banana", NOT_UNDERSTOOD),
    ],
)
def test_parse_location(text, expected):
    assert parse_location(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("left", ok("left")), ("my left one", ok("left")), ("the right one", ok("right")),
        ("uh the left side", ok("left")), ("right knee", ok("right")), ("R", ok("right")),
        ("both knees", ok("both")), ("both", ok("both")), ("left and right", ok("both")),
        ("in the middle", ok("both")), ("no idea", SKIPPED), ("my knee", NOT_UNDERSTOOD),
    ],
)
def test_parse_side(text, expected):
    assert parse_side(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("no", ok("none")), ("never tried", ok("none")), ("haven't tried any", ok("none")),
        ("not really", ok("none")), ("yes they helped", ok("helped")), ("they help a bit", ok("helped")),
        ("a little", ok("helped")), ("didn't help", ok("no_help")), ("made it worse", ok("no_help")),
        ("tried custom orthotics, no difference", ok("no_help")), ("yes but they didn't help", ok("no_help")),
        ("no good", ok("no_help")), ("no_help", ok("no_help")), ("yes", NOT_UNDERSTOOD), ("skip", SKIPPED),
    ],
)
def test_parse_insoles(text, expected):
    assert parse_insoles(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("45", ok(45)), ("I'm 45", ok(45)), ("45 years old", ok(45)), ("forty five", ok(45)),
        ("forty-five", ok(45)), ("45yo", ok(45)), ("i'm a 45 year old", ok(45)), ("mid 40s", ok(45)),
        ("late forties", ok(48)), ("born in 1980", ok(46)), ("in my 40s", NOT_UNDERSTOOD),
        ("0", NOT_UNDERSTOOD), ("150", NOT_UNDERSTOOD), ("old enough", NOT_UNDERSTOOD),
        ("rather not say", SKIPPED),
    ],
)
def test_parse_age(text, expected):
    assert parse_age(text, today=TODAY) == expected
