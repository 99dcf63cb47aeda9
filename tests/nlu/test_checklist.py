"""Typed replies to a checklist, read against the model's real checklists."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.nlu.checklist import ChecklistReading, read_checklist
from bot.triage.model import MODEL

CHECKLISTS = {q.id: tuple((item.key, item.label.en) for item in q.items) for q in MODEL.questions if q.items}
EMERGENCY = CHECKLISTS["emergency_signs"]
KEYS = [key for key, _ in EMERGENCY]
N = len(KEYS)
NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight"]
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"]


def read(text, items=EMERGENCY) -> ChecklistReading:
    return read_checklist(text, items)


def ticked(*numbers):
    """The reading of ticking these items on screen: the others are no."""
    yes = {KEYS[n - 1] for n in numbers}
    return ChecklistReading(frozenset(yes), frozenset(set(KEYS) - yes), none=False, unsure=False, understood=True)


NONE = ChecklistReading(frozenset(), frozenset(KEYS), none=True, unsure=False, understood=True)
UNSURE = ChecklistReading(frozenset(), frozenset(), none=False, unsure=True, understood=True)
NOT_UNDERSTOOD = ChecklistReading(frozenset(), frozenset(), none=False, unsure=False, understood=False)


@pytest.mark.parametrize("text", ["none", "None of these.", "no to all", "nope", "no", "nothing like that",
                                  "Nah", "none of them thanks", "I don't have any of these", "neither"])
def test_none_answers_every_item_no(text):
    assert read(text) == NONE


@pytest.mark.parametrize("text", ["nothing like that, just the knee pain", "nope it's just sore",
                                  "No, none of those thankfully"])
def test_none_with_a_remark_that_names_no_item_is_none(text):
    assert read(text, CHECKLISTS["injury_infection"]).none


def test_none_with_a_remark_that_names_an_item_is_not_none():
    reading = read("no, but my knee is swollen", CHECKLISTS["injury_infection"])
    assert reading.yes == {"rf_hot_swollen_knee"} and not reading.none


@pytest.mark.parametrize(
    "text, numbers",
    [("1 and 3", (1, 3)), ("the first and the third", (1, 3)), ("2, 4", (2, 4)), ("#2", (2,)),
     ("number two", (2,)), ("1-3", (1, 2, 3)), ("the last one", (N,)), ("yes 2", (2,)),
     ("no, just 2", (2,)), ("only the second one", (2,)), ("none except 2", (2,)), ("1st & 4th", (1, 4))],
)
def test_numbers_and_ordinals_tick_items(text, numbers):
    assert read(text) == ticked(*numbers)


@pytest.mark.parametrize("text", ["all of them", "all", "yes to all", "everything"])
def test_all_ticks_every_item(text):
    assert read(text) == ticked(*range(1, N + 1))


def test_all_except_denies_only_the_named_item():
    assert read("all except 3") == ticked(*[n for n in range(1, N + 1) if n != 3])


@pytest.mark.parametrize(
    "text, items, expected",
    [("bladder and numbness", EMERGENCY, {"rf_bladder_bowel", "rf_saddle_numbness"}),
     ("I've been peeing myself", EMERGENCY, {"rf_bladder_bowel"}),
     ("urine", EMERGENCY, {"rf_bladder_bowel"}),
     ("fever", CHECKLISTS["injury_infection"], {"rf_fever"}),
     ("chills", CHECKLISTS["injury_infection"], {"rf_fever"}),
     ("flat feet and heel pain", CHECKLISTS["foot_signs"], {"flat_feet", "heel_arch_pain"}),
     ("my kneecap", CHECKLISTS["foot_signs"], {"front_knee_pain"})],
)
def test_label_words_and_synonyms_tick_items(text, items, expected):
    reading = read(text, items)
    assert reading.yes == expected and reading.understood and not reading.unsure
    assert reading.no == {key for key, _ in items} - expected


def test_a_word_shared_by_several_items_names_none_of_them():
    # "feet" is in both the flat-feet and the high-arches label.
    assert read("feet", CHECKLISTS["foot_signs"]) == NOT_UNDERSTOOD


INJURY = CHECKLISTS["injury_infection"]


def test_the_negative_words_of_an_item_name_it_rather_than_deny_it():
    assert read("can't walk", INJURY).yes == {"rf_cannot_bear_weight"}
    assert read("my blister is not healing", INJURY).yes == {"rf_foot_wound"}
    assert read("I'm not diabetic", INJURY) == ChecklistReading(
        frozenset(), frozenset({"rf_diabetic_hot_foot"}), False, False, True)


def test_denying_an_item_whose_label_is_negative_is_unsure():
    # "You can't put weight on the leg": "I can't put weight on it" must never be a no.
    reading = read("I can't put weight on it", INJURY)
    assert reading.unsure and "rf_cannot_bear_weight" not in reading.no


def test_generic_words_of_a_label_name_no_item():
    assert read("it's worse when I walk", CHECKLISTS["foot_signs"]) == NOT_UNDERSTOOD
    assert read("my knee is sore", INJURY) == NOT_UNDERSTOOD


def test_yes_and_a_denial_in_one_reply():
    reading = read("1 but not 3")
    assert reading.yes == {KEYS[0]} and KEYS[2] in reading.no and reading.understood


def test_a_denied_item_alone_is_no_and_the_rest_stay_open():
    reading = read("not 1 or 2")
    assert reading == ChecklistReading(frozenset(), frozenset(KEYS[:2]), False, False, True)


@pytest.mark.parametrize("text", ["not sure", "I don't know", "maybe the second", "idk", "possibly 3", "not really",
                                  "dunno, maybe bladder?"])
def test_doubt_is_unsure_and_never_a_guess(text):
    assert read(text) == UNSURE


def test_a_hedged_item_beside_a_certain_one_keeps_only_the_certain_one():
    reading = read("1 and maybe 3")
    assert reading.yes == {KEYS[0]} and reading.no == set() and reading.unsure


def test_an_item_both_ticked_and_denied_is_unsure():
    reading = read("2 and not 2")
    assert reading.unsure and KEYS[1] not in reading.yes | reading.no


@pytest.mark.parametrize("text", ["yes", "yeah", "some of them", "my knee hurts", "", "ok", "9", "0",
                                  "1 and 12"])
def test_replies_that_name_no_item_are_not_understood(text):
    assert read(text) == NOT_UNDERSTOOD


@pytest.mark.parametrize("text", ["it started 2 weeks ago", "3 minutes ago my foot went numb", "for 2 hours"])
def test_a_number_with_a_unit_is_not_an_item(text):
    reading = read(text, CHECKLISTS["injury_infection"])
    assert reading == NOT_UNDERSTOOD


subsets = st.sets(st.integers(1, N), min_size=1)


def _written(numbers, words):
    parts = [words[n - 1] if words else str(n) for n in numbers]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@given(subsets, st.sampled_from([None, NUMBER_WORDS, ORDINALS]), st.randoms())
def test_any_subset_written_as_a_list_is_exactly_that_subset(numbers, words, random):
    order = sorted(numbers)
    random.shuffle(order)
    assert read(_written(order, words)) == ticked(*numbers)


@given(subsets, st.randoms())
def test_order_never_changes_the_reading(numbers, random):
    order = sorted(numbers)
    shuffled = list(order)
    random.shuffle(shuffled)
    assert read(_written(order, None)) == read(_written(shuffled, None))


@given(st.sampled_from(sorted(CHECKLISTS)), st.data())
def test_numbers_work_the_same_on_every_checklist_of_the_model(question, data):
    items = CHECKLISTS[question]
    keys = [key for key, _ in items]
    numbers = data.draw(st.sets(st.integers(1, len(keys)), min_size=1))
    reading = read(_written(sorted(numbers), None), items)
    assert reading.yes == {keys[n - 1] for n in numbers} and reading.no == set(keys) - reading.yes
    assert read("none of these", items).no == set(keys)


@given(st.text(max_size=40))
def test_every_reading_is_consistent(text):
    reading = read(text)
    assert not reading.yes & reading.no
    assert reading.yes | reading.no <= set(KEYS)
    if reading.none:
        assert reading.no == set(KEYS) and not reading.yes and not reading.unsure
    if reading.unsure:
        assert not reading.none
    if not reading.understood:
        assert reading == NOT_UNDERSTOOD
