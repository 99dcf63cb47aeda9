"""A typed reply to a checklist ("1 and 3", "none", "bladder and numbness") as yes/no per item.

Why: plain-text channels show a checklist as numbered lines; the patient answers in
words. Several checklists are the safety screen, so the reader never guesses:
- "maybe the second", "not sure", "I don't know" is `unsure` (each item is then asked
  on its own); an item both ticked and denied is unsure too;
- "yes" alone, or text that names no item, is not `understood` (the bot asks which);
- items named with certainty are `yes`, and then every other item is `no`, exactly as
  when the patient ticks them on screen; an explicitly denied item is `no`;
- a number outside the list ("5" of 3 items) makes the whole reply not understood.
Items are referred to by number ("2", "#2", "number two", "the second", "the last
one"), by range ("1-3"), or by words of their label and common synonyms (`SYNONYMS`);
a word that fits several shown items names none of them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from bot.nlu.numbers import UNITS
from bot.nlu.parsers import is_unknown, normalise


@dataclass(frozen=True)
class ChecklistReading:
    """What a reply says about the shown items (answer keys)."""

    yes: FrozenSet[str]
    no: FrozenSet[str]
    none: bool
    """The patient said none of the items apply (then `no` holds every item)."""
    unsure: bool
    understood: bool


# Words patients use for an item besides those of its label (answer key -> phrases).
SYNONYMS: Mapping[str, Tuple[str, ...]] = {
    "rf_bladder_bowel": ("pee", "peeing", "urine", "urinate", "urinating", "wee", "bladder", "bowel",
                         "bowels", "poo", "poop", "incontinence", "incontinent", "toilet", "wet myself"),
    "rf_saddle_numbness": ("numb", "numbness", "groin", "genitals", "crotch", "saddle", "inner thighs"),
    "rf_sexual_dysfunction": ("sex", "sexual", "erection", "erections"),
    "rf_leg_weakness": ("weak", "weakness", "foot drop", "dragging", "drags"),
    "rf_calf_swelling": ("breathless", "breathlessness", "short of breath", "swollen calf"),
    "rf_cold_foot": ("cold", "pale", "blue"),
    "rf_chest_or_tearing_pain": ("chest", "tearing"),
    "rf_serious_trauma": ("accident", "crash", "car crash", "fall from a height"),
    "rf_trauma": ("injury", "injured", "fell", "twisted", "blow"),
    "rf_cannot_bear_weight": ("weight", "bear weight", "four steps", "can't walk"),
    "rf_fever": ("fever", "chills", "temperature", "feverish", "unwell"),
    "rf_hot_swollen_knee": ("hot knee", "swollen knee", "red knee"),
    "rf_diabetic_hot_foot": ("diabetes", "diabetic"),
    "rf_foot_wound": ("wound", "ulcer", "blister", "open sore"),
    "rf_night_pain": ("night", "at rest"),
    "rf_calf_tender": ("tender", "calf"),
    "rf_knee_locked": ("locks", "locked", "locking", "straighten"),
    "rf_both_legs_pain": ("both legs",),
    "rf_cancer_history": ("cancer", "weight loss", "tumour", "tumor"),
    "steroids_or_osteoporosis": ("steroids", "steroid", "osteoporosis", "thin bones", "prednisone"),
    "immune_or_injecting": ("immune", "chemo", "chemotherapy", "transplant", "injecting"),
    "sciatica": ("sciatica", "shoots", "shooting"),
    "one_leg_numbness": ("tingling", "numbness", "pins and needles"),
    "sitting_relieves": ("sitting", "bend forward"),
    "calf_pain_walking": ("calf pain",),
    "inflammatory_stiffness": ("stiffness", "stiff", "morning"),
    "pregnant_or_postpartum": ("pregnant", "pregnancy", "birth", "baby"),
    "flat_feet": ("flat", "flat feet", "low arches"),
    "high_arches": ("high arches",),
    "heel_arch_pain": ("heel", "heels"),
    "worse_footwear": ("shoes", "sneakers", "footwear"),
    "on_feet_job": ("on my feet", "standing"),
    "front_knee_pain": ("kneecap",),
}
_STOPWORDS = frozenset(
    "a an and any are as at be been by can do does for from getting had has have in into is it its "
    "like more most not of on one or other own such than that the them then there these they this "
    "those to under very was what when which while with you your you're yourself isn't can't "
    "doesn't don't new last days day pain leg legs foot feet since began suddenly sudden well "
    "together generally gets problems".split()
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5,
             "6th": 6, "7th": 7, "8th": 8, "9th": 9, "10th": 10}
_WORD_NUMBERS = {word: value for word, value in UNITS.items() if 1 <= value <= 12}
_NUMBER = rf"\d+|{'|'.join(_WORD_NUMBERS)}|{'|'.join(_ORDINALS)}"
_NOT_AN_ITEM = r"\s*(?:days?|weeks?|months?|years?|yrs?|hours?|times|am|pm|kg|lbs?|pounds|%|/|out of|steps|mins?)\b"
_REF_RE = re.compile(
    rf"(?:#|\bno\.\s*|\bnumber\s+|\bitem\s+|\boption\s+)?\b(?P<a>{_NUMBER})\b"
    rf"(?:\s*(?:-|to|through|thru)\s*(?P<b>{_NUMBER})\b)?(?!{_NOT_AN_ITEM})"
)
# "the second one", "that one": "one" is a pronoun there, not item 1.
_PRONOUN_ONE_RE = re.compile(rf"\b({'|'.join(_ORDINALS)}|last|that|this|other|each|every|any|no|not|which)\s+ones?\b")
_LAST_RE = re.compile(r"\bthe last(?: one)?\b|\blast one\b")
_NONE_WORDS = (
    r"no+|nope|nah|none|nothing|neither|no one|not one|zero|nada|n/a|negative|"
    r"none of (?:these|them|those|the above|that|it)|nothing like that|nothing of (?:the sort|that sort)|"
    r"no to (?:all|everything|all of them|each)|not any(?: of (?:them|these|those))?|all no|none apply|"
    r"none of these apply|none of them apply|no none|i (?:do ?n[o']?t|don'?t) have any(?: of (?:these|them|those))?|"
    r"(?:i have |there(?:'s| is) )?none of (?:these|them|those)|no,? none|no,? nothing|nothing at all|no never|"
    r"none whatsoever|nothing applies|not really|no(?:,)? none of (?:these|them|those)"
)
_NONE_RE = re.compile(rf"^(?:{_NONE_WORDS})(?:[\s,!.]+(?:thanks|thank you|thx|ty|sorry))?$")
_ALL_RE = re.compile(
    r"^(?:all|all of (?:them|these|those|the above|it)|every one|everything|each one|yes to all|"
    r"all apply|all of them apply|all of these apply|yes all|yes,? all of them|the lot)$"
)
_EXCEPT = r"(?:except(?: for)?|apart from|other than|besides|but not|but|save)"
_ALL_EXCEPT_RE = re.compile(rf"^(?:all|all of them|everything|yes to all)(?: of them)?,?\s+{_EXCEPT}\s+(?P<rest>.+)$")
_NONE_EXCEPT_RE = re.compile(rf"^(?:none|nothing|no|nope)(?: of them| of these)?,?\s+(?:{_EXCEPT}|just|only)\s+(?P<rest>.+)$")
_HEDGE_RE = re.compile(
    r"\b(?:maybe|possibly|perhaps|might|probably|not (?:really )?sure|unsure|not certain|i think|i guess|"
    r"kind of|kinda|sort of|could be|dunno|idk|do ?n[o']?t know|no idea|hard to say|not always|sometimes)\b"
)
_NEGATION_RE = re.compile(r"\b(?:no|not|nor|never|without|neither|none)\b|n'?t\b")
_AFFIRM_RE = re.compile(r"^(?:yes+|yeah|yep|yup|ya|yea|sure|some|some of them|a few|a couple|few|ok|okay)\b[\s,]*")
_SPLIT_RE = re.compile(r"\s*(?:[,;/+&]|\band\b|\bbut\b|\bor\b|\bnor\b|\bplus\b|\balso\b)\s*")
_INHERIT = ("or", "nor")
_WORD_RE = re.compile(r"[a-z']+")


def read_checklist(text: str, items: Sequence[Tuple[str, str]]) -> ChecklistReading:
    """Read a reply to the checklist `items` ((answer key, label), numbered 1..n on screen)."""
    keys = [key for key, _ in items]
    answer = normalise(text)
    if _NONE_RE.match(answer):
        return _reading(no=keys, none=True)
    if _ALL_RE.match(answer):
        return _reading(yes=keys)
    terms = _terms(items)
    for pattern, named_are_yes in ((_ALL_EXCEPT_RE, False), (_NONE_EXCEPT_RE, True)):
        found = pattern.match(answer)
        if found:
            named = _references(found.group("rest"), keys, terms)
            if named is None or not named:
                return _reading(understood=False)
            yes = named if named_are_yes else set(keys) - named
            return _reading(yes=yes, no=set(keys) - yes)
    return _read_parts(answer, keys, terms)


def _read_parts(answer: str, keys: List[str], terms: Mapping[str, Set[str]]) -> ChecklistReading:
    """Split the reply into parts and give each part's items its polarity."""
    yes: Set[str] = set()
    no: Set[str] = set()
    unsure_items: Set[str] = set()
    hedged = False
    polarity = ""
    if _has_reference(answer, keys, terms):
        answer = _AFFIRM_RE.sub("", answer, count=1)
    parts, joiners = _SPLIT_RE.split(answer), _SPLIT_RE.findall(answer)
    for index, part in enumerate(parts):
        if not part:
            continue
        named = _references(part, keys, terms)
        if named is None:
            return _reading(understood=False)
        own = "unsure" if _HEDGE_RE.search(part) else "no" if _NEGATION_RE.search(part) else ""
        inherits = index > 0 and index - 1 < len(joiners) and joiners[index - 1].strip() in _INHERIT
        polarity = own or (polarity if inherits else "yes")
        hedged = hedged or own == "unsure"
        {"yes": yes, "no": no, "unsure": unsure_items}[polarity].update(named)
    conflicting = yes & no
    unsure_items |= conflicting
    yes, no = yes - unsure_items, no - unsure_items
    unsure = hedged or bool(unsure_items) or is_unknown(answer)
    if not (yes or no or unsure):
        return _reading(understood=False)
    if yes and not unsure:
        no = set(keys) - yes
    return _reading(yes=yes, no=no, unsure=unsure)


