"""Rules the red-flag detector must keep for every input (Hypothesis)."""
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.nlu.redflags import denied_red_flags, detect_red_flags, positive_red_flags

DATA = Path(__file__).parent / "data" / "redflag_sentences.yml"
TEXTS = [row["text"] for row in yaml.safe_load(DATA.read_text(encoding="utf-8"))["sentences"]]

# Single phrases that name one flag and read naturally after "no " or "my mum has ".
PHRASES = [
    ("rf_fever", "a fever"),
    ("rf_fever", "chills"),
    ("rf_saddle_numbness", "numbness in the groin"),
    ("rf_bladder_bowel", "bladder problems"),
    ("rf_sexual_dysfunction", "erection problems"),
    ("rf_leg_weakness", "weakness in both legs"),
    ("rf_calf_tender", "a swollen calf"),
    ("rf_chest_or_tearing_pain", "chest pain"),
    ("rf_foot_wound", "an ulcer on the foot"),
    ("rf_cancer_history", "cancer"),
    ("rf_both_legs_pain", "pain down both legs"),
    ("rf_night_pain", "severe night pain"),
    ("rf_trauma", "an injury"),
]
NEGATIONS = ["no ", "i have no ", "there is no ", "i don't have ", "i dont have any ", "never had ", "without "]
OTHERS = ["my friend said she has ", "my mum has ", "my husband had ", "my dad gets ", "my sister said she had "]


def _flip(text: str, upper: list) -> str:
    """Upper-case the characters marked in `upper` (only where that keeps the length)."""
    marks = list(upper) + [False] * len(text)
    return "".join(c.upper() if up and len(c.upper()) == 1 else c for c, up in zip(text, marks))


def _recase(text_strategy):
    return text_strategy.flatmap(
        lambda text: st.lists(st.booleans(), min_size=len(text), max_size=len(text)).map(
            lambda upper: (text, _flip(text, upper))
        )
    )


@pytest.mark.parametrize("flag, phrase", PHRASES)
def test_each_phrase_alone_reports_its_flag(flag, phrase):
    """The properties below mean something only if the bare phrases fire."""
    assert flag in positive_red_flags(phrase) and flag in positive_red_flags("i have " + phrase)


@given(_recase(st.sampled_from(TEXTS)))
def test_case_never_changes_the_result(pair):
    original, recased = pair
    assert positive_red_flags(recased) == positive_red_flags(original)
    assert denied_red_flags(recased) == denied_red_flags(original)


@given(st.sampled_from(PHRASES), st.sampled_from(NEGATIONS), st.lists(st.booleans(), max_size=60))
def test_a_negated_phrase_never_reports_its_flag_and_is_a_denial(item, negation, upper):
    flag, phrase = item
    text = _flip(negation + phrase, upper)
    assert flag not in positive_red_flags(text)
    assert flag in denied_red_flags(text)


@given(st.sampled_from(PHRASES), st.sampled_from(OTHERS), st.lists(st.booleans(), max_size=60))
def test_someone_elses_symptom_is_never_the_patients(item, framing, upper):
    flag, phrase = item
    text = _flip(framing + phrase, upper)
    assert flag not in positive_red_flags(text) and flag not in denied_red_flags(text)


@given(st.text(max_size=200) | st.lists(st.sampled_from(TEXTS), max_size=3).map(" ".join))
def test_any_text_gives_consistent_mentions(text):
    mentions = detect_red_flags(text)
    assert all(text[m.start : m.end] == m.text for m in mentions)
    assert not positive_red_flags(text) & denied_red_flags(text)
