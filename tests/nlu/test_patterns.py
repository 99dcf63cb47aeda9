"""The compact pattern notation compiles to working spaCy Matcher patterns."""
import pytest

from bot.nlu.patterns import PatternError, PatternMatcher, compile_patterns, expand_macros
from bot.nlu.pipeline import blank_english

SETS = {"side": ["left", "right"], "numb": "/numb(ness)?/"}
MACROS = {"cant": ["ca n't", "unable to"]}


def spans(patterns, text, exclude=(), label="x"):
    nlp = blank_english()
    compiled = compile_patterns(label, "v", patterns, SETS, MACROS)
    vetoes = compile_patterns(label, None, exclude, SETS, MACROS)
    doc = nlp.make_doc(text)
    return [doc[m.start : m.end].text for m in PatternMatcher(nlp.vocab, compiled, vetoes).best_matches(doc)]


def test_macros_and_groups_expand_to_every_alternative():
    assert expand_macros("$cant walk", MACROS) == ["ca n't walk", "unable to walk"]
    assert expand_macros("(a b, c) d", MACROS) == ["a b d", "c d"]
    assert expand_macros("x (y)? z", MACROS) == ["x y z", "x z"]


def test_groups_inside_a_macro_alternative_expand_too():
    assert expand_macros("$m x", {"m": ["(a, b c) d", "e"]}) == ["a d x", "b c d x", "e x"]


def test_one_word_alternatives_of_a_group_become_one_token():
    """Same matches, far fewer Matcher patterns (the Spanish verb lists are long)."""
    assert expand_macros("(a, b c, d)? x", {}) == ["a|d x", "b c x", "x"]


def test_words_sets_regex_and_gaps_match():
    assert spans(["@side knee"], "my left knee") == ["left knee"]
    assert spans(["@numb _{0,2} groin"], "numbness in my groin") == ["numbness in my groin"]
    assert spans(["$cant walk"], "i can't walk and i am unable to walk") == ["can't walk", "unable to walk"]


def test_gap_does_not_cross_a_clause_break():
    assert spans(["numb _{0,3} groin"], "numb toes. my groin hurts") == []
    assert spans(["numb _{0,3} groin"], "numb toes but my groin") == []


def test_brackets_report_only_the_core_span():
    assert spans(["my [@side] one"], "it's my left one") == ["left"]


def test_anchors_require_the_whole_text():
    assert spans(["START [left] END"], "left.") == ["left"]
    assert spans(["START [left] END"], "i left work") == []


def test_exclusions_veto_overlapping_hits():
    assert spans(["fever"], "hay fever again", exclude=["hay fever"]) == []
    assert spans(["fever"], "a fever, not hay fever", exclude=["hay fever"]) == ["fever"]


@pytest.mark.parametrize(
    "pattern, message",
    [("@nowhere", "unknown set"), ("$nothing", "unknown macro"), ("a|@side", "cannot be mixed"), ("x]", "unbalanced"), ("[x", "unbalanced")],
)
def test_bad_patterns_fail_loudly_naming_the_pattern(pattern, message):
    with pytest.raises(PatternError, match=message):
        compile_patterns("x", None, [pattern], SETS, MACROS)
