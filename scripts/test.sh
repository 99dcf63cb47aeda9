#!/usr/bin/env bash
# Every test, in order of speed: data validation, Rasa's story tests, then pytest
# (unit, storage, channels, end to end against real servers, browser). Exits non-zero
# on any failure; pytest's summary is the last thing printed.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false ACTION_PORT="${ACTION_PORT:-5055}"

echo "==> rasa data validate"
# Fails on errors. Its warnings about responses uttered by custom actions cannot be
# resolved here; tests/test_domain_consistency.py checks those links instead.
.venv/bin/rasa data validate --config config.yml --domain domain.yml --data data/nlu data/rules

echo "==> rasa test core on data/tests (test stories)"
.venv/bin/rasa test core --model models/triage.tar.gz --stories data/tests --fail-on-prediction-errors --out results/core

echo "==> pytest"
set +e
.venv/bin/python -m pytest tests "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: failing, since a test run must run tests." >&2
fi
exit "$status"
