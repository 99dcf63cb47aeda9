"""The project's spaCy pipeline: a blank English tokenizer, saved to disk for Rasa's SpacyNLP.

Why blank: no model download is allowed and the rule components need only tokens;
they build their own matchers from pattern files at load time. SpacyNLP needs a
directory with meta.json, which `nlp.to_disk` writes.

    python -m bot.nlu.pipeline build var/spacy_en
"""
from __future__ import annotations

import argparse
import sys
from functools import lru_cache
from pathlib import Path
from typing import List, Optional

import spacy
from spacy.language import Language

LANGUAGE = "en"
PIPELINE_NAME = "podiatry_blank"


@lru_cache(maxsize=1)
def blank_english() -> Language:
    """One shared blank English pipeline (tokenizer only) per process."""
    return new_pipeline()


@lru_cache(maxsize=1)
def blank_spanish() -> Language:
    """One shared blank Spanish tokenizer per process, for the Spanish pattern files."""
    return spacy.blank("es")


def new_pipeline() -> Language:
    """A fresh blank English pipeline with the project's name in its meta."""
    nlp = spacy.blank(LANGUAGE)
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["description"] = "Blank English tokenizer for the podiatry triage assistant"
    return nlp


def build(path: Path) -> Path:
    """Write the pipeline to `path` (overwriting any earlier build) and return it."""
    path.mkdir(parents=True, exist_ok=True)
    new_pipeline().to_disk(path)
    return path


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.nlu.pipeline", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_command = commands.add_parser("build", help="save the blank pipeline to a directory")
    build_command.add_argument("path", type=Path)
    args = parser.parse_args(argv)
    built = build(args.path)
    print(f"saved blank '{LANGUAGE}' spaCy pipeline to {built}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
