#!/usr/bin/env bash
# Three llm-proxy.jar replicas (same config, own loopback ports) behind a local nginx, with a mock upstream.
# Proves the docs/deploy.md recipe under load:
#   round 1  all three up: every request succeeds; each replica's /metrics (llmproxy_requests_total)
#            equals what the load generator got from it, and the three sum to the load sent;
#   round 2  one replica gets SIGTERM, then another SIGKILL, both while serving: the SIGTERMed one drains
#            (every request it accepted completes, its in-flight streams too, exit code 0), only requests
#            in flight on the killed one fail, everything on the survivor completes and its /metrics matches.
#            The one loss a graceful stop can cause, a connection reset in the accept queue as the listener
#            closes (docs/deploy.md, "Rolling restart"), is checked against nginx's log and printed as a note.
# Builds nothing: run ./build.sh first. Everything binds 127.0.0.1; temp dir removed (KEEP_TMP_ON_FAILURE=1
# keeps it when the test fails), every process it started stopped by PID on exit. About 15-20 s.
# Needs nginx (skipped with a message when absent; LLMPROXY_INSTALL_NGINX=1 apt-get installs it as root),
# node >= 18 and curl (missing node fails unless LLMPROXY_SKIP_NODE=1), a JDK >= 21 (.ci/jdk.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
HERE="$ROOT/test/deploy"
T0=$(date +%s)
log() { printf '[deploy %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# ---------------------------------------------------------------- tools
NGINX=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true)
if [ -z "$NGINX" ] && [ "${LLMPROXY_INSTALL_NGINX:-0}" = 1 ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    log "installing nginx (LLMPROXY_INSTALL_NGINX=1)"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y nginx || { apt-get update && apt-get install -y nginx; }; } >/dev/null 2>&1 || true
    NGINX=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true)
fi
if [ -z "$NGINX" ]; then
    log "SKIPPED: nginx is not installed (apt-get install nginx, or LLMPROXY_INSTALL_NGINX=1 as root)"
    exit 0
fi
if ! command -v node >/dev/null; then
    [ "${LLMPROXY_SKIP_NODE:-0}" = 1 ] && { log "SKIPPED: no node (LLMPROXY_SKIP_NODE=1)"; exit 0; }
    log "error: node is needed (or set LLMPROXY_SKIP_NODE=1 to skip)"; exit 1
fi
command -v curl >/dev/null || { log "error: curl is needed"; exit 1; }
# shellcheck source=../../.ci/jdk.sh
. "$ROOT/.ci/jdk.sh"
JAR="${LLM_PROXY_JAR:-$ROOT/llm-proxy.jar}"
[ -f "$JAR" ] || { log "error: no $JAR; run ./build.sh first"; exit 1; }

