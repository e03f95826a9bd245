#!/usr/bin/env bash
# Start the demo: a Celery worker with embedded beat on the configured broker
# (the filesystem broker under var/ unless CELERY_BROKER_URL says otherwise),
# and the web server on http://127.0.0.1:8000. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST_PORT="${DEMO_ADDRESS:-127.0.0.1:8000}"

$PY -m celery -A config worker --beat --loglevel=INFO --concurrency=2 -Q celery,documents \
  --schedule=var/celerybeat-schedule --hostname="demo@%h" &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM

echo
echo "hoinghi is starting on http://$HOST_PORT/  (admin: http://$HOST_PORT/admin/)"
echo
$PY manage.py runserver "$HOST_PORT"
