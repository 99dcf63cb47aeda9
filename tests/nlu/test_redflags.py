"""The red-flag detector: the phrases it must catch and the contexts that cancel them."""
import copy

import pytest
import yaml

from bot.nlu.redflags import (
    PATTERN_FILE,
    RED_FLAG_IDS,
    RedFlagDetector,
    detect_red_flags,
    positive_red_flags,
)
from bot.nlu.pipeline import blank_english
from bot.triage.model import MODEL


def test_flag_ids_are_the_triage_engines():
    assert set(RED_FLAG_IDS) <= {key for key in MODEL.keys if key.startswith("rf_")}


@pytest.mark.parametrize(
    "text, flags",
    [
        ("my back hurts and I can't feel my inner thighs", {"rf_saddle_numbness"}),
        ("I've been peeing myself since the back pain started", {"rf_bladder_bowel"}),
        ("fell off my bike and now I can't walk on it", {"rf_trauma", "rf_cannot_bear_weight"}),
        ("my knee is hot red and swollen and I have a fever", {"rf_hot_swollen_knee", "rf_fever"}),
        ("numbnes in my groin", {"rf_saddle_numbness"}),
        ("cant feel my crotch and my back is killing me", {"rf_saddle_numbness"}),
        ("i had breast cancer 10 years ago", {"rf_cancer_history"}),
        ("I'm diabetic and my foot is red and swollen", {"rf_diabetic_hot_foot"}),
    ],
)
def test_reported_red_flags_fire(text, flags):
    assert positive_red_flags(text) == flags


@pytest.mark.parametrize(
    "text",
    [
        "no numbness",
        "I don't have a fever",
        "never had cancer",
        "my back hurts when I walk",
        "no fever, chills or night sweats",
        "the numbness in my leg went away",
        "my knee isn't hot or swollen",
    ],
)
def test_negated_or_benign_text_does_not_fire(text):
    assert positive_red_flags(text) == set()


def test_mentions_carry_flag_span_and_negation():
    text = "I don't have a fever but I can't feel my inner thighs"
    mentions = detect_red_flags(text)
    assert [(m.flag, m.negated, m.positive) for m in mentions] == [
        ("rf_fever", True, False),
        ("rf_saddle_numbness", False, True),
    ]
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text
    assert mentions[1].text == "can't feel my inner thighs"


@pytest.mark.parametrize(
    "text, qualifier",
    [
        ("what if i get a fever", "hypothetical"),
        ("is numbness in the groin a bad sign?", "hypothetical"),
        ("I had a fever last year", "historical"),
        ("my mom had breast cancer", "other_person"),
        ("cancer runs in my family", "other_person"),
    ],
)
def test_context_qualifies_a_mention_without_negating_it(text, qualifier):
    [mention] = detect_red_flags(text)
    assert (mention.negated, mention.qualifier, mention.positive) == (False, qualifier, False)


def test_negation_scope_ends_at_but_and_at_a_new_statement():
    assert positive_red_flags("no fever but my knee is hot and swollen") == {"rf_hot_swollen_knee"}
    assert positive_red_flags("no fever i cant feel my legs") == {"rf_leg_weakness"}
    assert positive_red_flags("no numbness, but my leg keeps giving out") == {"rf_leg_weakness"}


def test_a_phrase_that_contains_its_own_negation_is_not_negated():
    assert positive_red_flags("i cant walk at all") == {"rf_cannot_bear_weight"}
    assert positive_red_flags("I haven't been able to walk since friday") == {"rf_cannot_bear_weight"}


def test_diabetic_hot_foot_needs_affirmed_diabetes():
    assert positive_red_flags("my foot is red and swollen") == set()
    assert positive_red_flags("i don't have diabetes but my toe is red and swollen") == set()
    assert positive_red_flags("type 2 diabetes, my big toe is hot and swollen") == {"rf_diabetic_hot_foot"}


def test_idioms_and_limited_walking_are_not_red_flags():
    for text in ["hay fever is acting up", "I fell asleep on the couch", "I can't stand the pain anymore",
                 "i can't walk for long without my back hurting", "in the fall my knee hurts more"]:
        assert positive_red_flags(text) == set(), text


def _spec():
    with open(PATTERN_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda spec: spec["flags"].pop("rf_fever"), "missing flags \\['rf_fever'\\]"),
        (lambda spec: spec["flags"]["rf_fever"].update(typo=True), "unknown keys \\['typo'\\]"),
        (lambda spec: spec["flags"]["rf_fever"].update(requires="nothing"), "unknown helper"),
        (lambda spec: spec["flags"]["rf_fever"].update(patterns=[]), "needs a list of patterns"),
    ],
)
def test_a_bad_pattern_file_fails_loudly(change, message):
    spec = copy.deepcopy(_spec())
    change(spec)
    with pytest.raises(ValueError, match=message):
        RedFlagDetector(blank_english(), spec)
