"""With language "es", every question, summary, result, advice, phrase and response is said in Spanish.

Rendered through the same functions the conversation uses (bot.conversation.render,
summary, outcome, take_turn), and checked with one helper (tests/support/spanish.py).
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from string import Formatter

import pytest
import yaml

from bot.clinic import Faq, load_clinic
from bot.conversation import Clinic, InterviewState, PatientMessage, take_turn
from bot.conversation.message import answer_payload, answer_text
from bot.conversation.outcome import outcome_message
from bot.conversation.phrases import phrase, phrases, understood_words
from bot.conversation.render import question_reply
from bot.conversation.summary import summary_text
from bot.paths import REPO_ROOT
from bot.triage import CONDITIONS, MODEL, assess, question_by_id
from bot.triage.dispositions import DISPOSITIONS
from bot.triage.vignettes import load_vignettes
from bot.wording import Wording, shared_wording
from tests.support.answering import payload_for
from tests.support.spanish import assert_spanish, english_in

VIGNETTES = load_vignettes(Path(__file__).parents[1] / "triage" / "vignettes.yml")
CLINIC = load_clinic()
CONVERSATION_CLINIC = Clinic(CLINIC.name, CLINIC.phone)
DOMAIN = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))


def filled(wording: Wording, language: str = "es") -> str:
    """A text with every {name} given a neutral value (a number)."""
    names = {name for _, name, _, _ in Formatter().parse(getattr(wording, language)) if name}
    return wording.say(language, **dict.fromkeys(names, "3"))


def reply_texts(reply) -> list[str]:
    """Everything a patient sees of one bot message: text, buttons, and a checklist's own words."""
    shown = [reply.text, *(button["title"] for button in reply.buttons)]
    checklist = (reply.custom or {}).get("checklist")
    if checklist:
        shown += [checklist["legend"], checklist["done"]["title"], checklist["hint"], checklist["none"]["title"],
                  checklist["unsure"]["title"]]
        shown += [part for item in checklist["items"] for part in (item["label"], item["note"])]
    return [text for text in shown if text]


def all_questions():
    """Every question as asked: each question of the model, and each checklist item asked alone."""
    for spec in MODEL.questions:
        yield question_by_id(spec.id, {})
        for item in spec.items:
            yield question_by_id(item.key, {})


def test_the_checker_catches_english():
    assert english_in("Please answer yes") == ["Please", "yes"]
    assert english_in("Por favor, responda sí") == []
    assert english_in(f"Llame al {CLINIC.phone} en {CLINIC.locations[1].name}") == []
    # a calendar link's random token is not prose ("...GM2iS7..." once read as "is")
    assert english_in("Agréguela a su calendario: http://localhost:8081/calendar/Vd4AU4IsN8LhugZ0GM2iS7.ics") == []
    assert english_in("Please see http://localhost:8081/x") == ["Please"]


@pytest.mark.parametrize("question", list(all_questions()), ids=lambda q: q.id)
def test_every_question_is_asked_in_spanish(question):
    reply = question_reply(question, denied=question.keys, language="es")
    for text in reply_texts(reply):
        assert_spanish(text, question.id)
    assert_spanish(question.why.say("es"), f"{question.id}: why")


def test_every_summary_word_is_spanish():
    for key, table in phrases()["understood"].items():
        values = [26, 3, 45] if isinstance(table, Wording) else list(table)
        for value in values:
            assert_spanish(understood_words(key, value, "es"), key)
    answers = {"pain_location": "knee", "pain_side": "left", "duration_weeks": 26, "flat_feet": True, "age": 42,
               "pain_severity": 6, "insoles_tried": "no_help"}
    text = summary_text(answers, tuple(answers), "es")
    assert "rodilla" in text and "unos 6 meses" in text
    assert_spanish(text, "summary")


@pytest.mark.parametrize("vignette", VIGNETTES, ids=lambda v: v.id)
def test_every_result_is_given_in_spanish(vignette):
    result = assess(vignette.answers)
    text = outcome_message(result, CLINIC.phone, "es")
    assert_spanish(text, vignette.id)
    assert MODEL.advice[result.disposition].es in text


def test_every_reason_and_advice_of_the_model_is_spanish():
    texts = [*CONDITIONS.values(), *MODEL.advice.values(), *MODEL.labels.values(), MODEL.disclaimer,
             MODEL.self_care.says, MODEL.score.back_pain_sign.says, MODEL.score.lower_back_cap_says]
    texts += [c.says for item in MODEL.score.items.values() for c in item.contributions()]
    assert set(MODEL.advice) == set(DISPOSITIONS)
    for text in texts:
        assert_spanish(text.say("es"))
    assert MODEL.advice["emergency"].es == "Llame al 911 ahora o vaya a la sala de emergencias más cercana."


def test_every_phrase_and_shared_text_is_spanish():
    named = [name for name, value in phrases().items() if isinstance(value, Wording)]
    for name in named:
        assert_spanish(filled(phrase(name)), name)
    for name, wording in shared_wording().items():
        assert_spanish(filled(wording), name, allowed=("jane.smith@example.com",))


@pytest.mark.parametrize("name", sorted(DOMAIN["responses"]))
def test_every_domain_response_has_a_spanish_variation(name):
    spanish = [v for v in DOMAIN["responses"][name] if v.get("condition")]
    assert spanish, name
    assert_spanish(spanish[0]["text"].format(clinic_phone=CLINIC.phone, summary="3", booking="3"), name,
                   allowed=("jane.smith@example.com",))
    for button in spanish[0].get("buttons", []):
        assert_spanish(button["title"], name)


def test_clinic_facts_and_dates_are_spanish():
    for key in [*Faq.__fields__, "hours", "locations"]:
        assert_spanish(CLINIC.faq_answer(key, "es"), key)
    assert_spanish(CLINIC.how_to_cancel.say("es"))
    when = CLINIC.when(datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc), "es")
    assert when == "mar 1 de dic de 2026, 9:00 a.m.", when
    assert CLINIC.when(datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc)) == "Tue 1 Dec 2026, 9:00 am"


def _message(text: str) -> PatientMessage:
    return PatientMessage(text=text, intent=None, red_flags=frozenset(), denied_flags=frozenset(),
                          payload=answer_payload(text))


@pytest.mark.parametrize("vignette", VIGNETTES[::3], ids=lambda v: v.id)
def test_a_spanish_conversation_answered_with_buttons_is_spanish_from_greeting_to_result(vignette):
    state = InterviewState(language="es")
    turn = take_turn(state, _message("hola"), CONVERSATION_CLINIC)
    said = list(turn.replies)
    turn = take_turn(turn.state, _message(answer_text("consent", value=True)), CONVERSATION_CLINIC)
    said += turn.replies
    for _ in range(40):
        state = turn.state
        if state.open_question in (None, "booking_offer"):
            break
        reply = (answer_text("summary", value=True) if state.open_question == "summary"
                 else payload_for(state.open_question, vignette.answers, state.open_keys))
        turn = take_turn(state, _message(reply), CONVERSATION_CLINIC)
        said += turn.replies
    assert turn.state.disposition == assess(turn.state.answers).disposition
    assert turn.state.language == "es"
    for reply in said:
        for text in reply_texts(reply):
            assert_spanish(text, vignette.id)
