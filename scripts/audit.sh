#!/usr/bin/env bash
# Lighthouse (mobile) on the comparison page, served the way `make run` serves it.
#
# Run through `make audit`, which runs `make setup` first. This script installs the
# pinned Lighthouse from audit/package-lock.json, starts gunicorn (gunicorn.conf.py,
# the .env that `make setup` wrote) on a free loopback port, audits the page with
# Debian's Chromium in headless mode, prints the four category scores, one a line,
# then what kept each score under 100, and stops the server.
#
# AUDIT_PATH picks another page (default: the comparison). Reports: var/audit/.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=$ROOT/.venv
AUDIT_PATH=${AUDIT_PATH:-/compare/leg-press-vs-hip-thrust/}
OUT=$ROOT/var/audit
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
CHROME_FLAGS="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"

[ -x "$CHROME_PATH" ] || { echo "make audit needs Chromium at $CHROME_PATH (apt-get install chromium)." >&2; exit 1; }
command -v npm >/dev/null || { echo "make audit needs Node.js 20+ and npm." >&2; exit 1; }

# The pinned Lighthouse, reinstalled only when the lock file changes.
if [ ! -f audit/node_modules/.package-lock.json ] || [ audit/package-lock.json -nt audit/node_modules/.package-lock.json ]; then
  npm ci --prefix audit --no-audit --no-fund --loglevel=error
fi

mkdir -p "$OUT"
PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
PIDFILE=$OUT/gunicorn.pid
rm -f "$PIDFILE"

# As `make run` starts its web process: the .env through honcho, gunicorn.conf.py,
# the venv on PATH. Only the address differs, and SITE_URL follows it so canonical
# links point at the page being audited.
PATH="$VENV/bin:$PATH" "$VENV/bin/honcho" run \
  env GUNICORN_BIND="127.0.0.1:$PORT" SITE_URL="$BASE" \
  gunicorn config.wsgi:application --config gunicorn.conf.py --pid "$PIDFILE" \
  >"$OUT/gunicorn.log" 2>&1 &
SERVER=$!

stop_server() {
  if [ -s "$PIDFILE" ]; then
    kill -TERM "$(cat "$PIDFILE")" 2>/dev/null || true
  fi
  wait "$SERVER" 2>/dev/null || true
  rm -f "$PIDFILE"
}
trap stop_server EXIT

for _ in $(seq 1 100); do
  if curl --silent --fail --max-time 2 --output /dev/null "$BASE/healthz"; then
    break
  fi
  if ! kill -0 "$SERVER" 2>/dev/null; then
    echo "gunicorn stopped before it answered; see $OUT/gunicorn.log" >&2
    exit 1
  fi
  sleep 0.2
done
curl --silent --fail --max-time 5 --output /dev/null "$BASE$AUDIT_PATH" || {
  echo "$BASE$AUDIT_PATH does not answer 200; see $OUT/gunicorn.log" >&2
  exit 1
}

# Loopback only: no error reports, nothing but the page's own origin to fetch.
audit/node_modules/.bin/lighthouse "$BASE$AUDIT_PATH" \
  --quiet \
  --no-enable-error-reporting \
  --only-categories=performance,accessibility,best-practices,seo \
  --chrome-flags="$CHROME_FLAGS" \
  --output=json --output=html \
  --output-path="$OUT/lighthouse" \
  >"$OUT/lighthouse.log" 2>&1 || {
  cat "$OUT/lighthouse.log" >&2
  exit 1
}

"$VENV/bin/python" - "$OUT/lighthouse.report.json" <<'EOF'
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
EOF
echo
echo "Full report: $OUT/lighthouse.report.html"
