#!/usr/bin/env bash
# `make run`: gunicorn, plus one job worker when Redis answers; Ctrl+C stops both.
# Without Redis every job (matching after a save, digest, ...) runs inline in the web process, as before.
set -u
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
REDIS=${MATCHMAKER_REDIS_URL:-redis://127.0.0.1:6379/2}
# Links in mail start with the public URL, never with a request's Host header (issue 20).
export MATCHMAKER_PUBLIC_URL=${MATCHMAKER_PUBLIC_URL:-http://$HOST:$PORT}
# 3 gthread workers x 4 threads, chosen by bench/reads.py (README there): on 2 cores a kept-alive
# client stays on the worker that accepted it, and with 2 workers one often sat idle. Saves and other
# writes get threads of their own in each worker, never queued behind reads (matchmaker/serving.py).
GUNICORN=("$BIN/gunicorn" --workers 3 --threads 4 --worker-class matchmaker.serving.WritesFirstWorker
          --timeout 120 --bind "$HOST:$PORT" wsgi:app)

if "$BIN/python" -c "import redis, sys; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1).ping()" "$REDIS" 2>/dev/null; then
  export MATCHMAKER_REDIS_URL="$REDIS"
  echo "Jobs: Redis at $REDIS answers; one worker computes matches (the web processes never load the model)."
  "$BIN/flask" --app matchmaker worker &
  worker=$!
  # Ctrl+C reaches both through the terminal; the trap also stops the worker if gunicorn ends on its own.
  trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT
  trap 'exit 130' INT TERM
  echo "Serving on http://$HOST:$PORT/login  (Ctrl+C stops the server and the worker)"
  "${GUNICORN[@]}"
else
  unset MATCHMAKER_REDIS_URL
  echo "Jobs: no Redis at $REDIS; matching runs inline in the web processes."
  echo "Serving on http://$HOST:$PORT/login  (Ctrl+C to stop)"
  exec "${GUNICORN[@]}"
fi
