"""How many messages a patient sends to reach a result, and a booking: the simulated patients of tests/e2e.

Starts its own stack (temporary stores, like the test fixture), runs every
patient of tests/e2e/patients.yml over REST in free text, and prints per
disposition the median / p90 / max patient messages from the first message
to the result (consent included), the median without a red flag (target <= 12),
how often red-flag advice came in reply to the message that mentioned it, and
the messages from the first to a confirmed booking (target <= 18).

    .venv/bin/python bench/conversation_length.py [--engine-only] [--patient ID ...] [--transcripts]

--engine-only needs no servers: it walks each patient through
bot.triage.next_question with the intended answers, `first_facts` prefilled,
so its figures are the lower bound the conversation can reach.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.simulated import (RED_FLAG_DISPOSITIONS, ConversationFailed, PatientScript, converse,  # noqa: E402
                                 engine_walk, load_patients)

RESULT_TARGET = 12
BOOKING_TARGET = 18


@dataclass(frozen=True)
class Outcome:
    """One patient's run; `failure` is set (and the counts may be None) when it did not get through."""

    patient: PatientScript
    disposition: Optional[str]
    to_result: Optional[int]
    to_booking: Optional[int]
    red_flag_same_turn: Optional[bool]
    failure: str = ""
    transcript: str = ""
    reasked: Tuple[str, ...] = ()
    """Questions asked although the first message had answered them."""
    items_alone: int = 0
    """Checklist items asked one by one because a checklist reply was not understood."""

    @property
    def clean(self) -> bool:
        """Through, to the expected result, with nothing re-asked, no fallback and no late red-flag advice."""
        return (not self.failure and self.disposition == self.patient.expect and not self.reasked
                and not self.items_alone and self.red_flag_same_turn is not False)


def engine_outcome(patient: PatientScript) -> Outcome:
    walk = engine_walk(patient)
    same_turn = walk.settled_at.get(patient.red_flag_at) if patient.red_flag_at else None
    return Outcome(patient, walk.disposition, walk.to_result, walk.to_booking, same_turn)


def stack_outcome(stack) -> Callable[[PatientScript], Outcome]:
    def run(patient: PatientScript) -> Outcome:
        try:
            talk = converse(stack, patient)
        except ConversationFailed as failed:
            reason, _, tail = str(failed).partition("\n")
            return Outcome(patient, None, None, None, None, failure=reason, transcript=tail)
        reasked = tuple(q for q in patient.never_asked if q in talk.pending_seen)
        return Outcome(patient, talk.disposition, talk.to_result, talk.to_booking, talk.red_flag_same_turn,
                       transcript=talk.tail(40), reasked=reasked, items_alone=len(talk.items_alone))
    return run


def run_all(patients: Iterable[PatientScript], run: Callable[[PatientScript], Outcome]) -> List[Outcome]:
    outcomes = []
    for patient in patients:
        outcome = run(patient)
        outcomes.append(outcome)
        print(_progress(outcome), flush=True)
    return outcomes


def _progress(o: Outcome) -> str:
    if o.failure:
        return f"  {o.patient.id:32} FAILED  {o.failure}"
    mark = "ok" if o.disposition == o.patient.expect else f"WRONG (expected {o.patient.expect})"
    notes = [f"booked after {o.to_booking}"] if o.to_booking else []
    notes += [f"re-asked {', '.join(o.reasked)}"] if o.reasked else []
    notes += [f"{o.items_alone} checklist items asked alone"] if o.items_alone else []
    notes += ["red-flag advice LATE"] if o.red_flag_same_turn is False else []
    return f"  {o.patient.id:32} {o.disposition:14} {mark:4} after {o.to_result} messages" + "".join(
        f"; {note}" for note in notes)


def _spread(values: List[int]) -> str:
    if not values:
        return "no runs"
    p90 = statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else values[0]
    return (f"median {statistics.median(values):>4g}  p90 {p90:>4g}  max {max(values):>3}"
            f"  (n={len(values)})")


def report(outcomes: List[Outcome]) -> None:
    done = [o for o in outcomes if not o.failure]
    right = [o for o in done if o.disposition == o.patient.expect]
    print(f"\n{len(right)} of {len(outcomes)} patients reached the expected result"
          f" ({len(outcomes) - len(done)} failed, {len(done) - len(right)} wrong)")
    print("patient messages from the first message to the result, by the expected disposition:")
    by_disposition: Dict[str, List[int]] = {}
    for o in done:
        by_disposition.setdefault(o.patient.expect, []).append(o.to_result)
    for disposition, values in sorted(by_disposition.items()):
        print(f"  {disposition:14} {_spread(values)}")
    calm = [o.to_result for o in done if o.patient.expect not in RED_FLAG_DISPOSITIONS]
    if calm:
        median = statistics.median(calm)
        print(f"  no red flag    median {median:g} (target <= {RESULT_TARGET}: {_met(median <= RESULT_TARGET)})")
    flagged = [o for o in outcomes if o.patient.red_flag_at]
    same = sum(1 for o in flagged if o.red_flag_same_turn)
    print(f"red-flag advice in reply to the message that mentioned it: {same} of {len(flagged)}")
    booked = [o.to_booking for o in done if o.to_booking]
    wanted = sum(1 for o in outcomes if o.patient.booking)
    print(f"first message to a confirmed booking: {_spread(booked)}, {len(booked)} of {wanted} booked")
    if booked:
        print(f"  target <= {BOOKING_TARGET}: median {_met(statistics.median(booked) <= BOOKING_TARGET)}, "
              f"max {_met(max(booked) <= BOOKING_TARGET)}")


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine-only", action="store_true", help="the triage engine alone, no servers")
    parser.add_argument("--patient", action="append", default=[], help="run only this patient id (repeatable)")
    parser.add_argument("--transcripts", action="store_true", help="print the end of every run that was not clean")
    args = parser.parse_args()
    patients = [p for p in load_patients() if not args.patient or p.id in args.patient]
    if args.engine_only:
        print("engine only (the lower bound):")
        outcomes = run_all(patients, engine_outcome)
    else:
        from tests.conftest import running_stack  # pytest and the Rasa stack only when needed
        with running_stack(Path(tempfile.mkdtemp(prefix="bench-conv-"))) as stack:
            print("conversation over REST:")
            outcomes = run_all(patients, stack_outcome(stack))
    report(outcomes)
    if args.transcripts:
        for o in outcomes:
            if not o.clean:
                print(f"\n--- {o.patient.id}: {o.failure or _progress(o).strip()}\n{o.transcript}")
    return 0 if all(not o.failure and o.disposition == o.patient.expect for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
