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


# The words that name each item: the distinctive words of its label and the common
# words patients use for it. Generic label words ("trouble", "around", "worse") are left
# out on purpose: "it's worse when I walk" must not tick the footwear item. An item not
# listed here (a label added to the model later) is named by its label's longer words.
SYNONYMS: Mapping[str, Tuple[str, ...]] = {
    "rf_bladder_bowel": ("bladder", "bowel", "bowels", "urine", "pee", "peeing", "urinate", "urinating", "wee",
                         "poo", "poop", "incontinence", "incontinent", "toilet", "wet myself"),
    "rf_saddle_numbness": ("numb", "numbness", "groin", "genitals", "crotch", "saddle", "bottom", "inner thighs"),
    "rf_sexual_dysfunction": ("sexual", "sex", "erection", "erections", "genitals"),
    "rf_leg_weakness": ("weak", "weakness", "weaker", "foot drop", "drops", "drags", "dragging"),
    "rf_calf_swelling": ("swollen calf", "breathless", "breathlessness", "short of breath", "chest pain"),
    "rf_cold_foot": ("cold", "pale", "blue", "cold foot"),
    "rf_chest_or_tearing_pain": ("chest", "chest pain", "tearing", "belly"),
    "rf_serious_trauma": ("accident", "crash", "car crash", "fall from a height", "height"),
    "rf_trauma": ("injury", "injured", "fall", "fell", "twist", "twisted", "blow"),
    "rf_cannot_bear_weight": ("weight", "put weight", "bear weight", "four steps", "can't walk"),
    "rf_fever": ("fever", "chills", "temperature", "feverish", "unwell"),
    "rf_hot_swollen_knee": ("hot knee", "swollen knee", "red knee", "knee is hot", "knee is swollen"),
    "rf_diabetic_hot_foot": ("diabetes", "diabetic"),
    "rf_foot_wound": ("wound", "ulcer", "blister", "open sore", "black", "not healing", "isn't healing"),
    "rf_night_pain": ("night", "at rest", "no position"),
    "rf_calf_tender": ("calf", "tender", "calves"),
    "rf_knee_locked": ("locks", "locked", "locking", "lock", "straighten"),
    "rf_both_legs_pain": ("both legs", "down both"),
    "rf_cancer_history": ("cancer", "weight loss", "tumour", "tumor", "losing weight", "lost weight"),
    "steroids_or_osteoporosis": ("steroids", "steroid", "osteoporosis", "thin bones", "prednisone"),
    "immune_or_injecting": ("immune", "chemo", "chemotherapy", "transplant", "injecting", "inject", "drugs"),
    "sciatica": ("sciatica", "shoots", "shooting", "below the knee"),
    "one_leg_numbness": ("tingling", "tingly", "numbness", "numb", "pins and needles"),
    "sitting_relieves": ("sitting", "sit down", "bend forward"),
    "calf_pain_walking": ("calf", "calf pain"),
    "inflammatory_stiffness": ("stiffness", "stiff", "morning stiffness"),
    "pregnant_or_postpartum": ("pregnant", "pregnancy", "birth", "gave birth", "baby"),
    "flat_feet": ("flat", "flat feet", "low arches", "roll inward", "roll in"),
    "high_arches": ("high arches", "roll outward", "roll out"),
    "heel_arch_pain": ("heel", "heels", "arch pain"),
    "worse_footwear": ("shoes", "sneakers", "footwear", "trainers"),
    "on_feet_job": ("on my feet", "standing", "job"),
    "front_knee_pain": ("kneecap", "knee cap"),
}
_STOPWORDS = frozenset(
    "about above after again along also always around because been before being below both but can't cannot "
    "could does doesn't down during each either from getting have into isn't just last like more most only "
    "other over should since some such than that their them then there these they this those through "
    "trouble under until very were what when where which while will with without would your yourself "
    "days pain feel feeling generally suddenly sudden worse better problems".split()
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5,
             "6th": 6, "7th": 7, "8th": 8, "9th": 9, "10th": 10}
