"""Intent macro-F1 per language from a cross-validation run's errors (issue 15).

    rasa test nlu --cross-validation -f 3 --nlu data/nlu --out results/nlu-cv
    python scripts/nlu_by_language.py data/nlu results/nlu-cv/intent_errors.json

Cross-validation tests every example once, and Rasa writes the wrong predictions
(`intent_errors.json`); every other example was predicted right. Spanish examples are
the ones under data/nlu/es/, the rest are English.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Dict, List, Tuple

from rasa.shared.nlu.training_data.loading import load_data
from sklearn.metrics import accuracy_score, f1_score


def examples(nlu_dir: Path) -> Dict[str, List[Tuple[str, str]]]:
    """language -> [(text, intent)] for every intent example."""
    by_language: Dict[str, List[Tuple[str, str]]] = {"en": [], "es": []}
    for path in sorted(nlu_dir.rglob("*.yml")):
        language = "es" if "es" in path.relative_to(nlu_dir).parts[:-1] else "en"
        by_language[language] += [(m.get("text"), m.get("intent")) for m in load_data(str(path)).intent_examples]
    return by_language


def main(nlu_dir: str, errors_file: str) -> int:
    wrong = {e["text"]: e["intent_prediction"]["name"] for e in json.loads(Path(errors_file).read_text())}
    for language, pairs in examples(Path(nlu_dir)).items():
        truth = [intent for _, intent in pairs]
        predicted = [wrong.get(text, intent) for text, intent in pairs]
        labels = sorted(set(truth))
        macro = f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)
        print(f"{language}: {len(pairs)} examples, {len(labels)} intents, intent macro-F1 {macro:.3f}, "
              f"accuracy {accuracy_score(truth, predicted):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
