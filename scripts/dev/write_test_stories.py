"""Write data/tests/test_*.yml and data/stories.yml from shared building blocks.

Test stories repeat the same opening (greeting, consent, screen); writing them
from blocks keeps them consistent when a step changes. Run after editing:
    .venv/bin/python scripts/dev/write_test_stories.py
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parents[2]
Step = Dict[str, object]


def user(text: str, intent: str) -> Step:
    return {"user": text, "intent": intent}


def act(*names: str) -> List[Step]:
    return [{"action": name} for name in names]


def loop(name) -> Step:
    return {"active_loop": name}


def slot(**values) -> Step:
    return {"slot_was_set": [{k: v} for k, v in values.items()]}


def form_done(form: str) -> List[Step]:
    return [{"action": form}, loop(None), slot(requested_slot=None)]


GREETING = [user("hi", "greet"), *act("action_greet", "consent_form"), loop("consent_form")]
CONSENT = [
    *GREETING,
    user("yes that's fine", "affirm"), slot(consent=True),
    *form_done("consent_form"), *act("utter_consent_thanks", "screen_form"), loop("screen_form"),
]


def answers(form: str, *turns: tuple) -> List[Step]:
    steps: List[Step] = []
    for text, intent in turns:
        steps += [user(text, intent), {"action": form}]
    return steps


SCREEN_CLEAR = [
    *answers("screen_form", ("my knee", "inform"), ("no", "deny"), ("nope", "deny")),
    user("no", "deny"), *form_done("screen_form"),
    *act("action_check_screen"), slot(screen_clear=True), *act("pattern_form"), loop("pattern_form"),
]


def pattern_to(disposition: str) -> List[Step]:
    return [
        *answers("pattern_form", ("about 3 months", "inform"), ("yeah mostly when I walk to work", "affirm")),
        user("42", "inform"), *form_done("pattern_form"),
        *act("action_triage_outcome"), slot(disposition=disposition), *after_outcome(disposition),
    ]


def after_outcome(disposition: str) -> List[Step]:
    return act("utter_offer_booking") if disposition == "gait_analysis" else []


BOOKING = [
    user("yes please", "affirm"), *act("booking_form"), loop("booking_form"),
    *answers("booking_form", ("midtown", "inform"), ("the first one", "inform"), ("Jane Smith", "inform"),
             ("jane@example.com", "inform")),
    user("yes", "affirm"), *form_done("booking_form"), *act("action_book_slot"),
]


def red_flag_in_screen(disposition: str, text: str) -> List[Step]:
    return [
        *answers("screen_form", ("lower back", "inform")),
        user(text, "affirm"), *form_done("screen_form"),
        *act("action_check_screen"), slot(screen_clear=False),
        *act("action_triage_outcome"), slot(disposition=disposition),
    ]


def digression(intent: str, text: str, action: str, form: str = "screen_form") -> List[Step]:
    return [user(text, intent), *act(action, form), loop(form)]


STORIES = {
    "test_start.yml": {
        "consent refused: no health questions": [
            *GREETING, user("no thanks", "deny"), slot(consent=False),
            *form_done("consent_form"), *act("action_no_consent"),
        ],
        "consent refused, then a general question": [
            *GREETING, user("no", "deny"), slot(consent=False),
            *form_done("consent_form"), *act("action_no_consent"),
            user("where are you located", "ask_locations"), *act("action_answer_faq"),
        ],
        "first message describes the pain": [
            user("my lower back has been killing me for months", "describe_pain"),
            *act("action_greet", "consent_form"), loop("consent_form"),
        ],
    },
    "test_dispositions.yml": {
        "gait analysis": [*CONSENT, *SCREEN_CLEAR, *pattern_to("gait_analysis")],
        "consult": [*CONSENT, *SCREEN_CLEAR, *pattern_to("consult")],
        "self care": [*CONSENT, *SCREEN_CLEAR, *pattern_to("self_care")],
        "emergency from a yes in the screen": [
            *CONSENT, *red_flag_in_screen("emergency", "yes I have")],
        "urgent from a yes in the screen": [*CONSENT, *red_flag_in_screen("urgent", "yes")],
        "a sign pointing away from the feet gives a consult": [
            *CONSENT,
            *answers("screen_form", ("knee", "inform"), ("no", "deny")),
            user("yes, sitting down helps", "affirm"), *form_done("screen_form"),
            *act("action_check_screen"), slot(screen_clear=False),
            *act("action_triage_outcome"), slot(disposition="consult"),
        ],
    },
    "test_booking.yml": {
        "book after a gait-analysis outcome": [
            *CONSENT, *SCREEN_CLEAR, *pattern_to("gait_analysis"), *BOOKING, slot(booking_status="booked"),
        ],
        "booking offer declined": [
            *CONSENT, *SCREEN_CLEAR, *pattern_to("gait_analysis"),
            user("not now", "deny"), *act("utter_booking_later"),
        ],
        "the time was just taken: choose another": [
            *CONSENT, *SCREEN_CLEAR, *pattern_to("gait_analysis"), *BOOKING, slot(booking_status="taken"),
            *act("booking_form"), loop("booking_form"),
            *answers("booking_form", ("the second one", "inform")),
            user("confirm", "affirm"), *form_done("booking_form"), *act("action_book_slot"),
            slot(booking_status="booked"),
        ],
        "a question during booking, then back": [
            *CONSENT, *SCREEN_CLEAR, *pattern_to("gait_analysis"),
            user("yes", "affirm"), *act("booking_form"), loop("booking_form"),
            *digression("ask_locations", "where is the midtown office?", "action_answer_faq", "booking_form"),
        ],
        "a red flag during booking ends it with advice": [
            *CONSENT, *SCREEN_CLEAR, *pattern_to("gait_analysis"),
            user("yes", "affirm"), *act("booking_form"), loop("booking_form"),
            user("wait, my calf is swollen and I'm short of breath", "report_red_flag"),
            *act("action_deactivate_loop"), loop(None), *act("action_triage_outcome"), slot(disposition="emergency"),
        ],
        "book before any triage, with consent: triage first": [
            *CONSENT, user("stop, I just want to book a gait analysis", "book_gait_analysis"),
            *act("action_booking_gate"), slot(booking_route="triage"), *act("screen_form"), loop("screen_form"),
        ],
        "book as the first message: consent first": [
            user("I want to book a gait analysis", "book_gait_analysis"), *act("action_booking_gate"),
            slot(booking_route="consent"), *act("action_greet", "consent_form"), loop("consent_form"),
        ],
        "not eligible for a booking": [
            user("my back hurts and I can't feel my inner thighs", "report_red_flag"),
            *act("action_triage_outcome"), slot(disposition="emergency"),
            user("can I book a gait analysis", "book_gait_analysis"), *act("action_booking_gate"),
            slot(booking_route="not_eligible"),
        ],
        "cancel a booking": [
            user("cancel my appointment", "cancel_booking"), *act("action_offer_cancel"),
            slot(booking_route="cancel"), user("yes", "affirm"), *act("action_cancel_booking"),
        ],
        "keep a booking after all": [
            user("I need to cancel my booking", "cancel_booking"), *act("action_offer_cancel"),
            slot(booking_route="cancel"), user("no, keep it", "deny"), *act("utter_booking_kept"),
        ],
        "move a booking": [
            user("can I move my appointment", "change_booking"), *act("action_start_move"),
            slot(booking_route="book"), *act("booking_form"), loop("booking_form"),
            *answers("booking_form", ("upper east side", "inform"), ("the first one", "inform")),
            user("yes", "affirm"), *form_done("booking_form"), *act("action_book_slot"),
            slot(booking_status="booked"),
        ],
        "nothing to move": [
            user("reschedule my appointment", "change_booking"), *act("action_start_move"),
            slot(booking_route="none"),
        ],
    },
    "test_red_flags.yml": {
        "red flag in the very first message": [
            user("my back hurts and I can't feel my inner thighs", "report_red_flag"),
            *act("action_triage_outcome"), slot(disposition="emergency"),
        ],
        "red flag while asking for consent": [
            *GREETING, user("I also peed myself this morning", "report_red_flag"),
            *act("action_deactivate_loop"), loop(None), *act("action_triage_outcome"), slot(disposition="emergency"),
        ],
        "red flag volunteered in the middle of the screen": [
            *CONSENT, *answers("screen_form", ("both", "inform")),
            user("I fell off a ladder and now I can't walk on it", "report_red_flag"),
            *form_done("screen_form"), *act("action_check_screen"), slot(screen_clear=False),
            *act("action_triage_outcome"), slot(disposition="emergency"),
        ],
        "red flag volunteered in the middle of the pain pattern": [
            *CONSENT, *SCREEN_CLEAR, *answers("pattern_form", ("3 weeks", "inform")),
            user("actually my knee is hot and swollen and I have a fever", "report_red_flag"),
            *form_done("pattern_form"), *act("action_triage_outcome"), slot(disposition="emergency"),
        ],
        "negated red flags are ordinary answers": [
            *CONSENT,
            *answers("screen_form", ("knee", "inform"), ("no numbness at all", "deny"),
                     ("I don't have a fever", "deny"), ("never had cancer", "deny")),
        ],
    },
    "test_digressions.yml": {
        **{
            f"{intent} during the screen, then back to the question": [
                *CONSENT, *answers("screen_form", ("knee", "inform")), *digression(intent, text, action),
                *answers("screen_form", ("no", "deny")),
            ]
            for intent, text, action in [
                ("ask_why", "why do you ask?", "action_explain_question"),
                ("ask_overpronation", "what is overpronation", "action_answer_faq"),
                ("ask_gait_analysis", "what is a gait analysis?", "action_answer_faq"),
                ("ask_orthotics", "custom orthotics vs store insoles?", "action_answer_faq"),
                ("ask_locations", "where are you", "action_answer_faq"),
                ("ask_hours", "when are you open", "action_answer_faq"),
                ("ask_insurance", "do you take my insurance", "action_answer_faq"),
                ("bot_challenge", "am I talking to a bot?", "utter_iamabot"),
                ("ask_human", "can I talk to a person", "action_request_human"),
                ("out_of_scope", "what's the weather like", "utter_out_of_scope"),
            ]
        },
        "a question during the pain pattern, then back": [
            *CONSENT, *SCREEN_CLEAR, *digression("ask_why", "why?", "action_explain_question", "pattern_form"),
            *answers("pattern_form", ("2 months", "inform")),
        ],
        "a question while asking for consent, then back": [
            *GREETING, *digression("ask_gait_analysis", "what's a gait analysis", "action_answer_faq", "consent_form"),
        ],
        "a question outside any form": [
            user("what are your hours", "ask_hours"), *act("action_answer_faq"),
        ],
        "talk to a person, with a callback": [
            user("I want to speak to a human", "ask_human"), *act("action_request_human"),
            user("yes please", "affirm"), *act("callback_form"), loop("callback_form"),
            user("Jane Smith", "inform"), {"action": "callback_form"},
            user("212 555 0142", "inform"), *form_done("callback_form"), *act("action_record_callback"),
        ],
        "talk to a person, no callback": [
            user("human please", "ask_human"), *act("action_request_human"),
            user("no", "deny"), *act("utter_anything_else"),
        ],
    },
    "test_changes.yml": {
        "a changed answer after the outcome re-runs the triage": [
            *CONSENT, *SCREEN_CLEAR, *pattern_to("gait_analysis"),
            user("actually it's both knees", "inform"), *act("action_update_answer"),
            slot(disposition=None, screen_clear=None), *act("screen_form"), loop("screen_form"),
        ],
        "start over in the middle of the screen": [
            *CONSENT, *answers("screen_form", ("knee", "inform")),
            user("start over", "restart"), *act("action_restart"), loop("consent_form"),
            *act("consent_form"), user("yes", "affirm"), slot(consent=True),
            *form_done("consent_form"), *act("utter_consent_thanks", "screen_form"), loop("screen_form"),
        ],
        "delete my data, confirmed": [
            *CONSENT, *SCREEN_CLEAR, *pattern_to("consult"),
            user("delete my data", "forget_me"), *act("utter_ask_forget_confirm"),
            user("yes", "affirm"), *act("action_forget_me"),
        ],
        "delete my data, cancelled": [
            user("please forget me", "forget_me"), *act("utter_ask_forget_confirm"),
            user("no", "deny"), *act("utter_forget_cancelled"),
        ],
        "delete my data in the middle of the screen": [
            *CONSENT, *answers("screen_form", ("knee", "inform")),
            user("delete everything you have on me", "forget_me"), *act("action_deactivate_loop"), loop(None),
            *act("utter_ask_forget_confirm"), user("yes", "affirm"), *act("action_forget_me"),
        ],
    },
}

TRAINING_STORIES = {
    "happy path to a booked gait analysis": [
        *CONSENT, *SCREEN_CLEAR, *pattern_to("gait_analysis"), *BOOKING, slot(booking_status="booked")],
    "red flag in the screen": [*CONSENT, *red_flag_in_screen("emergency", "yes")],
}


class _NoAliases(yaml.SafeDumper):
    """Write every step out in full: shared blocks must not become YAML anchors."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _strip_text(steps: List[Step]) -> List[Step]:
    """Training stories take intents only."""
    return [{k: v for k, v in step.items() if k != "user"} for step in steps]


def _dump(path: Path, key: str, stories: Dict[str, List[Step]], strip: bool = False) -> None:
    body = [{"story": name, "steps": _strip_text(steps) if strip else steps} for name, steps in stories.items()]
    header = "# Written by scripts/dev/write_test_stories.py: edit that, then run it.\n"
    path.write_text(header + yaml.dump({"version": "3.1", key: body}, Dumper=_NoAliases, sort_keys=False, width=100))


if __name__ == "__main__":
    for filename, stories in STORIES.items():
        _dump(ROOT / "data" / "tests" / filename, "stories", stories)
    _dump(ROOT / "data" / "stories.yml", "stories", TRAINING_STORIES, strip=True)
    print(f"{sum(len(s) for s in STORIES.values())} test stories written")