# ---------------------------------------------------------------- processes and temp files
TMP=$(mktemp -d "${TMPDIR:-/tmp}/llm-proxy-deploy.XXXXXX")
PIDS=()
stop_pid() { # one process we started: TERM, then KILL after 15 s
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
forget_pid() { local p keep=(); for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; PIDS=("${keep[@]}"); }
cleanup() {
    local rc=$? i
    for (( i = ${#PIDS[@]} - 1; i >= 0; i-- )); do stop_pid "${PIDS[i]}"; done   # last started first: the mock goes last
    if [ "$rc" -ne 0 ] && [ -d "$TMP" ]; then
        log "failed; last lines of the logs:"
        for f in "$TMP"/replica-*.out "$TMP"/nginx-error.log "$TMP"/mock.out; do
            [ -f "$f" ] && { echo "--- $(basename "$f")"; tail -n 15 "$f"; }
        done
    fi
    if [ "$rc" -ne 0 ] && [ "${KEEP_TMP_ON_FAILURE:-0}" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
die() { log "FAIL: $*"; exit 1; }
now_ms() { date +%s%3N; }
until_true() { # SECONDS WHAT CMD...: poll CMD every 20 ms until it succeeds
    local deadline=$(( $(date +%s) + $1 )) what=$2; shift 2
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || die "$what: not within the deadline"
        sleep 0.02
    done
}
free_port() {
    node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# ---------------------------------------------------------------- mock upstream
# Non-streaming answers after 20 ms; streams of 10 chunks 150 ms apart (1.5 s), long enough to be caught.
node "$HERE/mock-upstream.js" "$TMP/mock-port" 20 10 150 > "$TMP/mock.out" 2>&1 &
PIDS+=($!)
until_true 10 "mock upstream start" test -s "$TMP/mock-port"
MOCK_PORT=$(cat "$TMP/mock-port")

# ---------------------------------------------------------------- one config, three replicas
# Secrets come from files, as from /run/credentials or a Kubernetes Secret; the port and log folder
# from each replica's environment.
mkdir -p "$TMP/credentials"
printf 'sk-deploy-client-0123456789\n' > "$TMP/credentials/proxy_api_key"
printf 'sk-deploy-admin-0123456789\n' > "$TMP/credentials/admin_api_key"
KEY=sk-deploy-client-0123456789
ADMIN=sk-deploy-admin-0123456789
cat > "$TMP/config.yaml" <<YAML
listen: "127.0.0.1:\${LLMPROXY_PORT}"
proxy_api_key: "\${file:$TMP/credentials/proxy_api_key}"
admin_api_key: "\${file:$TMP/credentials/admin_api_key}"
backends:
  - name: "mock"
    url: "http://127.0.0.1:$MOCK_PORT/v1"
    api_key: "sk-upstream-mock-0123456789"
models:
  "deploy-model":
    routes:
      - backend: "mock"
        model: "mock-model"
logging:
  level: "warn"
  general_file: "\${LLMPROXY_LOG_DIR}/proxy.log"
server:
  shutdown_grace_seconds: 10
YAML
LLMPROXY_PORT=0 LLMPROXY_LOG_DIR="$TMP" "$JAVA" -jar "$JAR" -check -config "$TMP/config.yaml" > /dev/null \
    || die "the replica config does not load"

declare -A PORT PID
for r in a b c; do PORT[$r]=$(free_port); echo "${PORT[$r]}" > "$TMP/port-$r"; done
for r in a b c; do
    mkdir -p "$TMP/logs-$r"
    LLMPROXY_PORT=${PORT[$r]} LLMPROXY_LOG_DIR="$TMP/logs-$r" \
        "$JAVA" -XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1 -jar "$JAR" -config "$TMP/config.yaml" \
        > "$TMP/replica-$r.out" 2>&1 &
    PID[$r]=$!
    PIDS+=("${PID[$r]}")
done
healthy() { curl -fs -o /dev/null "http://127.0.0.1:$1/healthz"; }
refusing() { curl -s -o /dev/null "http://127.0.0.1:$1/healthz"; [ $? -eq 7 ]; }   # curl 7: connection refused
for r in a b c; do until_true 30 "replica $r /healthz" healthy "${PORT[$r]}"; done
log "replicas a, b, c on ports ${PORT[a]}, ${PORT[b]}, ${PORT[c]} (pids ${PID[a]}, ${PID[b]}, ${PID[c]}); mock upstream on $MOCK_PORT"

# ---------------------------------------------------------------- nginx
NGINX_PORT=$(free_port)
NGX_USER=""; [ "$(id -u)" -eq 0 ] && NGX_USER="user root;"   # workers must reach the 0700 temp dir
sed -e "s|@DIR@|$TMP|g" -e "s|@USER@|$NGX_USER|" -e "s|@PORT_NGINX@|$NGINX_PORT|" \
    -e "s|@PORT_A@|${PORT[a]}|" -e "s|@PORT_B@|${PORT[b]}|" -e "s|@PORT_C@|${PORT[c]}|" \
    "$HERE/nginx.conf.tmpl" > "$TMP/nginx.conf"
"$NGINX" -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/nginx-error.log" > "$TMP/nginx.out" 2>&1 &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
until_true 10 "nginx start" healthy "$NGINX_PORT"
URL="http://127.0.0.1:$NGINX_PORT/v1/chat/completions"
log "nginx ($("$NGINX" -v 2>&1 | sed 's/.*version: //')) on port $NGINX_PORT"

metrics() { # REPLICA FILE: its /metrics with the admin key
    curl -fsS -H "Authorization: Bearer $ADMIN" "http://127.0.0.1:${PORT[$1]}/metrics" > "$2"
}
gauge_positive() { # REPLICA NAME: the replica's gauge NAME is above 0
    curl -fsS -H "Authorization: Bearer $ADMIN" "http://127.0.0.1:${PORT[$1]}/metrics" 2>/dev/null \
        | awk -v n="$2" '$1 == n && $2 > 0 {found=1} END {exit !found}'
}

# ---------------------------------------------------------------- round 1: all up
CONC=12
log "round 1: load through nginx, $CONC at a time for 3 s (one in 4 streams)"
node "$HERE/load.js" "$URL" "$KEY" "$CONC" 3 20000 4 "$TMP/round1.jsonl"
for r in a b c; do metrics "$r" "$TMP/metrics1-$r"; done

# ---------------------------------------------------------------- round 2: SIGTERM a, SIGKILL b, under load
log "round 2: load for 8 s; SIGTERM replica a while it relays a stream, then SIGKILL replica b while it serves"
node "$HERE/load.js" "$URL" "$KEY" "$CONC" 8 20000 4 "$TMP/round2.jsonl" &
LOAD_PID=$!
PIDS+=("$LOAD_PID")
until_true 5 "a stream open on replica a" gauge_positive a llmproxy_open_streams
now_ms > "$TMP/term-at"
kill -TERM "${PID[a]}"
until_true 10 "replica a closing its listener" refusing "${PORT[a]}"
now_ms > "$TMP/closed-at"
until_true 5 "a request in flight on replica b" gauge_positive b llmproxy_in_flight_requests
now_ms > "$TMP/kill-at"
kill -KILL "${PID[b]}"
{ wait "${PID[b]}"; } 2>/dev/null || true   # braces: silence the shell's "Killed" notice
now_ms > "$TMP/dead-at"
forget_pid "${PID[b]}"
rc_a=0; wait "${PID[a]}" || rc_a=$?
forget_pid "${PID[a]}"
wait "$LOAD_PID" || die "the load generator failed"
forget_pid "$LOAD_PID"
[ "$rc_a" -eq 0 ] || die "replica a exited $rc_a after SIGTERM (0 = every in-flight request finished): $(tail -n 3 "$TMP/replica-a.out")"
log "replica a exited 0 after SIGTERM: drained completely"
metrics c "$TMP/metrics-end-c"

node "$HERE/check.js" "$TMP"
log "PASSED in $(( $(date +%s) - T0 )) s"
