#!/usr/bin/env bash
# Starts `overdue serve` in the background for the demo (make demo), waits until it answers,
# and prints the URL of the borrower's page. `make stop` stops it. Logs: out/serve.log.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
pidfile=out/serve.pid
mkdir -p out
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  kill "$(cat "$pidfile")" 2>/dev/null || true
  sleep 0.5
fi
port=${PORT:-8000}
# The first free port from $port on (another service may hold 8000).
port=$("$bin/python" - "$port" <<'PY'
import socket, sys
p = int(sys.argv[1])
while True:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", p))
            break
        except OSError:
            p += 1
print(p)
PY
)
nohup "$bin/overdue" serve --host 127.0.0.1 --port "$port" >out/serve.log 2>&1 &
echo $! >"$pidfile"
for _ in $(seq 1 50); do
  if "$bin/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
      "http://127.0.0.1:$port/healthz" 2>/dev/null; then
    echo "borrower page (no login, nothing stored): http://127.0.0.1:$port/"
    echo "JSON API: http://127.0.0.1:$port/openapi.json · stop the service: make stop"
    exit 0
  fi
  sleep 0.2
done
echo "the web service did not start; see out/serve.log" >&2
exit 1
