"""The red-flag detector: the phrases it must catch and the contexts that cancel them."""
import copy

import pytest
import yaml

from bot.nlu.patterns import PatternError
from bot.nlu.redflags import (
    PATTERN_FILE,
    RED_FLAG_IDS,
    RedFlagDetector,
    denied_red_flags,
    detect_red_flags,
    positive_red_flags,
)
from bot.nlu.pipeline import blank_english
from bot.triage.model import MODEL


def test_flag_ids_are_the_triage_engines_and_the_pattern_files():
    model_flags = {key for key, spec in MODEL.keys.items() if key.startswith("rf_") and not spec.retired}
    assert set(RED_FLAG_IDS) == model_flags and len(RED_FLAG_IDS) == 19
    assert set(_spec()["flags"]) == model_flags


# One or two lay phrasings per model key, with the v2 meanings of bot/triage/model.yml.
EVERY_KEY = [
    ("peed my pants at work today", {"rf_bladder_bowel"}),
    ("I haven't been able to go to the toilet for two days", {"rf_bladder_bowel"}),
    ("my bum is numb", {"rf_saddle_numbness"}),
    ("can't feel when I wipe", {"rf_saddle_numbness"}),
    ("since the back pain i can't get an erection", {"rf_sexual_dysfunction"}),
    ("leg no strong both", {"rf_leg_weakness"}),
    ("my foot slaps the floor when i walk", {"rf_leg_weakness"}),
    ("my calf is swollen and im short of breath", {"rf_calf_swelling", "rf_calf_tender"}),
    ("my right calf is really tender and warm", {"rf_calf_tender"}),
    ("my foot went cold and white all of a sudden", {"rf_cold_foot"}),
    ("sudden tearing pain in my back", {"rf_chest_or_tearing_pain"}),
    ("i have chest pain with this back pain", {"rf_chest_or_tearing_pain"}),
    ("fell off a ladder at work this morning", {"rf_serious_trauma", "rf_trauma"}),
    ("yesterday at football I landed on it and heard a pop, now it's huge", {"rf_trauma"}),
    ("i cant walk since fall yesterday", {"rf_trauma", "rf_cannot_bear_weight"}),
    ("I can only hop, cant put any weight on it", {"rf_cannot_bear_weight"}),
    ("i feel hot and cold and shivery", {"rf_fever"}),
    ("knee very hot and red and big", {"rf_hot_swollen_knee"}),
    ("i'm diabetic and my foot is hot and puffy", {"rf_diabetic_hot_foot"}),
    ("i have a sore on my foot that won't heal", {"rf_foot_wound"}),
    ("my toe is going black", {"rf_foot_wound"}),
    ("pain wakes me up every night", {"rf_night_pain"}),
    ("my knee got stuck and i cant straighten it", {"rf_knee_locked"}),
    ("pain shooting down both legs", {"rf_both_legs_pain"}),
    ("lost 10 kilos without trying", {"rf_cancer_history"}),
]


def test_every_key_has_a_unit_example():
    assert set().union(*(flags for _, flags in EVERY_KEY)) == set(RED_FLAG_IDS)


@pytest.mark.parametrize("text, flags", EVERY_KEY)
def test_every_key_fires_on_lay_phrasing(text, flags):
    assert positive_red_flags(text) == flags


@pytest.mark.parametrize(
    "text, flags",
    [
        ("numbness down my right leg", set()),  # v2: numbness is not rf_leg_weakness
        ("my calf is swollen", {"rf_calf_tender"}),  # no breathlessness: not rf_calf_swelling
        ("I'm short of breath", set()),
        ("I have diabetes and there's an ulcer on my foot", {"rf_foot_wound"}),
        ("I fell 3 weeks ago and it still hurts", set()),  # rf_trauma: the last 7 days
        ("car crash 3 weeks ago", {"rf_serious_trauma"}),
        ("twisted my knee last month", set()),
        ("my mum had cancer", set()),
        ("what if my leg goes weak", set()),
    ],
)
def test_v2_meanings(text, flags):
    assert positive_red_flags(text) == flags


