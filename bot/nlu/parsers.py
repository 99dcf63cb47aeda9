"""Free-text answers to one triage question, turned into the engine's value.

Why: every question offers buttons but also accepts text ("about 3 months", "pretty
bad", "my left one", "yeah mostly when I walk to work"). A parser never guesses: it
returns a `Parsed` result whose status is
- `ok`: the value is set;
- `unknown`: the patient skipped or does not know ("no idea", "skip"); the engine
  accepts a missing answer;
- `unclear`: the text could not be understood; the form re-asks showing the options.
All functions are pure; those that depend on the date take `today`.

Readings worth knowing: months are 52/12 weeks and are rounded to whole weeks
("about 3 months" -> 13); "since <season/month/holiday>" counts from its start
(seasons start Mar 1, Jun 1, Sep 1, Dec 1); a bare plural ("for years", "months")
means 2 years, 3 months, 3 weeks or 3 days; a bare number ("3") is unclear for a
duration; ranges take the more cautious end for severity ("7 or 8" -> 8) and the
middle for durations; "mid 40s" is 45, "in my 40s" is unclear.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, List, Optional, Tuple, TypeVar

from bot.nlu.entities import extract_entities
from bot.nlu.numbers import EXACT_NUMBER_PATTERN, NUMBER_PATTERN, parse_number

T = TypeVar("T")
OK, UNKNOWN, UNCLEAR = "ok", "unknown", "unclear"


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """A parse result: the value when status is `ok`, else None."""

    status: str
    value: Optional[T] = None

    @property
    def ok(self) -> bool:
        return self.status == OK


def _ok(value: T) -> Parsed[T]:
    return Parsed(OK, value)


_UNKNOWN: Parsed = Parsed(UNKNOWN)
_UNCLEAR: Parsed = Parsed(UNCLEAR)

_FILLER = r"(?:(?:um+|uh+|hmm+|well|honestly|tbh|idk|ok|okay|i mean|i guess)[\s,]+)*"
_UNKNOWN_RE = re.compile(
    rf"^{_FILLER}(?:i'?m |i am |i have |i've |i'd |i )?"
    r"(?:skip(?: (?:it|this|that|question))?|pass|next|n/?a|idk|dunno|do ?n[o']?t know|no idea|"
    r"no clue|unsure|not (?:really |too |totally )?(?:sure|certain)|can'?t (?:remember|recall|say)|"
    r"do ?n[o']?t remember|hard to say|who knows|rather not(?: say)?|prefer not to (?:say|answer)|\?+)"
    r"(?:\W|$)"
)


def normalise(text: str) -> str:
    """Lowercase, straight apostrophes, single spaces, no surrounding punctuation."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split()).strip(" .!,;:")


def is_unknown(text: str) -> bool:
    """True for "skip", "I don't know", "no idea", "not sure" and the like."""
    return bool(_UNKNOWN_RE.search(normalise(text)))


# ---------------------------------------------------------------- yes / no
_YES = (
    r"yes+|yeah+|yea|ya|yah|yep|yup|ye|y|sure|definitely|absolutely|correct|right|true|of course|"
    r"ofc|totally|indeed|affirmative|uh[- ]?huh|mhm+|mm[- ]?hmm|i do|it does|i am|it is|i have|"
    r"it has|always|usually|mostly|often|a lot|sometimes|kind of|kinda|sort of|a bit|a little|"
    r"somewhat|for sure|most days|i think so|i guess so|probably|pretty much|not always|"
    r"now and then|occasionally|every time|all the time|100%|\U0001F44D"
)
_NO = (
    r"no+|nope|nah+|naw|n|never|not really|not at all|not much|negative|none|rarely|hardly(?: ever)?|"
    r"not that i know of|i don'?t|i do not|it doesn'?t|it does not|i'?m not|i am not|i haven'?t|"
    r"i have not|it isn'?t|it'?s not|it is not|no way|not|nothing|i don'?t think so|probably not|"
    r"\U0001F44E"
)
_YES_START = re.compile(rf"^{_FILLER}(?:{_YES})(?:\W|$)")
_NO_START = re.compile(rf"^{_FILLER}(?:{_NO})(?:\W|$)")
_NEGATED_YES = re.compile(rf"^{_FILLER}(?:definitely|absolutely|certainly|of course|probably|totally|surely|hell|heck) (?:not|no)\b")
_YES_WORD = re.compile(r"\b(?:yes|yeah|yep|yup|definitely|absolutely)\b")
_NO_WORD = re.compile(r"\b(?:no|nope|nah|never)\b")


