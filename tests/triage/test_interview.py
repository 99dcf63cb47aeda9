"""next_question() on the fixed test model: the screen first, then by value, never a question that cannot matter."""
from __future__ import annotations

import pytest

from bot.triage import InvalidAnswers, next_question, question_by_id
from bot.triage.simulate import run_interview

NO_FLAGS = {"rf_a": False, "rf_b": False, "rf_c": False}


def ids(answers, model, unsure=()):
    """The ids of the questions asked, each answered "no"/unknown, until the interview ends."""
    asked = []
    answers = dict(answers)
    while (question := next_question(answers, unsure, model)) is not None:
        asked.append(question.id)
        answers.update({key: None for key in question.keys})
    return asked


def test_the_first_question_is_where_with_its_options(model):
    question = next_question({}, model=model)
    assert question.id == "where" and question.kind == "choice" and question.screen
    assert question.keys == ("pain_location", "pain_side")
    assert [o.label.en for o in question.options] == ["Back", "Left knee", "Right knee", "Elsewhere"]
    assert dict(question.options[1].sets) == {"pain_location": "knee", "pain_side": "left"}


def test_a_checklist_lists_its_items_and_none_of_these(model):
    question = next_question({"pain_location": "knee"}, model=model)
    assert question.id == "first_list" and question.kind == "multi"
    assert question.keys == ("rf_a", "rf_b")
    assert [(o.label.en, dict(o.sets)) for o in question.options] == [
        ("A", {"rf_a": True}), ("B", {"rf_b": True}), ("None of these", {"rf_a": False, "rf_b": False})]
    data = question.to_dict()
    assert data["id"] == "first_list" and data["options"][-1]["sets"] == {"rf_a": False, "rf_b": False}


def test_a_gated_item_is_asked_only_when_it_applies(model):
    knee = next_question({"pain_location": "knee", "rf_a": False, "rf_b": False}, model=model)
    assert knee.id == "second_list" and knee.keys == ("rf_c",)
    back = next_question({"pain_location": "lower_back", "rf_a": False, "rf_b": False}, model=model)
    assert back.id != "second_list"
    unknown = next_question({"pain_location": None, "rf_a": False, "rf_b": False}, model=model)
    assert unknown.id == "second_list", "when in doubt we ask"


def test_an_emergency_ends_the_interview_at_once(model):
    assert next_question({"rf_a": True}, model=model) is None
    assert next_question({"pain_location": "knee", "rf_b": True, "rf_c": True}, model=model) is None


def test_after_an_urgent_flag_only_what_could_raise_it_is_asked(model):
    """The review's bug 1: rf_b is urgent, rf_b + rf_c (asked later) is an emergency."""
    assert ids({"pain_location": "knee", "rf_a": False, "rf_b": True}, model) == ["second_list"]
    assert ids({"pain_location": "lower_back", "rf_a": False, "rf_b": True}, model) == []
    full = {"pain_location": "knee", "rf_a": False, "rf_b": True, "rf_c": True}
    assert run_interview(full, model=model).result.disposition == "emergency"


def test_prefilled_answers_are_never_asked_again(model):
    question = next_question({"pain_location": "knee", "rf_b": False}, model=model)
    assert question.id == "first_list" and question.keys == ("rf_a",)
    assert "where" not in ids({"pain_location": "knee"}, model)


def test_not_sure_asks_a_checklists_items_one_by_one(model):
    answers = {"pain_location": "knee"}
    first = next_question(answers, ["first_list"], model)
    assert (first.id, first.kind, first.keys, first.text.en) == ("rf_a", "yes_no", ("rf_a",), "Do you have A?")
    assert [(o.label.en, dict(o.sets)) for o in first.options] == [("Yes", {"rf_a": True}), ("No", {"rf_a": False})]
    second = next_question({**answers, "rf_a": False}, ["first_list"], model)
    assert second.id == "rf_b" and second.why.en == "B is urgent."
    assert next_question({**answers, "rf_a": False, "rf_b": None}, ["first_list"], model).id == "second_list"


def test_after_the_screen_the_most_valuable_question_comes_first(model):
    clear = {"pain_location": "knee", **NO_FLAGS}
    assert next_question(clear, model=model).id == "away", "a rule that can still decide beats the score"
    assert ids(clear, model)[:2] == ["away", "duration"], "then self-care, which duration can decide"


def test_a_question_that_cannot_change_the_result_is_not_asked(model):
    clear = {"pain_location": "knee", **NO_FLAGS, "away": False}
    assert "severity" not in ids({**clear, "duration_weeks": 20}, model), "severity only matters for recent pain"
    assert "severity" in ids({**clear, "duration_weeks": 1}, model)
    assert "age" not in ids({"pain_location": "knee", **NO_FLAGS, "away": True}, model)


def test_the_interview_stops_when_the_score_is_settled(model):
    # knee 10 + months 5 + walking 10 + flat 15 = 60 from base 20: nothing left can take it below 45.
    settled = {"pain_location": "knee", **NO_FLAGS, "away": False, "duration_weeks": 20, "walk": True, "flat": True}
    assert next_question(settled, model=model) is None
    assert run_interview({**settled, "kneecap": False, "insoles": "none", "age": 80}, model=model).result.disposition \
        == "gait_analysis"


def test_question_by_id_finds_questions_and_items(model):
    assert question_by_id("where", model=model).keys == ("pain_location", "pain_side")
    assert question_by_id("rf_c", model=model).kind == "yes_no"
    assert question_by_id("first_list", {"rf_a": False}, model=model).keys == ("rf_b",)
    with pytest.raises(KeyError):
        question_by_id("nope", model=model)


@pytest.mark.parametrize("unsure", [["where"], ["nope"], "first_list"])
def test_unsure_must_name_checklists(model, unsure):
    with pytest.raises(InvalidAnswers):
        next_question({}, unsure, model)


def test_bad_answers_raise(model):
    with pytest.raises(InvalidAnswers):
        next_question({"rf_a": "yes"}, model=model)
