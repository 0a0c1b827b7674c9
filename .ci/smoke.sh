#!/usr/bin/env bash
# Starts the built jar on a free loopback port with a config derived from config.example.yaml,
# waits for GET /health to answer 200, checks -check and -version, then stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/jdk.sh

work=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000)))
sed -e "s|^listen:.*|listen: \"127.0.0.1:${port}\"|" \
    -e "s|\./logs/|${work}/logs/|g" config.example.yaml > "$work/config.yaml"

"$JAVA" -jar llm-proxy.jar -version
"$JAVA" -jar llm-proxy.jar -check -config "$work/config.yaml" > "$work/check.txt"
echo "-check: $(tail -n 1 "$work/check.txt")"

"$JAVA" -jar llm-proxy.jar -config "$work/config.yaml" > "$work/stdout.txt" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:${port}/health" > /dev/null 2>&1; then
        echo "smoke: /health answered 200 on port ${port}"
        kill "$pid"
        wait "$pid" 2>/dev/null || true
        pid=""
        exit 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
echo "smoke: /health never answered 200; proxy output:" >&2
cat "$work/stdout.txt" >&2
exit 1
