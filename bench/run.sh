#!/usr/bin/env bash
# llm-proxy benchmark: the proxy against loopback upstream mocks, each scenario measured direct to the
# mock and through the proxy in the same run, interleaved, medians reported. Not part of the unit tests.
#
#   bench/run.sh              full run (~5 min): 12 s warm-up, 3 rounds of 5 s per measurement
#   QUICK=1 bench/run.sh      short run (~1.5 min): 3 s warm-up, 1 round of 3 s
#
# Environment: LLM_PROXY_JAR (default ./llm-proxy.jar, built with ./build.sh if absent),
#   JVM_OPTS (the JVM options under test; default: the recommended ones below),
#   CEILING=0 (skip the naive JDK pass-through ceiling), PLAIN=0 (skip the plain `java -jar` run),
#   PROFILE=1 (JFR-record the proxy under test; hot frames to bench/out/profile-*.txt),
#   WAIT_QUIET=SECONDS (first wait up to that long for the 1-min load average to drop below 1),
#   TRANSLATED=0 (skip the translated route: OpenAI client -> Anthropic backend; needs a proxy with
#   `backends[].protocol`), CLIENT_KEYS=N (configure N client_keys besides proxy_api_key and send
#   requests with the last one), STARTUP=0 / FALLBACK=0 / PACED=0 (skip the start-up launches, the
#   fallback scenario, the paced low-rate latency), BENCH_OUT=dir.
# Needs wrk, nginx, node, curl and a JDK >= 21; missing tools are apt-get installed (Debian).
# Prints a table, writes bench/out/results.jsonl (summary figures), bench/out/raw.jsonl (every
# measurement) and bench/out/chart.svg. Every process it starts is stopped by PID on exit; its
# temp dir is removed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH="$ROOT/bench"
OUT="${BENCH_OUT:-$BENCH/out}"

RECOMMENDED_JVM_OPTS="-Xms24m -Xmx48m -XX:+UseSerialGC -Xss256k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=48m -XX:CICompilerCount=2"
# Fewer glibc malloc arenas: the JVM's native allocations otherwise spread over one arena per thread.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# No AppCDS archive (-XX:+AutoCreateSharedArchive): it cut start-up to ~300 ms, but JDK 25.0.3 once crashed
# (SIGSEGV in LambdaProxyClassDictionary) mapping an archive written by a JVM stopped during its start-up.
JVM_OPTS="${JVM_OPTS:-$RECOMMENDED_JVM_OPTS}"
QUICK="${QUICK:-0}"
CEILING="${CEILING:-1}"
PLAIN="${PLAIN:-1}"
PROFILE="${PROFILE:-0}"
TRANSLATED="${TRANSLATED:-1}"
CLIENT_KEYS="${CLIENT_KEYS:-0}"
STARTUP="${STARTUP:-1}"
FALLBACK="${FALLBACK:-1}"
PACED="${PACED:-1}"
if [ "$QUICK" = 1 ]; then
    WARMUP=3; ROUNDS=1; DUR=3; STREAMS=30; STARTS=3; PACE="0:300,2:150,20:50,200:10"
else
    WARMUP=12; ROUNDS=3; DUR=5; STREAMS=100; STARTS=5; PACE="0:1000,2:400,20:150,200:30"
fi
PROXY_KEY="sk-bench-0123456789"
# The key the load generators send: proxy_api_key, or the last of CLIENT_KEYS client keys (every key is
# compared on each request, so the last is as costly as any).
KEY="$PROXY_KEY"
[ "$CLIENT_KEYS" -gt 0 ] && KEY="sk-bench-client-$CLIENT_KEYS"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- tools
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get install -y "${missing[@]}" >/dev/null || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y "${missing[@]}" >/dev/null; }
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
# shellcheck source=../.ci/jdk.sh
. "$ROOT/.ci/jdk.sh"
JAR="${LLM_PROXY_JAR:-$ROOT/llm-proxy.jar}"
if [ ! -f "$JAR" ]; then
    log "no $JAR: building it"
    "$ROOT/build.sh" >&2
fi

