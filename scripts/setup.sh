#!/usr/bin/env bash
# Set up everything the assistant needs, doing only what changed since last time:
# the Python 3.10 virtual environment, the blank spaCy pipeline, the database schema,
# the widget's npm packages and (with --train) the Rasa model.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

# var/ holds the databases, logs and tokens: readable by this user only.
mkdir -p var && chmod 700 var

find_python() {
  local want; want=$(cat .python-version)
  if command -v pyenv >/dev/null 2>&1 && pyenv prefix "$want" >/dev/null 2>&1; then
    echo "$(pyenv prefix "$want")/bin/python"; return
  fi
  for candidate in python3.10 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)'; then
      command -v "$candidate"; return
    fi
  done
  cat >&2 <<MSG
Python 3.10 was not found. Rasa 3.6 needs Python 3.8-3.10.
Install it with pyenv ("pyenv install $want") or your package manager (python3.10 and
python3.10-venv), then run this again.
MSG
  exit 1
}

if [ ! -x .venv/bin/python ]; then
  python=$(find_python)
  say "Creating .venv with $("$python" --version)"
  "$python" -m venv .venv
fi

stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "Installing Python packages (first time: about 2 minutes, ~3 GB for TensorFlow)"
  .venv/bin/python -m pip install --quiet --upgrade pip wheel
  .venv/bin/python -m pip install --progress-bar off -r requirements.txt
  echo "$want" > "$stamp"
else
  say "Python packages are up to date"
fi

if [ -f bot/web/package-lock.json ]; then
  lock=bot/web/node_modules/.lock.sha256
  want=$(sha256sum bot/web/package-lock.json | cut -d' ' -f1)
  if [ "$(cat "$lock" 2>/dev/null)" != "$want" ]; then
    command -v npm >/dev/null 2>&1 || { echo "npm is needed for the chat widget: install Node.js 18+ (apt-get install nodejs npm)" >&2; exit 1; }
    say "Installing the widget's npm packages"
    (cd bot/web && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$lock"
  fi
fi

if [ ! -f var/spacy_en/meta.json ]; then
  say "Building the blank spaCy pipeline (no download needed)"
  .venv/bin/python -m bot.nlu.pipeline build var/spacy_en
fi

if [ -f bot/storage/__main__.py ]; then
  say "Upgrading the clinic database schema"
  .venv/bin/python -m bot.storage upgrade
fi

for arg in "$@"; do
  case "$arg" in
    --train) .venv/bin/python -m bot.training ;;
    --scaled|--test)
      # make run-scaled and its fault tests put Debian's nginx in front of the Rasa replicas.
      if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
          say "Installing nginx for make run-scaled"
          apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
        else
          echo "nginx is needed for make run-scaled: sudo apt-get install nginx-light" >&2; exit 1
        fi
      fi ;;
  esac
  case "$arg" in
    --test)
      # Browser tests drive Debian's Chromium with Playwright (never a downloaded browser).
      if ! command -v chromium >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
          say "Installing Chromium for the browser tests"
          apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
        else
          echo "Chromium is needed for the browser tests: sudo apt-get install chromium" >&2; exit 1
        fi
      fi ;;
  esac
done
