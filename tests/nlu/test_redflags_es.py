"""Spanish red flags: the Spanish patterns, Spanish negation, and both languages on every message."""
import pytest
import yaml

from bot.nlu.components import RED_FLAG_INTENT
from bot.nlu.evaluate_redflags import by_language, evaluate, load_sentences
from bot.nlu.redflags import RED_FLAG_IDS, SPANISH_PATTERN_FILE, denied_red_flags, positive_red_flags
from tests.nlu.test_components import classified, make
from tests.nlu.test_redflag_eval import DATA


@pytest.fixture(scope="module")
def spanish():
    return [s for s in load_sentences(DATA) if s.lang == "es"]


def test_the_spanish_file_covers_every_flag_of_the_model():
    with open(SPANISH_PATTERN_FILE, encoding="utf-8") as handle:
        assert set(yaml.safe_load(handle)["flags"]) == set(RED_FLAG_IDS)


def test_the_spanish_set_has_openers_for_every_flag_and_denials(spanish):
    positives = [s for s in spanish if s.flags]
    assert len(positives) >= 30
    assert {flag for s in positives for flag in s.flags} == set(RED_FLAG_IDS)
    assert sum(len(s.denied or ()) for s in spanish) >= 15
    assert len([s for s in spanish if not s.flags]) >= 30


def test_every_spanish_opener_is_caught_and_nothing_else_fires(spanish):
    report = evaluate(spanish)
    assert [o.sentence.text for o in report.outcomes if o.missed] == []
    assert [o.sentence.text for o in report.outcomes if o.false_alarms] == []
    assert report.denial_precision == 1.0 and report.denial_recall >= 0.95


def test_scores_are_reported_per_language():
    split = by_language(evaluate(load_sentences(DATA)))
    assert set(split) == {"en", "es"}
    assert split["en"].precision >= 0.97 and split["en"].recall >= 0.95
    assert split["es"].precision >= 0.97 and split["es"].recall >= 0.95


@pytest.mark.parametrize(
    "text, flags",
    [
        ("se me escapa la orina", {"rf_bladder_bowel"}),
        ("no siento la zona de la silla de montar", {"rf_saddle_numbness"}),
        ("TENGO FIEBRE", {"rf_fever"}),
        ("me cai ayer", {"rf_trauma"}),
        ("sí, tengo fiebre", {"rf_fever"}),  # "si" without its accent must not read as "if"
        ("si tengo fiebre", {"rf_fever"}),
        ("tengo la pierna muerta", {"rf_leg_weakness"}),
    ],
)
def test_lay_spanish_words_fire(text, flags):
    assert positive_red_flags(text) == flags


@pytest.mark.parametrize(
    "text, denied",
    [
        ("no tengo fiebre", {"rf_fever"}),
        ("sin entumecimiento", {"rf_saddle_numbness"}),
        ("no tengo fiebre ni escalofríos", {"rf_fever"}),
        ("nada de fiebre", {"rf_fever"}),
    ],
)
def test_spanish_negation_denies_and_never_fires(text, denied):
    assert positive_red_flags(text) == set() and denied_red_flags(text) == denied


@pytest.mark.parametrize(
    "text",
    ["se me duerme la pierna cuando estoy sentado", "mi madre tuvo cáncer", "¿y si me da fiebre?", "me caí hace dos años"],
)
def test_spanish_contexts_cancel(text):
    """Sleepy leg alone (as in English), someone else, a question, the distant past."""
    assert positive_red_flags(text) == set()


def test_a_word_both_languages_share_takes_the_context_of_either():
    """"cancer" is read by the English patterns too; the Spanish context (the mother) wins."""
    assert positive_red_flags("mi madre tiene cancer") == set()
    assert positive_red_flags("tengo cancer de prostata") == {"rf_cancer_history"}
    assert positive_red_flags("my mom had cancer") == set() and positive_red_flags("I had cancer") == {"rf_cancer_history"}


def test_a_spanish_red_flag_forces_the_red_flag_intent_whatever_the_classifier_said(tmp_path):
    [processed] = make(tmp_path).process([classified("hola, me duele la espalda y se me escapa la orina", "greet")])
    assert processed.get("intent") == {"name": RED_FLAG_INTENT, "confidence": 1.0}
    assert [e["value"] for e in processed.get("entities") if e["entity"] == "red_flag"] == ["rf_bladder_bowel"]