def parse_yes_no(text: str) -> Parsed[bool]:
    """A yes/no answer: "yeah mostly when I walk to work" -> True, "not really" -> False."""
    answer = normalise(text)
    if is_unknown(answer) or re.match(rf"^{_FILLER}(?:maybe|possibly|perhaps)\b", answer):
        return _UNKNOWN
    if re.search(r"\byes and no\b", answer):
        return _UNCLEAR
    if _NEGATED_YES.match(answer):
        return _ok(False)
    starts_no = bool(_NO_START.match(answer)) and not re.match(
        r"^(?:not always|n(?:o|ot) (?:every|all the) time)", answer
    )
    starts_yes = bool(_YES_START.match(answer))
    if starts_no != starts_yes:
        return _ok(starts_yes)
    has_yes, has_no = bool(_YES_WORD.search(answer)), bool(_NO_WORD.search(answer))
    if has_yes != has_no:
        return _ok(has_yes)
    return _UNCLEAR


# ---------------------------------------------------------------- duration
WEEKS_PER_UNIT = {"day": 1 / 7, "week": 1.0, "month": 52 / 12, "year": 52.0}
_UNIT_WORDS = {
    "day": r"days?|d",
    "week": r"weeks?|wks?|wk|w|weks?",
    "month": r"months?|mos?|mths?|mnths?|mons?",
    "year": r"years?|yrs?|y|yeras?",
}
_UNIT = "|".join(f"(?P<{name}>{words})" for name, words in _UNIT_WORDS.items())
_NUM = NUMBER_PATTERN
# Digits may touch their unit ("3mos"); words need a space ("an d" is not "and").
_QUANTITY_RE = re.compile(
    rf"\b(?P<n1>{_NUM})(?:\s*(?:-|to|or)\s*(?P<n2>{_NUM}))?(?:(?<=\d)\s*|\s+)(?:{_UNIT})\b"
    rf"(?P<half>\s+and\s+a\s+half)?(?:\s+or\s+(?P<n3>two|three|2|3)\b)?"
)
_HALF_UNIT_RE = re.compile(rf"\bhalf an? (?:{_UNIT})\b")
_BARE_PLURAL_RE = re.compile(r"\b(?:for |past |a few )?(days|weeks|months|years)\b")
_BARE_PLURAL_COUNT = {"days": 3, "weeks": 3, "months": 3, "years": 2}
_JUST_NOW_RE = re.compile(r"\b(?:today|this morning|tonight|just (?:now|started|happened)|since yesterday|yesterday|last night|"
                          r"(?:since |over )?(?:the|last|this past) weekend|this week|earlier this week|"
                          r"(?:since )?(?:a|one) (?:few|couple(?: of)?) days)\b")
