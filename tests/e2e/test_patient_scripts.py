"""The simulated patients' scripts stay in step with the triage model (fast: no servers).

A model change that moves a patient's result, or makes the interview ask
something no script answers, fails here before any end-to-end run.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any, Dict, List, Optional

import pytest

from bot.triage import DISPOSITIONS, MODEL, assess, validate_answers
from tests.e2e.simulated import (BOOKING_SLOTS, MAX_TURNS, QUESTION_IDS, RED_FLAG_DISPOSITIONS, SPANISH_PATIENTS_FILE, STEPS,
                                 ConversationFailed, PatientScript, converse, engine_walk, load_patients)

PATIENTS = load_patients() + load_patients(SPANISH_PATIENTS_FILE)
BY_ID = {p.id: p for p in PATIENTS}
CHECKLISTS = {q.id for q in MODEL.questions if q.kind == "multi"}

each_patient = pytest.mark.parametrize("patient", PATIENTS, ids=[p.id for p in PATIENTS])


@each_patient
def test_intended_answers_are_valid_and_give_the_expected_disposition(patient: PatientScript) -> None:
    validate_answers(patient.written)
    assert assess(patient.intended).disposition == patient.expect


@each_patient
def test_the_interview_reaches_it_asking_only_scripted_questions(patient: PatientScript) -> None:
    walk = engine_walk(patient)
    assert walk.disposition == patient.expect
    assert not set(patient.never_asked) & set(walk.asked), walk.asked


@each_patient
def test_first_facts_are_facts_the_patient_means(patient: PatientScript) -> None:
    assert {k: patient.written.get(k) for k in patient.first_facts} == dict(patient.first_facts)


@each_patient
def test_a_red_flag_decides_on_the_message_that_mentions_it(patient: PatientScript) -> None:
    assert (patient.red_flag_at is not None) == (patient.expect in RED_FLAG_DISPOSITIONS)
    if patient.red_flag_at is not None:
        assert engine_walk(patient).settled_at[patient.red_flag_at], "the engine would still ask after it"


@each_patient
def test_a_patient_without_a_red_flag_can_confirm_the_summary(patient: PatientScript) -> None:
    """Free text is always read back in the summary before a result that is not a red flag's."""
    assert (patient.reply("summary", 0) is not None) == (patient.expect not in RED_FLAG_DISPOSITIONS)


@each_patient
def test_questions_the_first_message_answered_are_scripted_too(patient: PatientScript) -> None:
    """A re-ask then costs messages in the benchmark instead of ending the run."""
    assert all(patient.reply(question_id, 0) for question_id in patient.never_asked)


@each_patient
def test_scripts_answer_real_pending_ids_in_free_text(patient: PatientScript) -> None:
    assert set(patient.answers) <= QUESTION_IDS | STEPS
    assert set(patient.never_asked) <= QUESTION_IDS and set(patient.unsure) <= CHECKLISTS
    assert set(patient.booking) <= {"booking_offer", *BOOKING_SLOTS}
    assert not patient.booking or patient.expect == "gait_analysis"
    replies = [patient.first, *patient.booking.values()]
    for reply in patient.answers.values():
        replies += reply if isinstance(reply, list) else [reply]
    assert all(isinstance(r, str) and r.strip() and not r.startswith("/") for r in replies), "free text only"


def test_the_patients_cover_what_the_benchmark_needs() -> None:
    expects = Counter(p.expect for p in PATIENTS)
    assert len(PATIENTS) >= 22 and len(BY_ID) == len(PATIENTS)
    assert set(expects) == set(DISPOSITIONS)
    assert expects["emergency"] + expects["urgent"] >= 4 and expects["gait_analysis"] >= 6
    assert sum(1 for p in PATIENTS if p.booking) >= 3
    assert {p.style for p in PATIENTS} >= {"terse", "chatty", "typos", "two_at_once", "correction", "non_native"}
    red_flags_at = {p.red_flag_at == "first" for p in PATIENTS if p.red_flag_at}
    assert red_flags_at == {True, False}, "red flags both in the first message and mid-interview"


# ---------------------------------------------------------------- the driver, on a stand-in stack

class _ScriptedStack:
    """A stand-in for the REST stack that leaves `open_question` at each of `pending` in turn."""

    def __init__(self, pending: List[Optional[str]], result: Optional[str] = None) -> None:
        self.pending, self.result, self.said = list(pending), result, []

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        self.said.append(text)
        return [{"text": "next?"}]

    def tracker(self, sender: str) -> Dict[str, Any]:
        turn = len(self.said) - 1
        done = turn >= len(self.pending)
        return {"slots": {"open_question": None if done else self.pending[turn],
                          "disposition": self.result if done else None}, "active_loop": {}}


def test_the_driver_counts_messages_to_the_result_and_the_red_flag_turn() -> None:
    patient = BY_ID["fracture_mid"]
    talk = converse(_ScriptedStack(["consent", "where", "emergency_signs", "injury_infection"], "emergency"), patient)
    assert talk.to_result == 5 and talk.disposition == "emergency"
    assert talk.red_flag_turn == 5 and talk.red_flag_same_turn is True


def test_the_driver_fails_with_the_transcript_on_an_unscripted_question() -> None:
    with pytest.raises(ConversationFailed, match=r"asks 'foot_signs'[\s\S]*> ok"):
        converse(_ScriptedStack(["consent", "foot_signs"]), BY_ID["fracture_mid"])


def test_the_driver_gives_up_after_the_turn_limit() -> None:
    with pytest.raises(ConversationFailed, match=f"not done after {MAX_TURNS}"):
        converse(_ScriptedStack(["emergency_signs"] * 60),
                 replace(BY_ID["fracture_mid"], answers={"emergency_signs": "no"}))


def test_an_item_asked_alone_after_an_unread_checklist_is_answered_as_intended_and_recorded() -> None:
    stack = _ScriptedStack(["consent", "where", "rf_bladder_bowel", "rf_trauma", "rf_cannot_bear_weight"],
                           "emergency")
    talk = converse(stack, BY_ID["fracture_mid"])
    assert stack.said[-3:] == ["no", "yes", "yes"] and talk.items_alone == ["rf_bladder_bowel", "rf_trauma",
                                                                           "rf_cannot_bear_weight"]
