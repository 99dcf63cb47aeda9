# The two commands a new user needs: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PY := .venv/bin/python
export RASA_PORT ?= 5005
export ACTION_PORT ?= 5055
export WEB_PORT ?= 8080
export STAFF_PORT ?= 8081
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: run run-scaled test test-fast screenshots setup train shell staff-user telegram-webhook nlu-eval clean

## Set up what changed, train if needed, start everything; Ctrl-C stops it all.
run:
	@scripts/setup.sh --train
	@$(PY) -m bot.run

## Rasa's production topology: PostgreSQL, Redis locks, REPLICAS Rasa servers and ACTION_REPLICAS
## action servers behind nginx on RASA_PORT (docs/architecture.md, deploy/README.md).
run-scaled:
	@scripts/setup.sh --train --scaled
	@$(PY) -m bot.scaled

## Set up, then run every test (unit, data validation, Rasa story tests, end to end).
test:
	@scripts/setup.sh --train --test
	@scripts/test.sh

## Unit tests only (no servers, no browser, fewer property examples): about a minute.
test-fast: setup
	@HYPOTHESIS_PROFILE=fast $(PY) -m pytest tests/triage tests/conversation tests/nlu tests/nlu_data \
	  tests/test_domain_consistency.py tests/e2e/test_patient_scripts.py -m "not slow" -q -p no:cacheprovider

## Re-take the pictures in docs/img/: only the tests marked `screenshots`, allowed to write there.
screenshots:
	@scripts/setup.sh --train --test
	@SCREENSHOTS_TO_DOCS=1 $(PY) -m pytest tests -m screenshots -p no:cacheprovider

setup:
	@scripts/setup.sh

train: setup
	@$(PY) -m bot.training --force

## Talk to the assistant in this terminal (starts its own action server).
shell: setup
	@$(PY) -m bot.training
	@$(PY) -c 'import os; from pathlib import Path; from bot.launcher import render_endpoints; render_endpoints(dict(os.environ), Path("var/endpoints.yml"))'
	@mkdir -p var/log; trap 'kill %1' EXIT; SANIC_HOST=127.0.0.1 .venv/bin/rasa run actions --port $(ACTION_PORT) >var/log/actions-shell.log 2>&1 & \
	  .venv/bin/rasa shell --model models/triage.tar.gz --endpoints var/endpoints.yml

## Create a staff login for the staff pages: make staff-user NAME=alice
staff-user: setup
	@test -n "$(NAME)" || { echo "Say whose login to create: make staff-user NAME=alice" >&2; exit 2; }
	@$(PY) -m bot.staff create-user "$(NAME)"

## Register the Telegram webhook: make telegram-webhook URL=https://example.org/webhooks/telegram/webhook
telegram-webhook: setup
	@$(PY) -m bot.channels.telegram set-webhook $(URL)

## 5-fold cross-validation of the NLU pipeline (about 10 minutes); writes results/nlu-cv/.
nlu-eval: setup
	@.venv/bin/rasa test nlu --config config.yml --nlu data/nlu --cross-validation --folds 5 --out results/nlu-cv

clean:
	rm -rf models results var/log