_SEASON_START = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
_MONTHS = {
    name: index
    for index, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_HOLIDAYS = {"christmas": (12, 25), "xmas": (12, 25), "new year": (1, 1), "new years": (1, 1),
             "new year's": (1, 1), "halloween": (10, 31), "valentine's": (2, 14), "july 4th": (7, 4)}
_RELATIVE_PERIOD = {"week": 1, "month": 4, "year": 52}


def parse_duration_weeks(text: str, today: Optional[date] = None) -> Parsed[int]:
    """Weeks since the pain started: "about 3 months" -> 13, "2 yrs" -> 104, "3" -> unclear."""
    answer = normalise(text)
    if is_unknown(answer):
        return _UNKNOWN
    today = today or date.today()
    weeks = _weeks_from_quantity(answer)
    if weeks is None:
        weeks = _weeks_since(answer, today)
    if weeks is None and _JUST_NOW_RE.search(answer):
        weeks = 0.0
    if weeks is None:
        bare = _BARE_PLURAL_RE.search(answer)
        if bare:
            weeks = _BARE_PLURAL_COUNT[bare.group(1)] * WEEKS_PER_UNIT[bare.group(1)[:-1]]
    if weeks is None or weeks < 0:
        return _UNCLEAR
    return _ok(_round_half_up(weeks))


def _weeks_from_quantity(answer: str) -> Optional[float]:
    half = _HALF_UNIT_RE.search(answer)
    if half:
        return 0.5 * WEEKS_PER_UNIT[_unit_of(half)]
    found = _QUANTITY_RE.search(answer)
    if found is None:
        return None
    values = [parse_number(found.group(n)) for n in ("n1", "n2", "n3") if found.group(n)]
    if any(v is None for v in values):
        return None
    amount = sum(values) / len(values) + (0.5 if found.group("half") else 0.0)
    return amount * WEEKS_PER_UNIT[_unit_of(found)]


def _unit_of(found: "re.Match[str]") -> str:
    return next(name for name in _UNIT_WORDS if found.group(name))


def _weeks_since(answer: str, today: date) -> Optional[float]:
    """Weeks from a named point in time ("since last summer", "since march 3rd")."""
    start = _start_date(answer, today)
    if start is None:
        return None
    return (today - start).days / 7


def _start_date(answer: str, today: date) -> Optional[date]:
    last = r"(?:(?P<last>last|past) |this |the )?"
    season = re.search(rf"\b{last}(?P<name>spring|summer|fall|autumn|winter)\b", answer)
    if season and (season.group("last") or re.search(r"\b(since|in|during|around|over)\b", answer)):
        return _most_recent(today, _SEASON_START[season.group("name")], 1, season.group("last"), 92)
    month = re.search(
        rf"\b{last}(?P<name>{'|'.join(_MONTHS)})\b(?: (?P<day>\d{{1,2}})(?!\d)(?:st|nd|rd|th)?)?(?:,? (?P<year>(?:19|20)\d\d))?",
        answer,
    )
    if month and (month.group("name") != "may" or re.search(r"\b(since|in|last) may\b", answer)):
        day, number = int(month.group("day") or 1), _MONTHS[month.group("name")]
        if month.group("year"):
            return _valid_date(int(month.group("year")), number, day)
        return _most_recent(today, number, day, month.group("last"), 31)
    for name, (month_number, day) in _HOLIDAYS.items():
        if re.search(rf"\b{re.escape(name)}\b", answer):
            return _most_recent(today, month_number, day, None, 1)
    weekday = re.search(rf"\b(?:last )?({'|'.join(_WEEKDAYS)})\b", answer)
    if weekday:
        back = (today.weekday() - _WEEKDAYS.index(weekday.group(1))) % 7
        return today - timedelta(days=back or (7 if "last" in weekday.group(0) else 0))
    year = re.search(r"\b(?:since|in|from) ((?:19|20)\d\d)\b", answer)
    if year:
        return date(int(year.group(1)), 1, 1)
    relative = re.search(r"\b(?:since |from |started |began )?last (week|month|year)\b", answer)
    if relative:
        return today - timedelta(weeks=_RELATIVE_PERIOD[relative.group(1)])
    return None


def _most_recent(today: date, month: int, day: int, last: Optional[str], length_days: int) -> Optional[date]:
    """The latest `month/day` on or before today; with "last", skip one we are still inside."""
    candidates = [_valid_date(year, month, day) for year in (today.year, today.year - 1, today.year - 2)]
    if None in candidates:
        return None
    past = [c for c in candidates if c <= today]
    if last and (today - past[0]).days < length_days:
        return past[1]
    return past[0]


def _valid_date(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _round_half_up(value: float) -> int:
    return int(math.floor(value + 0.5))


# ---------------------------------------------------------------- severity
_EXACT = EXACT_NUMBER_PATTERN
_SCORE_RE = re.compile(
    rf"\b(?P<n1>{_EXACT})(?:\s*(?:-|to|or)\s*(?P<n2>{_EXACT}))?\s*"
    r"(?:(?:/|out of|outta|of|on a scale of)\s*(?P<scale>10|ten|5|five|100)\b)?"
)
_NOT_SEVERITY = re.compile(
    r"^\s*(?:days?|weeks?|wks?|months?|mos?|years?|yrs?|hours?|hrs?|minutes?|mins?|miles?|blocks?|"
    r"times|steps|am|pm|%|percent|lbs?|pounds|kg|feet|ft|years? old|yo|of)\b"
)
# (words, score, polarity): polarity +1 for pain words ("really bad" is worse),
# -1 for mildness words ("very mild" is milder).
_SEVERITY_WORDS: List[Tuple[str, int, int]] = [
    (r"no pain|pain[- ]?free|painless|doesn'?t hurt|none", 0, 1),
    (r"unbearable|excruciating|agoni[sz]ing|agony|(?:the )?worst (?:pain|ever|of my life)|the worst|"
     r"intolerable|killing me|through the roof|off the charts|can'?t take it", 10, 1),
    (r"debilitating|crippling|horrendous|brutal|extreme", 9, 1),
    (r"severe|terrible|horrible|awful|intense", 8, 1),
    (r"mild to moderate", 4, 1),
    (r"moderate|medium|middling|in the middle|average|so-so", 5, 1),
    (r"bad|painful|strong|hurts a lot", 6, 1),
    (r"manageable|tolerable|bearable|okay|ok|not great", 4, -1),
    (r"uncomfortable|annoying|nagging|achy|sore|aches?", 3, 1),
    (r"mild|slight|minor|a little|a bit|not much|barely|little", 2, -1),
]
_STRONGER = r"really|very|so|super|extremely|incredibly|seriously|insanely|crazy|hella|real"
_SOMEWHAT_STRONGER = r"pretty|quite|fairly|rather"
_WEAKER = r"kinda|kind of|sort of|somewhat|a bit|a little|slightly|mildly"
_NEGATED = r"not (?:too|that|so|very|super|really)?\s*"
_STEP = ((_STRONGER, 2), (_SOMEWHAT_STRONGER, 1), (_WEAKER, -1))


def parse_severity(text: str) -> Parsed[int]:
    """Pain 0..10: "6/10" -> 6, "pretty bad" -> 7, "mild" -> 2, "unbearable" -> 10."""
    answer = normalise(text)
    if is_unknown(answer):
        return _UNKNOWN
    for found in _SCORE_RE.finditer(answer):
        if _NOT_SEVERITY.match(answer[found.end() :]) and not found.group("scale"):
            continue
        return _score(found)
    return _severity_from_words(answer)


def _score(found: "re.Match[str]") -> Parsed[int]:
    values = [parse_number(found.group(n)) for n in ("n1", "n2") if found.group(n)]
    if any(v is None for v in values):
        return _UNCLEAR
    scale = {"ten": 10.0, "five": 5.0}.get(found.group("scale") or "", float(found.group("scale") or 10))
    if scale == 10 and max(values) > 11:
        return _UNCLEAR  # "15" is not a 0..10 score
    # The more cautious (higher) reading: "7.5" -> 8, "7 or 8" -> 8.
    value = math.ceil(sum(values) / len(values) * 10 / scale - 1e-9)
    return _ok(max(0, min(10, value)))


def _severity_from_words(answer: str) -> Parsed[int]:
    modifiers = "|".join(pattern for pattern, _ in _STEP)
    for words, base, polarity in _SEVERITY_WORDS:
        found = re.search(rf"(?P<neg>\b{_NEGATED})?(?:\b(?P<mod>{modifiers})\s+)?\b(?:{words})\b", answer)
        if not found:
            continue
        if found.group("neg"):
            return _ok(4) if base > 5 else _UNCLEAR
        return _ok(_modified(base, polarity, found.group("mod")))
    return _UNCLEAR


def _modified(base: int, polarity: int, modifier: Optional[str]) -> int:
    """Intensifiers strengthen the word's meaning, softeners weaken it; 1..10 stays 1..10."""
    if not modifier or base in (0, 10):
        return base
    step = next(step for pattern, step in _STEP if re.fullmatch(pattern, modifier))
    return max(1, min(10, base + polarity * step))


# ---------------------------------------------------------------- location and side
def _entity_values(answer: str, entity: str) -> List[str]:
    return [e["value"] for e in extract_entities(answer) if e["entity"] == entity]


def parse_location(text: str) -> Parsed[str]:
    """Where it hurts: lower_back, knee, both (back and knee) or other."""
    answer = normalise(text)
    if is_unknown(answer):
        return _UNKNOWN
    canonical = answer.replace(" ", "_")
    if canonical in ("lower_back", "knee", "both", "other"):
        return _ok(canonical)
    if re.fullmatch(r"(?:both|both of (?:them|those|these|em)|all of (?:them|those)|the two of them|each)(?: really)?", answer):
        return _ok("both")
    if re.search(r"\b(?:something|somewhere) else\b|\belsewhere\b|\bneither\b|^other\b|\bnone of (?:those|them|these)\b", answer):
        return _ok("other")
    parts = set(_entity_values(answer, "body_part"))
    if "both" in parts or {"lower_back", "knee"} <= parts:
        return _ok("both")
    for part in ("lower_back", "knee"):
        if part in parts:
            return _ok(part)
    return _ok("other") if parts else _UNCLEAR


def parse_side(text: str) -> Parsed[str]:
    """Which side: left, right or both ("my left one" -> left, "both knees" -> both)."""
    answer = normalise(text)
    if is_unknown(answer):
        return _UNKNOWN
    if answer in ("left", "right", "both", "l", "r"):
        return _ok({"l": "left", "r": "right"}.get(answer, answer))
    sides = set(_entity_values(answer, "side"))
    if "both" in sides or {"left", "right"} <= sides:
        return _ok("both")
    if len(sides) == 1:
        return _ok(sides.pop())
    if re.search(r"\b(?:middle|center|centre|central|across|all over|whole|everywhere|equally)\b", answer):
        return _ok("both")
    return _UNCLEAR


# ---------------------------------------------------------------- insoles, age
_NO_HELP = (
    r"\b(?:did ?n[o']?t|did not|does ?n[o']?t|do ?n[o']?t|does not|never) (?:really |much |actually )?(?:help(?:ed|s)?|work(?:ed|s)?|do (?:anything|much|a thing))\b|"
    r"\bno (?:help|difference|change|luck|real difference)\b|\bnot (?:really )?(?:helpful|much help|help(?:ing)?)\b|"
    r"\bdid nothing\b|\buseless\b|\bwaste\b|\bworse\b|\bnot much\b|\bno good\b"
)
_HELPED = (
    r"\b(?:helped|helps|helping|helpful|better|worked|works|improved|relief|great|good|a bit|a little|somewhat)\b|"
    r"\b(?:they|it|which|that) (?:do |did |really |kinda |sort of )?help\b"
)
_NONE = (
    r"^(?:no+|nope|nah|never|not yet|not really|none|nothing)\b|\bhave ?n[o']?t\b|\bhave not\b|"
    r"\bnever (?:tried|used|had|worn)\b|\bdon'?t (?:use|wear|have)\b|\bno (?:insoles|orthotics|inserts)\b"
)


def parse_insoles(text: str) -> Parsed[str]:
    """Insoles or orthotics tried: none, helped or no_help."""
    answer = normalise(text)
    if is_unknown(answer):
        return _UNKNOWN
    if answer in ("none", "helped", "no_help"):
        return _ok(answer)
    for pattern, value in ((_NO_HELP, "no_help"), (_HELPED, "helped"), (_NONE, "none")):
        if re.search(pattern, answer):
            return _ok(value)
    return _UNCLEAR


_DECADE_RE = re.compile(r"\b(?P<where>early|mid|late)[- ]?(?:(?P<digits>[1-9]0)'?s|(?P<words>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))\b")
_DECADE_WORDS = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
                 "seventies": 70, "eighties": 80, "nineties": 90}
_DECADE_OFFSET = {"early": 2, "mid": 5, "late": 8}


def parse_age(text: str, today: Optional[date] = None) -> Parsed[int]:
    """Age in whole years, 1..120: "I'm 45", "forty-five", "born in 1980", "mid 40s"."""
    answer = normalise(text)
    if is_unknown(answer):
        return _UNKNOWN
    born = re.search(r"\bborn (?:in )?((?:19|20)\d\d)\b", answer)
    if born:
        return _age_in_range((today or date.today()).year - int(born.group(1)))
    decade = _DECADE_RE.search(answer)
    if decade:
        base = int(decade.group("digits")) if decade.group("digits") else _DECADE_WORDS[decade.group("words")]
        return _age_in_range(base + _DECADE_OFFSET[decade.group("where")])
    if re.search(r"\b(?:in (?:my|his|her) )?[1-9]0'?s\b|\b(?:twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b", answer):
        return _UNCLEAR
    found = re.search(rf"\b{EXACT_NUMBER_PATTERN}(?=\b|yo|y/o|yrs)", answer)
    number = parse_number(found.group(0)) if found else None
    return _UNCLEAR if number is None else _age_in_range(int(number))


def _age_in_range(age: int) -> Parsed[int]:
    return _ok(age) if 1 <= age <= 120 else _UNCLEAR

