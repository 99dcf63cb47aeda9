"""The patient conversation, in plain Python: what to say next, given what was said.

Rasa's actions (actions/interview.py) call `take_turn` with the conversation's
state (read from slots) and the latest message, and turn the result back into
slots and bot messages. Everything that decides is here and testable without
servers: consent first, a red flag at any turn ends the triage with advice in
that same turn, facts from the patient's own words are never asked again, the
triage engine (bot.triage.next_question) chooses every question, and a short
summary of what was understood comes before the result.
"""
from .message import PatientMessage
from .state import InterviewState
from .turn import Clinic, Turn, answers_the_interview, opening, reask, refusal, take_turn

__all__ = ["Clinic", "InterviewState", "PatientMessage", "Turn", "answers_the_interview", "opening", "reask",
           "refusal", "take_turn"]
