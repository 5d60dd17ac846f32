#!/usr/bin/env bash
# Lighthouse (mobile) on the comparison page, and on an exercise page showing two photos, served the way
# `make run` serves them.
#
# Run through `make audit`, which runs `make setup` first. This script installs the pinned Lighthouse from
# audit/package-lock.json, starts gunicorn (gunicorn.conf.py, the .env that `make setup` wrote) on a free
# loopback port, audits each page with Debian's Chromium in headless mode, prints the four category
# scores, one a line, then what kept each score under 100, and stops the server.
#
# The gym ships no photos, so the exercise page is audited on a throwaway copy of the data in
# var/audit/photos/ with two generated test pictures on it (scripts/audit_data.py); the site's own
# database and photos are only read. AUDIT_PATH picks another first page (default: the comparison),
# AUDIT_EXERCISE the exercise (default: hip-thrust). Reports: var/audit/.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=$ROOT/.venv
AUDIT_PATH=${AUDIT_PATH:-/compare/leg-press-vs-hip-thrust/}
AUDIT_EXERCISE=${AUDIT_EXERCISE:-hip-thrust}
OUT=$ROOT/var/audit
COPY=$OUT/photos
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
CHROME_FLAGS="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"

[ -x "$CHROME_PATH" ] || { echo "make audit needs Chromium at $CHROME_PATH (apt-get install chromium)." >&2; exit 1; }
command -v npm >/dev/null || { echo "make audit needs Node.js 20+ and npm." >&2; exit 1; }

# The pinned Lighthouse, reinstalled only when the lock file changes.
if [ ! -f audit/node_modules/.package-lock.json ] || [ audit/package-lock.json -nt audit/node_modules/.package-lock.json ]; then
  npm ci --prefix audit --no-audit --no-fund --loglevel=error
fi

mkdir -p "$OUT"
PIDFILE=$OUT/gunicorn.pid
SERVER=

stop_server() {
  if [ -s "$PIDFILE" ]; then
    kill -TERM "$(cat "$PIDFILE")" 2>/dev/null || true
  fi
  if [ -n "$SERVER" ]; then wait "$SERVER" 2>/dev/null || true; fi
  rm -f "$PIDFILE"
  SERVER=
}
trap 'stop_server; rm -rf "$COPY"' EXIT

free_port() {
  "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# serve PORT [VAR=value...]: as `make run` starts its web process (the .env through honcho,
# gunicorn.conf.py, the venv on PATH). Only the address differs, and SITE_URL follows it so canonical
# links point at the page being audited; the variables given win over .env.
serve() {
  local port=$1
  shift
  rm -f "$PIDFILE"
  PATH="$VENV/bin:$PATH" "$VENV/bin/honcho" run \
    env GUNICORN_BIND="127.0.0.1:$port" SITE_URL="http://127.0.0.1:$port" "$@" \
    gunicorn config.wsgi:application --config gunicorn.conf.py --pid "$PIDFILE" \
    >"$OUT/gunicorn.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do
    if curl --silent --fail --max-time 2 --output /dev/null "http://127.0.0.1:$port/healthz"; then
      return 0
    fi
    if ! kill -0 "$SERVER" 2>/dev/null; then
      echo "gunicorn stopped before it answered; see $OUT/gunicorn.log" >&2
      exit 1
    fi
    sleep 0.2
  done
}

# audit URL NAME: Lighthouse on one page; its scores, then what kept any under 100.
audit() {
  local url=$1 name=$2
  curl --silent --fail --max-time 5 --output /dev/null "$url" || {
    echo "$url does not answer 200; see $OUT/gunicorn.log" >&2
    exit 1
  }
  # Loopback only: no error reports, nothing but the page's own origin to fetch.
  audit/node_modules/.bin/lighthouse "$url" \
    --quiet \
    --no-enable-error-reporting \
    --only-categories=performance,accessibility,best-practices,seo \
    --chrome-flags="$CHROME_FLAGS" \
    --output=json --output=html \
    --output-path="$OUT/$name" \
    >"$OUT/$name.log" 2>&1 || {
    cat "$OUT/$name.log" >&2
    exit 1
  }
  echo "== $url"
  "$VENV/bin/python" - "$OUT/$name.report.json" <<'PY'
import json
import sys

report = json.load(open(sys.argv[1]))
categories = report["categories"]
order = ["performance", "accessibility", "best-practices", "seo"]
for key in order:
    score = categories[key]["score"]
    print(f"{key}: {'n/a' if score is None else round(score * 100)}")

for key in order:
    category = categories[key]
    if category["score"] == 1:
        continue
    print(f"\n{category['title']} is under 100 because of:")
    for ref in category["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            print(f"  - {audit['title']}{value} [{ref['id']}, score {audit['score']:.2f}]")
PY
  echo "Full report: $OUT/$name.report.html"
  echo
}

PORT=$(free_port)
serve "$PORT"
audit "http://127.0.0.1:$PORT$AUDIT_PATH" lighthouse
stop_server

# The exercise page with two test photos, on the throwaway copy.
PORT=$(free_port)
rm -rf "$COPY"
"$VENV/bin/python" scripts/audit_data.py "$COPY" "http://127.0.0.1:$PORT" "$AUDIT_EXERCISE"
mapfile -t COPY_ENV <"$COPY/server.env"
serve "$PORT" "${COPY_ENV[@]}"
audit "http://127.0.0.1:$PORT$(cat "$COPY/exercise-path")" lighthouse-photos