@pytest.mark.parametrize(
    "text, denied",
    [
        ("no numbness", {"rf_saddle_numbness"}),
        ("I don't have a fever", {"rf_fever"}),
        ("no bladder problems", {"rf_bladder_bowel"}),
        ("none of those, no fever or chills", {"rf_fever"}),
        ("no chest pain and no breathing problems", {"rf_chest_or_tearing_pain"}),
        ("i havent fallen or hurt it", {"rf_trauma"}),
        ("no numbness down there and no problems with the toilet", {"rf_saddle_numbness", "rf_bladder_bowel"}),
        ("no numbness in my legs", set()),  # not the saddle area
        ("my mom doesn't have cancer", set()),  # someone else
        ("I'm not sure if I have a fever", set()),  # unsure is not a denial
        ("I had a fever last year", set()),
    ],
)
def test_denied_red_flags(text, denied):
    assert denied_red_flags(text) == denied
    assert positive_red_flags(text) == set()


def test_a_flag_denied_and_reported_in_one_message_is_reported():
    text = "no fever yesterday but now i have a fever"
    assert positive_red_flags(text) == {"rf_fever"} and denied_red_flags(text) == set()
    assert denied_red_flags("no fever but i cant feel my bum") == {"rf_fever"}


@pytest.mark.parametrize(
    "text, reported, denied",
    [
        ("NO NUMBNESS", set(), {"rf_saddle_numbness"}),
        ("I DONT HAVE A FEVER", set(), {"rf_fever"}),
        ("I DON'T HAVE A FEVER", set(), {"rf_fever"}),
        ("NO FEVER, NO CHILLS", set(), {"rf_fever"}),
        ("CANT WALK", {"rf_cannot_bear_weight"}, set()),
        ("I CAN'T FEEL MY GROIN", {"rf_saddle_numbness"}, set()),
        ("My Knee Is Hot And Swollen", {"rf_hot_swollen_knee"}, set()),
    ],
)
def test_all_caps_and_title_case(text, reported, denied):
    assert (positive_red_flags(text), denied_red_flags(text)) == (reported, denied)


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
        ("I fell 3 weeks ago", "not_recent"),
        ("twisted my ankle last month", "not_recent"),
    ],
)
def test_context_qualifies_a_mention_without_negating_it(text, qualifier):
    [mention] = detect_red_flags(text)
    assert (mention.negated, mention.qualifier, mention.positive) == (False, qualifier, False)


def test_negation_scope_ends_at_but_and_at_a_new_statement():
    assert positive_red_flags("no fever but my knee is hot and swollen") == {"rf_hot_swollen_knee"}
    assert positive_red_flags("no fever my legs are weak") == {"rf_leg_weakness"}
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
        (lambda spec: spec["flags"].update(rf_typo=spec["flags"]["rf_fever"]), "unknown \\['rf_typo'\\]"),
    ],
)
def test_a_bad_pattern_file_fails_loudly(change, message):
    spec = copy.deepcopy(_spec())
    change(spec)
    with pytest.raises(ValueError, match=message):
        RedFlagDetector(blank_english(), spec)


@pytest.mark.parametrize(
    "fragment, place",
    [
        ("context:\n  list_joiners: [or, no]", "list_joiners"),
        ("sets:\n  negation: [no, never]", "@negation"),
        ("macros:\n  neg: [no, never]", "\\$neg"),
    ],
)
def test_a_bare_yaml_no_fails_loudly(fragment, place):
    """YAML reads a bare `no` as false: the loader must say so, not drop or stringify it."""
    spec = copy.deepcopy(_spec())
    section, body = fragment.split(":\n", 1)
    spec[section].update(yaml.safe_load(body))
    if section != "context":
        spec["flags"]["rf_fever"]["patterns"].append("$neg fever" if section == "macros" else "@negation fever")
    with pytest.raises((ValueError, PatternError), match=place):
        RedFlagDetector(blank_english(), spec)


def test_the_pattern_file_has_no_yaml_booleans_in_word_lists():
    def words(node):
        if isinstance(node, dict):
            return [w for value in node.values() for w in words(value)]
        return [w for value in node for w in words(value)] if isinstance(node, list) else [node]

    spec = _spec()
    assert all(isinstance(w, str) for w in words({k: spec[k] for k in ("sets", "macros", "helpers")}))
    assert all(isinstance(w, str) for w in words(spec["context"]) if not isinstance(w, int))
