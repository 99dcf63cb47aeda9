"""Command line: `python -m bot.triage assess | next | vignettes FILE | interview-stats FILE`.

    assess [--file F] [--explain]   one JSON object of answers -> the result
    next                            {"answers": {...}, "unsure": [...]} (or bare answers) on stdin
                                    -> {"question": {...}} or, when the interview is over,
                                    {"disposition", "likelihood", "reasons"}
    vignettes FILE                  the vignette figures
    interview-stats FILE            every vignette through the interview: questions asked
    doc-tables                      the tables of docs/clinical-model.md, from the model
    calibrate [--findings F] [--out D]  fit the score's weights to recorded gait findings (the clinic
                                    database, or JSON lines F) and write a proposed model + diff to D

Exit codes: 0 done, 1 a requirement failed (an emergency vignette not safe, the
interview disagreeing with assess), 2 invalid input, 3 too little data to calibrate.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence, TextIO

from .calibrate import fit_weights, read_records, write_proposal
from .doc_tables import all_rows
from .engine import assess
from .explain import explain
from .interview import next_question
from .keys import InvalidAnswers
from .model import live_model_file
from .stats import report as stats_report, run_all
from .vignettes import evaluate, load_vignettes, report

INVALID_INPUT = 2
TOO_LITTLE_DATA = 3


def main(argv: Optional[Sequence[str]] = None, stdin: TextIO = sys.stdin,
         stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.triage", description="Podiatry triage engine.")
    commands = parser.add_subparsers(dest="command", required=True)
    assess_cmd = commands.add_parser("assess", help="triage one JSON object of answers")
    assess_cmd.add_argument("--file", type=Path, help="read the answers from this file instead of stdin")
    assess_cmd.add_argument("--explain", action="store_true", help="print a readable breakdown instead of JSON")
    next_cmd = commands.add_parser("next", help="the next interview question for the answers on stdin")
    next_cmd.add_argument("--file", type=Path, help="read the input from this file instead of stdin")
    commands.add_parser("doc-tables", help="print the tables of docs/clinical-model.md from the model")
    calibrate_cmd = commands.add_parser("calibrate", help="propose score weights fitted to recorded gait findings")
    calibrate_cmd.add_argument("--findings", type=Path, help="JSON lines of answers and findings (default: the "
                                                             "clinic database, DATABASE_URL)")
    calibrate_cmd.add_argument("--out", type=Path, default=Path("var/calibration"), help="where to write the proposal")
    calibrate_cmd.add_argument("--min-epv", type=float, default=10.0, help="events needed per fitted answer cell")
    for name, text in (("vignettes", "run a vignette file and print the figures"),
                       ("interview-stats", "run every vignette through the interview and count the questions")):
        commands.add_parser(name, help=text).add_argument("file", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "doc-tables":
            print(all_rows(), file=stdout)
            return 0
        if args.command == "calibrate":
            return _calibrate(args, stdout)
        if args.command == "vignettes":
            _, figures = evaluate(load_vignettes(args.file))
            print(report(figures), file=stdout)
            return 0 if figures.emergency_safe == figures.emergency_total else 1
        if args.command == "interview-stats":
            text, ok = stats_report(run_all(load_vignettes(args.file)))
            print(text, file=stdout)
            return 0 if ok else 1
        data = json.loads(args.file.read_text(encoding="utf-8") if args.file else stdin.read())
        if args.command == "next":
            output = json.dumps(_next(data), indent=2)
        else:
            if not isinstance(data, dict):
                raise InvalidAnswers("<answers>", "expected one JSON object of answers")
            output = explain(data) if args.explain else json.dumps(assess(data).to_dict(), indent=2)
    except OSError as error:
        print(f"error: cannot read {error.filename}: {error.strerror}", file=stderr)
        return INVALID_INPUT
    except json.JSONDecodeError as error:
        print(f"error: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}", file=stderr)
        return INVALID_INPUT
    except InvalidAnswers as error:
        print(f"error: invalid answers: {error}", file=stderr)
        return INVALID_INPUT
    except ValueError as error:  # a malformed vignette file
        print(f"error: {error}", file=stderr)
        return INVALID_INPUT
    print(output, file=stdout)
    return 0


def _next(data: object) -> dict:
    """The `next` contract: a question, or the result once the interview is over."""
    if not isinstance(data, dict):
        raise InvalidAnswers("<input>", 'expected {"answers": {...}} or one JSON object of answers')
    wrapped = isinstance(data.get("answers"), dict) and set(data) <= {"answers", "unsure"}
    answers = data["answers"] if wrapped else data
    unsure = data.get("unsure", []) if wrapped else []
    if not isinstance(unsure, list):
        raise InvalidAnswers("<unsure>", "expected a list of checklist ids")
    question = next_question(answers, unsure)
    if question is not None:
        return {"question": question.to_dict()}
    result = assess(answers).to_dict()
    return {key: result[key] for key in ("disposition", "likelihood", "reasons")}


def _calibrate(args: argparse.Namespace, stdout: TextIO) -> int:
    """Fit, report, and write the proposal for clinical review; never the live model."""
    if args.findings:
        records = read_records(args.findings)
    else:
        from bot.storage.findings import calibration_records  # the database only when asked for
        records = calibration_records()
    fit = fit_weights(records, min_epv=args.min_epv)
    print(fit.message, file=stdout)
    if not fit.conclusive:
        return TOO_LITTLE_DATA
    proposed, diff = write_proposal(fit, args.out, live_model_file())
    print(f"Proposed model: {proposed}\nDiff for clinical review: {diff}\n"
          f"The live model ({live_model_file()}) is unchanged.", file=stdout)
    return 0
