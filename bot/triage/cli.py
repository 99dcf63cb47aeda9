"""Command line: `python -m bot.triage assess [--file F] [--explain]` and `vignettes FILE`.

Exit codes: 0 done, 1 an emergency vignette was not safe, 2 invalid input.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence, TextIO

from .answers import InvalidAnswers
from .engine import assess
from .explain import explain
from .vignettes import evaluate, load_vignettes, report

INVALID_INPUT = 2


def main(argv: Optional[Sequence[str]] = None, stdin: TextIO = sys.stdin,
         stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.triage", description="Podiatry triage engine.")
    commands = parser.add_subparsers(dest="command", required=True)
    assess_cmd = commands.add_parser("assess", help="triage one JSON object of answers")
    assess_cmd.add_argument("--file", type=Path, help="read the answers from this file instead of stdin")
    assess_cmd.add_argument("--explain", action="store_true", help="print a readable breakdown instead of JSON")
    vignettes_cmd = commands.add_parser("vignettes", help="run a vignette file and print the figures")
    vignettes_cmd.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    if args.command == "vignettes":
        return _vignettes(args.file, stdout, stderr)
    return _assess(args.file, args.explain, stdin, stdout, stderr)


def _assess(file: Optional[Path], explained: bool, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    try:
        text = file.read_text(encoding="utf-8") if file else stdin.read()
        answers = json.loads(text)
        if not isinstance(answers, dict):
            raise InvalidAnswers("<answers>", "expected one JSON object of answers")
        output = explain(answers) if explained else json.dumps(assess(answers).to_dict(), indent=2)
    except OSError as error:
        print(f"error: cannot read {file}: {error.strerror}", file=stderr)
        return INVALID_INPUT
    except json.JSONDecodeError as error:
        print(f"error: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}", file=stderr)
        return INVALID_INPUT
    except InvalidAnswers as error:
        print(f"error: invalid answers: {error}", file=stderr)
        return INVALID_INPUT
    print(output, file=stdout)
    return 0


def _vignettes(file: Path, stdout: TextIO, stderr: TextIO) -> int:
    try:
        vignettes = load_vignettes(file)
        _, figures = evaluate(vignettes)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=stderr)
        return INVALID_INPUT
    print(report(figures), file=stdout)
    return 0 if figures.emergency_safe == figures.emergency_total else 1
