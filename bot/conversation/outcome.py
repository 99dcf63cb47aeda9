"""The triage result in plain words: the advice first, then why, then the honest caveat.

Emergency and urgent results give the advice and offer nothing else; a
gait-analysis result is honest about the evidence and is followed by the offer.
"""
from __future__ import annotations

from bot.triage import TriageResult, advice

from .phrases import likelihood_words, say

MAX_REASONS = 3
SAFETY_DISPOSITIONS = frozenset({"emergency", "urgent"})


def outcome_message(result: TriageResult, clinic_phone: str, language: str = "en") -> str:
    """The result in `language`: the advice, the reasons, the caveat."""
    reasons = [f"• {reason.text.say(language)}" for reason in result.reasons[:MAX_REASONS]]
    if result.disposition in SAFETY_DISPOSITIONS:
        # Only the signs that decided it: score reasons ("knee pain links with the feet") would confuse.
        signs = [f"• {reason.text.say(language)}" for reason in result.reasons if reason.points == 0][:MAX_REASONS]
        return "\n".join([f"⚠️ {advice(result.disposition).say(language)}", *signs,
                          say("result_safety_footer", language)])
    if result.disposition == "gait_analysis":
        lines = [say("result_gait", language, likelihood=likelihood_words(result.likelihood, language))]
    else:
        lines = [say("result_other", language)]
    lines += reasons
    lines.append(advice(result.disposition).say(language))
    if result.disposition == "consult":
        lines.append(say("result_consult_phone", language, clinic_phone=clinic_phone))
    lines.append(say("result_caveat", language))
    return "\n".join(lines)
