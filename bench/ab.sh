#!/usr/bin/env bash
# A/B of proxy jars on a busy machine: every variant runs side by side against one nginx mock, and short wrk
# runs alternate direct, A, B, ... (order rotated each round), so load from elsewhere hits them all alike.
# Reports per variant and concurrency the medians and ranges over rounds of: throughput as a fraction of
# direct in the same round, added p50, CPU-µs per request, and CPU per request relative to the first variant
# in the same round. Not part of the unit tests; bench/run.sh is the full benchmark.
#
#   bench/ab.sh NAME=JAR[@KEYS] NAME=JAR[@KEYS] ...
#     @KEYS: configure that many client_keys besides proxy_api_key and send requests with the last one.
#   e.g. bench/ab.sh before=/tmp/old.jar now=llm-proxy.jar keys8=llm-proxy.jar@8
#
# Environment: ROUNDS (default 8), DUR (seconds per run, default 3), CONCS (default "1 16"), WARMUP (seconds
#   per variant, default 6), JVM_OPTS (default: bench/run.sh's recommended ones), BENCH_OUT (default bench/out:
#   writes ab-raw.jsonl). Needs wrk, nginx, node, curl and a JDK >= 21.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH="$ROOT/bench"
OUT="${BENCH_OUT:-$BENCH/out}"
[ $# -ge 2 ] || { sed -n '2,16p' "$0" >&2; exit 2; }
JVM_OPTS="${JVM_OPTS:--Xms24m -Xmx48m -XX:+UseSerialGC -Xss256k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=48m -XX:CICompilerCount=2}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
ROUNDS="${ROUNDS:-8}"; DUR="${DUR:-3}"; CONCS="${CONCS:-1 16}"; WARMUP="${WARMUP:-6}"
PROXY_KEY="sk-bench-0123456789"
# shellcheck source=../.ci/jdk.sh
. "$ROOT/.ci/jdk.sh"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
log() { printf '[ab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/llm-proxy-ab.XXXXXX")
PIDS=()
cleanup() {
    local pid i
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
cpu_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }
CLK_TCK=$(getconf CLK_TCK)

NGX_PORT=$(free_port)
NGX_USER=""; [ "$(id -u)" -eq 0 ] && NGX_USER="user root;"
sed -e "s|@DIR@|$TMP|g" -e "s|@PORT@|$NGX_PORT|g" -e "s|@WORKERS@|${NGINX_WORKERS:-auto}|g" -e "s|@USER@|$NGX_USER|g" \
    -e "s|@COMPLETION@|$(tr -d '\n' < "$BENCH/completion.json")|" -e "s|@MESSAGE@|$(tr -d '\n' < "$BENCH/message.json")|" \
    "$BENCH/nginx.conf.tmpl" > "$TMP/nginx.conf"
"$NGINX" -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/nginx-error.log" > "$TMP/nginx.out" 2>&1 &
PIDS+=($!)
DIRECT_URL="http://127.0.0.1:$NGX_PORT/v1/chat/completions"
for i in $(seq 200); do curl -fs -o /dev/null -X POST -d '{}' "$DIRECT_URL" 2>/dev/null && break; sleep 0.02; done
for m in bench-upstream-model bench-model; do
    sed "s/MODEL_PLACEHOLDER/$m/" "$BENCH/request.json" | tr -d '\n' > "$TMP/body-$m.json"
done

NAMES=(); URLS=(); KEYS=(); JPIDS=()
for arg in "$@"; do
    name=${arg%%=*}; spec=${arg#*=}; jar=${spec%@*}; nkeys=0
    [ "$spec" != "$jar" ] && nkeys=${spec##*@}
    [ -f "$jar" ] || die "no jar $jar"
    port=$(free_port)
    {
        printf 'listen: "127.0.0.1:%s"\nproxy_api_key: "%s"\n' "$port" "$PROXY_KEY"
        if [ "$nkeys" -gt 0 ]; then
            echo "client_keys:"
            for i in $(seq "$nkeys"); do printf '  - name: "client-%d"\n    key: "sk-bench-client-%d"\n' "$i" "$i"; done
        fi
        printf 'backends:\n  - name: "mock"\n    url: "http://127.0.0.1:%s/v1"\n    api_key: "sk-upstream-mock"\n' "$NGX_PORT"
        printf 'models:\n  "bench-model":\n    routes:\n      - backend: "mock"\n        model: "bench-upstream-model"\n'
        printf 'logging:\n  level: "info"\n  general_file: "%s"\n  max_file_size_mb: 64\n  max_files: 2\n' "$TMP/$name.log"
        printf 'server:\n  shutdown_grace_seconds: 1\n'
    } > "$TMP/$name.yaml"
    # shellcheck disable=SC2086
    "$JAVA" $JVM_OPTS -jar "$jar" -config "$TMP/$name.yaml" > "$TMP/$name.out" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    for i in $(seq 2000); do
        curl -fs -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || die "$name exited: $(tail -5 "$TMP/$name.out")"
        sleep 0.01
    done
    key=$PROXY_KEY; [ "$nkeys" -gt 0 ] && key="sk-bench-client-$nkeys"
    NAMES+=("$name"); URLS+=("http://127.0.0.1:$port/v1/chat/completions"); KEYS+=("$key"); JPIDS+=("$pid")
    log "$name: $jar, $nkeys client keys, pid $pid, port $port"
done

RAW="$TMP/ab-raw.jsonl"
printf '{"kind":"meta","date":"%s","loadavg_start":"%s","java":"%s","jvm_opts":"%s","rounds":%d,"dur":%d,"variants":"%s"}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$("$JAVA" -version 2>&1 | head -n 1 | tr -d '"')" \
    "$JVM_OPTS" "$ROUNDS" "$DUR" "$*" > "$RAW"
run() { # NAME CONC ROUND URL BODY KEY PID
    local t0=0 t1=0 line cpu=null threads=2
    [ "$2" -lt 2 ] && threads=1
    [ -n "$7" ] && t0=$(cpu_ticks "$7")
    line=$(BENCH_BODY="$5" BENCH_KEY="$6" wrk -t"$threads" -c"$2" -d"${DUR}s" --timeout 5s -s "$BENCH/post.lua" "$4" \
        | sed -n 's/^BENCH //p')
    [ -n "$7" ] && t1=$(cpu_ticks "$7") && cpu=$(awk -v a="$t0" -v b="$t1" -v h="$CLK_TCK" 'BEGIN{printf "%.2f", (b-a)/h}')
    [ -n "$line" ] || die "wrk produced no result for $1 c=$2"
    printf '{"kind":"wrk","name":"%s","conc":%d,"round":%d,"cpu_s":%s,"load1":%s,"wrk":%s}\n' "$1" "$2" "$3" "$cpu" \
        "$(cut -d' ' -f1 /proc/loadavg)" "$line" >> "$RAW"
}
log "warm-up: ${WARMUP}s at c=16 per variant"
for i in "${!NAMES[@]}"; do
    BENCH_BODY="$TMP/body-bench-model.json" BENCH_KEY="${KEYS[$i]}" wrk -t2 -c16 -d"${WARMUP}s" -s "$BENCH/post.lua" "${URLS[$i]}" > /dev/null
done
n=${#NAMES[@]}
for r in $(seq "$ROUNDS"); do
    log "round $r/$ROUNDS (load $(cut -d' ' -f1 /proc/loadavg))"
    for c in $CONCS; do
        run direct "$c" "$r" "$DIRECT_URL" "$TMP/body-bench-upstream-model.json" "$PROXY_KEY" ""
        for k in $(seq 0 $((n - 1))); do
            i=$(( (k + r - 1) % n ))
            run "${NAMES[$i]}" "$c" "$r" "${URLS[$i]}" "$TMP/body-bench-model.json" "${KEYS[$i]}" "${JPIDS[$i]}"
        done
    done
done
mkdir -p "$OUT"
cp "$RAW" "$OUT/ab-raw.jsonl"
node - "$OUT/ab-raw.jsonl" <<'EOF'
const fs = require('fs');
const raw = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const meta = raw[0];
const runs = raw.filter((r) => r.kind === 'wrk');
const med = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const show = (a, d) => `${med(a).toFixed(d)} [${Math.min(...a).toFixed(d)}..${Math.max(...a).toFixed(d)}]`;
const names = [...new Set(runs.filter((r) => r.name !== 'direct').map((r) => r.name))];
console.log(`A/B ${meta.date}: ${meta.variants}; ${meta.rounds} rounds x ${meta.dur} s; load at start ${meta.loadavg_start}`);
console.log('medians [min..max] over rounds; "CPU vs first" = CPU per request / the first variant\'s, same round');
for (const c of [...new Set(runs.map((r) => r.conc))]) {
  const at = (name, round) => runs.find((r) => r.name === name && r.conc === c && r.round === round);
  const rounds = [...new Set(runs.filter((r) => r.conc === c).map((r) => r.round))];
  console.log(`\nc=${c}`);
  console.log(['variant', 'req/s', 'x direct', '+p50 ms', 'CPU us/req', 'CPU vs first'].map((h, i) => i ? h.padStart(24) : h.padEnd(10)).join(''));
  for (const name of names) {
    const ratio = [], added = [], cpu = [], rel = [], rps = [];
    for (const rd of rounds) {
      const d = at('direct', rd), v = at(name, rd), f = at(names[0], rd);
      if (!d || !v) continue;
      const us = v.cpu_s / v.wrk.requests * 1e6;
      rps.push(v.wrk.rps); ratio.push(v.wrk.rps / d.wrk.rps); added.push((v.wrk.p50_us - d.wrk.p50_us) / 1000); cpu.push(us);
      if (f) rel.push(us / (f.cpu_s / f.wrk.requests * 1e6));
      const e = v.wrk.err_connect + v.wrk.err_read + v.wrk.err_write + v.wrk.err_status + v.wrk.err_timeout;
      if (e) console.log(`  ${name} round ${rd}: ${e} errors`);
    }
    console.log([name.padEnd(10), show(rps, 0), show(ratio, 3), show(added, 3), show(cpu, 0), show(rel, 3)]
      .map((x, i) => (i ? x.padStart(24) : x)).join(''));
  }
}
EOF
log "raw runs in $OUT/ab-raw.jsonl"