# ---------------------------------------------------------------- processes and temp files
TMP=$(mktemp -d "${TMPDIR:-/tmp}/llm-proxy-bench.XXXXXX")
PIDS=()
stop_pid() { # stops one process we started: TERM, then KILL after 5 s
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
forget_pid() { local p keep=(); for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; PIDS=("${keep[@]}"); }
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'log "failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR
trap 'exit 130' INT TERM

free_port() {
    node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
wait_http() { # URL [seconds]: until it answers 200
    local i
    for i in $(seq $(( ${2:-20} * 100 ))); do
        curl -fs -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.01
    done
    die "$1 did not answer"
}
cpu_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }
vm_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
CLK_TCK=$(getconf CLK_TCK)
RAW="$TMP/raw.jsonl"
: > "$RAW"

# ---------------------------------------------------------------- upstream mocks
NGX_PORT=$(free_port)
COMPLETION=$(tr -d '\n' < "$BENCH/completion.json")
MESSAGE=$(tr -d '\n' < "$BENCH/message.json")
NGX_USER=""; [ "$(id -u)" -eq 0 ] && NGX_USER="user root;"
sed -e "s|@DIR@|$TMP|g" -e "s|@PORT@|$NGX_PORT|g" -e "s|@WORKERS@|${NGINX_WORKERS:-auto}|g" \
    -e "s|@USER@|$NGX_USER|g" -e "s|@COMPLETION@|$COMPLETION|" -e "s|@MESSAGE@|$MESSAGE|" "$BENCH/nginx.conf.tmpl" > "$TMP/nginx.conf"
"$NGINX" -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/nginx-error.log" 2> "$TMP/nginx.out" &
PIDS+=($!)
SSE_PORT=$(free_port)
node "$BENCH/sse-mock.js" "$SSE_PORT" 20 10 > "$TMP/sse-mock.out" 2>&1 &
PIDS+=($!)
ASSE_PORT=$(free_port)
if [ "$TRANSLATED" = 1 ]; then
    node "$BENCH/sse-mock.js" "$ASSE_PORT" 20 10 anthropic > "$TMP/sse-mock-anthropic.out" 2>&1 &
    PIDS+=($!)
fi
for i in $(seq 200); do
    curl -fs -o /dev/null -X POST -d '{}' "http://127.0.0.1:$NGX_PORT/v1/chat/completions" 2>/dev/null && break
    sleep 0.02
done
curl -fs -o /dev/null -X POST -d '{}' "http://127.0.0.1:$NGX_PORT/v1/chat/completions" || die "nginx mock did not start: $(cat "$TMP/nginx.out" "$TMP/nginx-error.log" 2>/dev/null)"
for port in $SSE_PORT $([ "$TRANSLATED" = 1 ] && echo "$ASSE_PORT"); do
    for i in $(seq 200); do
        curl -fs -o /dev/null -X POST -d '{}' "http://127.0.0.1:$port/v1/chat/completions" 2>/dev/null && break
        sleep 0.02
    done
done

# Request bodies (~1 KB), one per model name.
for m in bench-upstream-model bench-model bench-fallback bench-xlate; do
    sed "s/MODEL_PLACEHOLDER/$m/" "$BENCH/request.json" | tr -d '\n' > "$TMP/body-$m.json"
done

# Proxy config: one alias on the nginx mock, one on the SSE mock, one whose first route answers 503; with
# TRANSLATED=1 an alias on an Anthropic-protocol backend (nginx) and one on the Anthropic SSE mock; with
# CLIENT_KEYS=N that many client keys.
proxy_config() { # PORT FILE LOGFILE
    local xb="" xm="" ck="" i
    if [ "$TRANSLATED" = 1 ]; then
        xb=$(printf '%s\n' "  - name: \"claude\"" "    url: \"http://127.0.0.1:$NGX_PORT/anthropic/v1\"" \
            "    api_key: \"sk-upstream-claude\"" "    protocol: anthropic" "  - name: \"claude-sse\"" \
            "    url: \"http://127.0.0.1:$ASSE_PORT/v1\"" "    api_key: \"sk-upstream-claude-sse\"" "    protocol: anthropic")
        xm=$(printf '%s\n' "  \"bench-xlate\":" "    routes:" "      - backend: \"claude\"" \
            "        model: \"bench-upstream-model\"" "  \"bench-xlate-stream\":" "    routes:" \
            "      - backend: \"claude-sse\"" "        model: \"bench-upstream-model\"")
    fi
    if [ "$CLIENT_KEYS" -gt 0 ]; then
        ck="client_keys:"
        for i in $(seq "$CLIENT_KEYS"); do
            ck+=$(printf '\n  - name: "client-%d"\n    key: "sk-bench-client-%d"' "$i" "$i")
        done
    fi
    cat > "$2" <<EOF
listen: "127.0.0.1:$1"
proxy_api_key: "$PROXY_KEY"
$ck
backends:
  - name: "mock"
    url: "http://127.0.0.1:$NGX_PORT/v1"
    api_key: "sk-upstream-mock"
  - name: "failing"
    url: "http://127.0.0.1:$NGX_PORT/fail/v1"
    api_key: "sk-upstream-failing"
  - name: "sse"
    url: "http://127.0.0.1:$SSE_PORT/v1"
    api_key: "sk-upstream-sse"
$xb
models:
$xm
  "bench-model":
    routes:
      - backend: "mock"
        model: "bench-upstream-model"
  "bench-stream":
    routes:
      - backend: "sse"
        model: "bench-upstream-model"
  "bench-fallback":
    routes:
      - backend: "failing"
        model: "bench-upstream-model"
        priority: 1
      - backend: "mock"
        model: "bench-upstream-model"
        priority: 2
fallback:
  cooldown_seconds: 0      # every request pays the failed attempt
  max_retries: 0
detection:
  error_codes: ["429", "5xx"]
  error_patterns: ["insufficient_quota"]
logging:
  level: "info"
  general_file: "$3"
  max_file_size_mb: 64
  max_files: 2
server:
  shutdown_grace_seconds: 1
EOF
}

# ---------------------------------------------------------------- measurement helpers
# wrk_run SCENARIO SIDE CONC ROUND URL BODYFILE [PID]: one wrk run of $DUR s, appended to raw.jsonl.
wrk_run() {
    local scenario=$1 side=$2 conc=$3 round=$4 url=$5 body=$6 pid=${7:-} dur=${DUR_OVERRIDE:-$DUR}
    local threads=2; [ "$conc" -lt 2 ] && threads=1
    local t0=0 t1=0 line
    if [ -n "$pid" ]; then t0=$(cpu_ticks "$pid"); fi
    line=$(BENCH_BODY="$body" BENCH_KEY="$KEY" wrk -t"$threads" -c"$conc" -d"${dur}s" --timeout 5s \
        -s "$BENCH/post.lua" "$url" | sed -n 's/^BENCH //p')
    if [ -n "$pid" ]; then t1=$(cpu_ticks "$pid"); fi
    [ -n "$line" ] || die "wrk produced no result for $scenario/$side/c$conc"
    local cpu="null" rss="null" hwm="null"
    if [ -n "$pid" ]; then
        cpu=$(awk -v a="$t0" -v b="$t1" -v h="$CLK_TCK" 'BEGIN{printf "%.2f", (b-a)/h}')
        rss=$(vm_kb "$pid" VmRSS); hwm=$(vm_kb "$pid" VmHWM)
    fi
    printf '{"kind":"wrk","scenario":"%s","side":"%s","conc":%d,"round":%d,"cpu_s":%s,"rss_kb":%s,"hwm_kb":%s,"wrk":%s}\n' \
        "$scenario" "$side" "$conc" "$round" "$cpu" "$rss" "$hwm" "$line" >> "$RAW"
    printf '  %-9s %-12s c=%-3d round %d: %s\n' "$scenario" "$side" "$conc" "$round" \
        "$(node -e 'const w=JSON.parse(process.argv[1]);const e=w.err_connect+w.err_read+w.err_write+w.err_status+w.err_timeout;console.log(`${w.rps.toFixed(0)} req/s p50 ${(w.p50_us/1000).toFixed(3)} ms p99 ${(w.p99_us/1000).toFixed(3)} ms${e?" ERRORS "+e:""}`)' "$line")${pid:+ cpu ${cpu}s}" >&2
}
warm() { # URL BODY CONC SECONDS
    BENCH_BODY="$2" BENCH_KEY="$KEY" wrk -t2 -c"$3" -d"$4s" --timeout 5s -s "$BENCH/post.lua" "$1" > /dev/null
}
# start_jvm NAME PORT CMD...: starts a JVM server in the background, waits for /health; sets JVM_PID.
start_jvm() {
    local name=$1 port=$2; shift 2
    "$@" > "$TMP/$name.out" 2>&1 &
    JVM_PID=$!
    PIDS+=("$JVM_PID")
    local i
    for i in $(seq 2000); do
        curl -fs -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null && return 0
        kill -0 "$JVM_PID" 2>/dev/null || die "$name exited: $(tail -5 "$TMP/$name.out")"
        sleep 0.01
    done
    die "$name did not become healthy"
}

# ---------------------------------------------------------------- machine
# Other work on the machine skews everything; WAIT_QUIET=SECONDS waits up to that long for 10 s in
# which the CPUs are at least 95 % idle.
cpu_idle_pct() { # over $1 seconds, from /proc/stat
    local a b
    a=$(awk '/^cpu /{print $5+$6, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat); sleep "$1"
    b=$(awk '/^cpu /{print $5+$6, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
    echo "$a $b" | awk '{d=$4-$2; print (d > 0 ? int(100 * ($3-$1) / d) : 100)}'
}
if [ -n "${WAIT_QUIET:-}" ]; then
    end=$(( $(date +%s) + WAIT_QUIET ))
    while [ "$(date +%s)" -lt "$end" ]; do
        idle=$(cpu_idle_pct 10)
        [ "$idle" -ge 95 ] && break
        log "waiting for a quiet machine: CPUs ${idle}% idle over the last 10 s"
    done
fi
awk '{exit !($1 >= 1.0)}' /proc/loadavg && log "warning: load average $(cut -d' ' -f1-3 /proc/loadavg): other processes are running; results will be noisy"
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
MEM_MB=$(awk '/^MemTotal/ {printf "%d", $2/1024}' /proc/meminfo)
JAVA_VERSION=$("$JAVA" -version 2>&1 | head -n 1)
NGINX_VERSION=$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')
WRK_VERSION=$( (wrk -v 2>&1 || true) | head -n 1 | awk '{print $1" "$2}')
printf '{"kind":"meta","loadavg_start":"%s","date":"%s","nproc":%d,"cpu":"%s","mem_mb":%d,"kernel":"%s","java":"%s","jvm_opts":"%s","nginx":"%s","wrk":"%s","node":"%s","quick":%s,"warmup_s":%d,"rounds":%d,"duration_s":%d,"streams":%d,"jar":"%s","translated":%s,"client_keys":%d}\n' \
    "$(cut -d' ' -f1-3 /proc/loadavg)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(nproc)" "$CPU_MODEL" "$MEM_MB" "$(uname -r)" "${JAVA_VERSION//\"/\\\"}" \
    "$JVM_OPTS" "$NGINX_VERSION" "$WRK_VERSION" "$(node --version)" "$([ "$QUICK" = 1 ] && echo true || echo false)" \
    "$WARMUP" "$ROUNDS" "$DUR" "$STREAMS" "$(basename "$JAR")" "$([ "$TRANSLATED" = 1 ] && echo true || echo false)" \
    "$CLIENT_KEYS" >> "$RAW"
log "machine: $(nproc) x $CPU_MODEL, ${MEM_MB} MB, $(uname -r), $JAVA_VERSION"
log "JVM options under test: $JVM_OPTS"

# ---------------------------------------------------------------- 4a. start-up time
SU_PORT=$(free_port)
proxy_config "$SU_PORT" "$TMP/startup.yaml" "$TMP/startup.log"
[ "$STARTUP" = 1 ] || STARTS=0
[ "$STARTS" -gt 0 ] && log "start-up: $STARTS launches each, recommended options and plain java -jar"
for i in $(seq "$STARTS"); do
    for variant in recommended plain; do
        opts=""; [ "$variant" = recommended ] && opts="$JVM_OPTS"
        # shellcheck disable=SC2086
        line=$(node "$BENCH/startup.js" "http://127.0.0.1:$SU_PORT/health" 10000 "$JAVA" $opts -jar "$JAR" -config "$TMP/startup.yaml" | sed -n 's/^BENCH //p')
        printf '{"kind":"startup","jvm":"%s","run":%d,"result":%s}\n' "$variant" "$i" "$line" >> "$RAW"
        log "  start-up $variant: $line"
    done
done

# ---------------------------------------------------------------- the proxy under test
P_PORT=$(free_port)
proxy_config "$P_PORT" "$TMP/proxy.yaml" "$TMP/proxy.log"
JFR_OPTS=""
[ "$PROFILE" = 1 ] && JFR_OPTS="-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=$TMP/proxy.jfr"
# shellcheck disable=SC2086
start_jvm proxy "$P_PORT" "$JAVA" $JVM_OPTS $JFR_OPTS -jar "$JAR" -config "$TMP/proxy.yaml"
PROXY_PID=$JVM_PID
sleep 2
printf '{"kind":"mem","jvm":"recommended","phase":"idle-after-start","rss_kb":%s,"hwm_kb":%s}\n' \
    "$(vm_kb "$PROXY_PID" VmRSS)" "$(vm_kb "$PROXY_PID" VmHWM)" >> "$RAW"
log "proxy pid $PROXY_PID on $P_PORT: idle RSS $(vm_kb "$PROXY_PID" VmRSS) kB"

DIRECT_URL="http://127.0.0.1:$NGX_PORT/v1/chat/completions"
PROXY_URL="http://127.0.0.1:$P_PORT/v1/chat/completions"
B_DIRECT="$TMP/body-bench-upstream-model.json"
B_PROXY="$TMP/body-bench-model.json"
B_FALLBACK="$TMP/body-bench-fallback.json"
B_XLATE="$TMP/body-bench-xlate.json"
ANTHROPIC_URL="http://127.0.0.1:$NGX_PORT/anthropic/v1/messages"

NAIVE_PID=""
if [ "$CEILING" = 1 ]; then
    N_PORT=$(free_port)
    # shellcheck disable=SC2086
    start_jvm naive "$N_PORT" "$JAVA" $JVM_OPTS "$BENCH/NaivePassthrough.java" "$N_PORT" "http://127.0.0.1:$NGX_PORT"
    NAIVE_PID=$JVM_PID
    sleep 1
    printf '{"kind":"mem","jvm":"naive","phase":"idle-after-start","rss_kb":%s,"hwm_kb":%s}\n' \
        "$(vm_kb "$NAIVE_PID" VmRSS)" "$(vm_kb "$NAIVE_PID" VmHWM)" >> "$RAW"
    NAIVE_URL="http://127.0.0.1:$N_PORT/v1/chat/completions"
fi

log "warm-up: ${WARMUP}s c=16 + c=64 + fallback path through the proxy${NAIVE_PID:+, ${WARMUP}s the naive pass-through}"
warm "$PROXY_URL" "$B_PROXY" 16 "$WARMUP"
warm "$PROXY_URL" "$B_PROXY" 64 $(( WARMUP / 4 + 1 ))
warm "$PROXY_URL" "$B_FALLBACK" 16 $(( WARMUP / 4 + 1 ))
if [ "$TRANSLATED" = 1 ]; then warm "$PROXY_URL" "$B_XLATE" 16 $(( WARMUP / 4 + 1 )); fi
if [ -n "$NAIVE_PID" ]; then warm "$NAIVE_URL" "$B_DIRECT" 16 "$WARMUP"; fi

# ---------------------------------------------------------------- 1. non-streaming
log "1. non-streaming: $ROUNDS round(s) x c=1,16,64 x direct/proxy${NAIVE_PID:+/naive}, ${DUR}s each"
for r in $(seq "$ROUNDS"); do
    for c in 1 16 64; do
        wrk_run nonstream direct "$c" "$r" "$DIRECT_URL" "$B_DIRECT"
        wrk_run nonstream proxy "$c" "$r" "$PROXY_URL" "$B_PROXY" "$PROXY_PID"
        if [ -n "$NAIVE_PID" ]; then wrk_run nonstream naive "$c" "$r" "$NAIVE_URL" "$B_DIRECT" "$NAIVE_PID"; fi
    done
done
printf '{"kind":"mem","jvm":"recommended","phase":"after-nonstream","rss_kb":%s,"hwm_kb":%s}\n' \
    "$(vm_kb "$PROXY_PID" VmRSS)" "$(vm_kb "$PROXY_PID" VmHWM)" >> "$RAW"
if [ -n "$NAIVE_PID" ]; then
    printf '{"kind":"mem","jvm":"naive","phase":"after-nonstream","rss_kb":%s,"hwm_kb":%s}\n' \
        "$(vm_kb "$NAIVE_PID" VmRSS)" "$(vm_kb "$NAIVE_PID" VmHWM)" >> "$RAW"
    stop_pid "$NAIVE_PID"; forget_pid "$NAIVE_PID"
fi

# ---------------------------------------------------------------- 1b. translated
# An OpenAI client's request to an alias whose backend speaks Anthropic (nginx answers a fixed Messages
# JSON), next to the same request passed through to the OpenAI mock and direct to the Anthropic location.
if [ "$TRANSLATED" = 1 ]; then
    log "1b. translated: $ROUNDS round(s) x c=1,16 x direct/passthrough/translated, ${DUR}s each"
    for r in $(seq "$ROUNDS"); do
        for c in 1 16; do
            wrk_run xlate direct "$c" "$r" "$ANTHROPIC_URL" "$B_DIRECT"
            wrk_run xlate proxy "$c" "$r" "$PROXY_URL" "$B_PROXY" "$PROXY_PID"
            wrk_run xlate translated "$c" "$r" "$PROXY_URL" "$B_XLATE" "$PROXY_PID"
        done
    done
fi

# ---------------------------------------------------------------- 2. streaming
log "2. streaming: $STREAMS streams direct + $STREAMS through the proxy, interleaved, 2 at a time"
line=$(node "$BENCH/sse-client.js" "http://127.0.0.1:$SSE_PORT/v1/chat/completions" "$PROXY_URL" \
    "$BENCH/request.json" "$KEY" "$STREAMS" 2 | sed -n 's/^BENCH //p')
[ -n "$line" ] || die "sse-client produced no result"
printf '{"kind":"sse","result":%s}\n' "$line" >> "$RAW"
if [ "$TRANSLATED" = 1 ]; then
    log "2b. translated streaming: $STREAMS Anthropic streams direct + $STREAMS translated to OpenAI chunks"
    line=$(node "$BENCH/sse-client.js" "http://127.0.0.1:$ASSE_PORT/v1/messages" "$PROXY_URL" \
        "$BENCH/request.json" "$KEY" "$STREAMS" 2 bench-xlate-stream | sed -n 's/^BENCH //p')
    [ -n "$line" ] || die "sse-client produced no result for the translated stream"
    printf '{"kind":"sse_xlate","result":%s}\n' "$line" >> "$RAW"
fi

# ---------------------------------------------------------------- 2c. paced
# One request at a time with pauses between them: the added latency when threads and CPUs go idle.
if [ "$PACED" = 1 ]; then
    log "2c. paced: one request at a time, direct then proxy, pauses (ms:count) $PACE"
    line=$(node "$BENCH/paced.js" "$DIRECT_URL" "$PROXY_URL" "$B_DIRECT" "$B_PROXY" "$KEY" "$PACE" | sed -n 's/^BENCH //p')
    [ -n "$line" ] || die "paced.js produced no result"
    printf '{"kind":"paced","result":%s}\n' "$line" >> "$RAW"
fi

# ---------------------------------------------------------------- 3. fallback
[ "$FALLBACK" = 1 ] && log "3. fallback: $ROUNDS round(s) x c=1,16 x proxy/fallback, ${DUR}s each"
for r in $(seq "$([ "$FALLBACK" = 1 ] && echo "$ROUNDS" || echo 0)"); do
    for c in 1 16; do
        wrk_run fallback proxy "$c" "$r" "$PROXY_URL" "$B_PROXY" "$PROXY_PID"
        wrk_run fallback fallback "$c" "$r" "$PROXY_URL" "$B_FALLBACK" "$PROXY_PID"
    done
done
sleep 1
printf '{"kind":"mem","jvm":"recommended","phase":"end","rss_kb":%s,"hwm_kb":%s}\n' \
    "$(vm_kb "$PROXY_PID" VmRSS)" "$(vm_kb "$PROXY_PID" VmHWM)" >> "$RAW"
LOG_LINES=$(cat "$TMP"/proxy*.log 2>/dev/null | wc -l || true)
log "proxy wrote $LOG_LINES log lines"
stop_pid "$PROXY_PID"; forget_pid "$PROXY_PID"
if [ "$PROFILE" = 1 ] && [ -f "$TMP/proxy.jfr" ]; then
    mkdir -p "$OUT"
    JFR_BIN="$(dirname "$JAVA")/jfr"
    cp "$TMP/proxy.jfr" "$OUT/proxy.jfr"
    # Top of stack (self time) and every frame on the stack (inclusive), over all execution samples.
    "$JFR_BIN" print --stack-depth 64 --events jdk.ExecutionSample "$TMP/proxy.jfr" > "$TMP/samples.txt"
    awk '/stackTrace = \[/ {st=1; first=1; next}
         st && /^[ \t]*\]/ {st=0; next}
         st {f=$0; sub(/^[ \t]+/, "", f); sub(/[ \t]+line:.*/, "", f); if (f == "...") next;
             if (first) {print "SELF " f; first=0} print "INCL " f}' "$TMP/samples.txt" > "$TMP/frames.txt"
    sed -n 's/^SELF //p' "$TMP/frames.txt" | sort | uniq -c | sort -rn | head -60 > "$OUT/profile-self.txt" || true
    sed -n 's/^INCL //p' "$TMP/frames.txt" | sort | uniq -c | sort -rn | head -100 > "$OUT/profile-inclusive.txt" || true
    log "JFR: $OUT/proxy.jfr, hot frames in $OUT/profile-self.txt and $OUT/profile-inclusive.txt"
fi

# ---------------------------------------------------------------- 4b. plain java -jar
if [ "$PLAIN" = 1 ]; then
    PL_PORT=$(free_port)
    proxy_config "$PL_PORT" "$TMP/plain.yaml" "$TMP/plain.log"
    start_jvm plain "$PL_PORT" "$JAVA" -jar "$JAR" -config "$TMP/plain.yaml"
    PLAIN_PID=$JVM_PID
    sleep 2
    printf '{"kind":"mem","jvm":"plain","phase":"idle-after-start","rss_kb":%s,"hwm_kb":%s}\n' \
        "$(vm_kb "$PLAIN_PID" VmRSS)" "$(vm_kb "$PLAIN_PID" VmHWM)" >> "$RAW"
    PLAIN_URL="http://127.0.0.1:$PL_PORT/v1/chat/completions"
    log "plain java -jar: warm-up ${WARMUP}s, then c=16 and c=64 interleaved with direct"
    warm "$PLAIN_URL" "$B_PROXY" 16 "$WARMUP"
    for c in 16 64; do
        wrk_run plain direct "$c" 1 "$DIRECT_URL" "$B_DIRECT"
        wrk_run plain proxy "$c" 1 "$PLAIN_URL" "$B_PROXY" "$PLAIN_PID"
    done
    printf '{"kind":"mem","jvm":"plain","phase":"end","rss_kb":%s,"hwm_kb":%s}\n' \
        "$(vm_kb "$PLAIN_PID" VmRSS)" "$(vm_kb "$PLAIN_PID" VmHWM)" >> "$RAW"
    stop_pid "$PLAIN_PID"; forget_pid "$PLAIN_PID"
fi

# ---------------------------------------------------------------- report
printf '{"kind":"loadavg_end","loadavg":"%s"}\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$RAW"
mkdir -p "$OUT"
cp "$RAW" "$OUT/raw.jsonl"
node "$BENCH/report.js" "$OUT/raw.jsonl" "$OUT/results.jsonl" "$OUT/chart.svg"
log "wrote $OUT/results.jsonl, $OUT/raw.jsonl, $OUT/chart.svg"