def _reading(yes: Iterable[str] = (), no: Iterable[str] = (), none: bool = False,
             unsure: bool = False, understood: bool = True) -> ChecklistReading:
    return ChecklistReading(frozenset(yes), frozenset(no), none, unsure, understood)


def _has_reference(answer: str, keys: List[str], terms: Mapping[str, Set[str]]) -> bool:
    """True when the reply names at least one item (so a leading "yes," is only filler)."""
    return bool(_references(answer, keys, terms))


def _references(part: str, keys: List[str], terms: Mapping[str, Set[str]]) -> Optional[Set[str]]:
    """The items a part names; None when it names a number outside the list."""
    named: Set[str] = set()
    part = _PRONOUN_ONE_RE.sub(r"\1", part)
    for found in _REF_RE.finditer(part):
        first, last = _number(found.group("a")), _number(found.group("b") or found.group("a"))
        if not (1 <= first <= last <= len(keys)):
            return None
        named.update(keys[first - 1 : last])
    if _LAST_RE.search(part):
        named.add(keys[-1])
    words = " " + " ".join(_WORD_RE.findall(part)) + " "
    for key, phrases in terms.items():
        if any(f" {phrase} " in words for phrase in phrases):
            named.add(key)
    return named


def _number(word: str) -> int:
    if word.isdigit():
        return int(word)
    return _ORDINALS.get(word) or _WORD_NUMBERS[word]


def _terms(items: Sequence[Tuple[str, str]]) -> Dict[str, Set[str]]:
    """Words and synonyms that name each item; those that fit several items are dropped."""
    candidates: Dict[str, Set[str]] = {}
    for key, label in items:
        words = {word for word in _WORD_RE.findall(label.lower()) if word not in _STOPWORDS and len(word) > 2}
        words |= {word[:-1] for word in words if word.endswith("s") and len(word) > 4}
        candidates[key] = words | set(SYNONYMS.get(key, ()))
    counts: Dict[str, int] = {}
    for phrases in candidates.values():
        for phrase in phrases:
            counts[phrase] = counts.get(phrase, 0) + 1
    return {key: {p for p in phrases if counts[p] == 1} for key, phrases in candidates.items()}