_WORD_NUMBERS = {word: value for word, value in UNITS.items() if 1 <= value <= 12}
_NUMBER = rf"\d+|{'|'.join(_WORD_NUMBERS)}|{'|'.join(_ORDINALS)}"
_NOT_AN_ITEM = r"\s*(?:days?|weeks?|months?|years?|yrs?|hours?|times|am|pm|kg|lbs?|pounds|%|/|out of|steps|mins?|minutes?|seconds?|secs?)\b"
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
    r"(?:i have |there(?:'s| is) )?none of (?:these|them|those)|(?:no|nope|nah),? (?:none|nothing)|nothing at all|no never|"
    r"none whatsoever|nothing applies|no(?:,)? none of (?:these|them|those)"
)
_NONE_RE = re.compile(rf"^(?:{_NONE_WORDS})(?:[\s,!.]+(?:thanks|thank you|thx|ty|sorry|thankfully|luckily|fortunately))?$")
# "nothing like that, just the knee pain": none, with a remark that names no item.
_NONE_REMARK_RE = re.compile(rf"^(?:{_NONE_WORDS})(?:\s*[,;.!:-]\s*|\s+(?=just\b|only\b|it'?s\b))(?P<rest>.+)$")
_ALL_RE = re.compile(
    r"^(?:all|all of (?:them|these|those|the above|it)|every one|everything|each one|yes to all|"
    r"all apply|all of them apply|all of these apply|yes all|yes,? all of them|the lot)$"
)
_EXCEPT = r"(?:except(?: for)?|apart from|other than|besides|but not|but|save)"
_ALL_EXCEPT_RE = re.compile(rf"^(?:all|all of them|everything|yes to all)(?: of them)?,?\s+{_EXCEPT}\s+(?P<rest>.+)$")
_NONE_EXCEPT_RE = re.compile(rf"^(?:none|nothing|no|nope)(?: of them| of these)?,?\s+(?:{_EXCEPT}|just|only)\s+(?P<rest>.+)$")
_HEDGE_RE = re.compile(
    r"\b(?:maybe|possibly|perhaps|might|probably|not (?:really )?sure|unsure|not certain|i think|i guess|"
    r"kind of|kinda|sort of|could be|dunno|idk|do ?n[o']?t know|no idea|hard to say|not always|sometimes|"
    r"not really)\b"
)
_TRAILING_NONE_RE = re.compile(
    r"(?:^|[.…!;,]\s*|\s)(?:so |but |and )?(?:none of (?:these|those|them|the above)|nothing like that|no to all)"
    r"(?:\s+(?:really|at all|thankfully|luckily|thanks|apply))?$")
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
            named = _references(found.group("rest"), keys, terms)[0]
            if not named:
                return _reading(understood=False)
            yes = named if named_are_yes else set(keys) - named
            return _reading(yes=yes, no=set(keys) - yes)
    remark = _NONE_REMARK_RE.match(answer)
    if remark and not _HEDGE_RE.search(remark.group("rest")):
        named, rest = _references(remark.group("rest"), keys, terms)
        if rest is not None and not named:
            return _reading(no=keys, none=True)
    negative = {key for key, label in items if _NEGATION_RE.search(label.lower())}
    trailing = _TRAILING_NONE_RE.search(answer)
    if trailing and trailing.start() > 0 and not _read_parts(answer[:trailing.start()], keys, terms, negative).yes:
        # "Well, it was lifting boxes, but no fall or anything... None of those really"
        return _reading(no=keys, none=True)
    return _read_parts(answer, keys, terms, negative)


def _read_parts(answer: str, keys: List[str], terms: Mapping[str, Set[str]], negative: Set[str]) -> ChecklistReading:
    """Split the reply into parts and give each part's items its polarity.

    A denial of an item whose label is itself negative ("You can't put weight on the
    leg") is unsure: "I can't put weight on it" is a yes, not a no.
    """
    yes: Set[str] = set()
    no: Set[str] = set()
    unsure_items: Set[str] = set()
    hedged = False
    polarity = ""
    if _references(answer, keys, terms)[0]:
        answer = _AFFIRM_RE.sub("", answer, count=1)  # "yes, 2": the "yes" is filler
    parts, joiners = _SPLIT_RE.split(answer), _SPLIT_RE.findall(answer)
    for index, part in enumerate(parts):
        if not part:
            continue
        named, rest = _references(part, keys, terms)
        if rest is None:
            return _reading(understood=False)
        own = "unsure" if _HEDGE_RE.search(rest) else "no" if _NEGATION_RE.search(rest) else ""
        inherits = index > 0 and index - 1 < len(joiners) and joiners[index - 1].strip() in _INHERIT
        polarity = own or (polarity if inherits else "yes")
        hedged = hedged or own == "unsure"
        if polarity == "no":
            unsure_items.update(named & negative)
            named = named - negative
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


def _references(part: str, keys: List[str], terms: Mapping[str, Set[str]]) -> Tuple[Set[str], Optional[str]]:
    """The items a part names, and the part without the item words ("not healing" is a name).

    The text is None when the part names a number outside the list.
    """
    named: Set[str] = set()
    part = _PRONOUN_ONE_RE.sub(r"\1", part)
    for found in _REF_RE.finditer(part):
        first, last = _number(found.group("a")), _number(found.group("b") or found.group("a"))
        if not (1 <= first <= last <= len(keys)):
            return set(), None
        named.update(keys[first - 1 : last])
    if _LAST_RE.search(part):
        named.add(keys[-1])
    words = " " + " ".join(_WORD_RE.findall(part)) + " "
    for key, phrases in terms.items():
        for phrase in sorted(phrases, key=len, reverse=True):
            if f" {phrase} " in words:
                named.add(key)
                words = words.replace(f" {phrase} ", " ")
    return named, words


def _number(word: str) -> int:
    if word.isdigit():
        return int(word)
    return _ORDINALS.get(word) or _WORD_NUMBERS[word]


def _terms(items: Sequence[Tuple[str, str]]) -> Dict[str, Set[str]]:
    """Words that name each item; a word that fits several shown items names none of them."""
    candidates: Dict[str, Set[str]] = {}
    for key, label in items:
        if key in SYNONYMS:
            candidates[key] = set(SYNONYMS[key])
        else:
            candidates[key] = {w for w in _WORD_RE.findall(label.lower()) if w not in _STOPWORDS and len(w) > 3}
    counts: Dict[str, int] = {}
    for phrases in candidates.values():
        for phrase in phrases:
            counts[phrase] = counts.get(phrase, 0) + 1
    return {key: {p for p in phrases if counts[p] == 1} for key, phrases in candidates.items()}
