#!/usr/bin/env bash
# End-to-end smoke test of llm-proxy.jar with the real `openai` and `@anthropic-ai/sdk` npm clients
# against a local mock upstream (see smoke.mjs). Expects llm-proxy.jar built at the repo root
# (./build.sh), or pass a jar path as $1.
#
# Fails when node >= 20 / npm are missing, or the npm registry is unreachable and the dependencies are
# not installed yet: a CI run must not pass without these tests by accident. LLMPROXY_SKIP_NODE=1 skips
# them on purpose (exit 0, "SKIP: ...").
set -euo pipefail

if [ "${LLMPROXY_SKIP_NODE:-}" = 1 ]; then
    echo "SKIP: real-SDK end-to-end tests (LLMPROXY_SKIP_NODE=1)"
    exit 0
fi
missing() {
    echo "error: $*; the real-SDK end-to-end tests need node >= 20 and npm (and the npm registry once)." \
        "Set LLMPROXY_SKIP_NODE=1 to skip them." >&2
    exit 1
}

case "${BASH_SOURCE[0]}" in */*) HERE="${BASH_SOURCE[0]%/*}" ;; *) HERE=. ;; esac
HERE="$(cd "$HERE" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
JAR="${1:-$ROOT/llm-proxy.jar}"

command -v node >/dev/null 2>&1 || missing "node not found"
command -v npm >/dev/null 2>&1 || missing "npm not found"
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
[ "$NODE_MAJOR" -ge 20 ] || missing "node $(node -v) is older than 20"

if [ ! -f "$JAR" ]; then
    echo "error: $JAR not found; build it first (./build.sh)" >&2
    exit 1
fi
# Sets $JAVA to a java >= 21 (exits 1 if there is none).
# shellcheck source=../../.ci/jdk.sh
. "$ROOT/.ci/jdk.sh"
export JAVA

cd "$HERE"
installed() {
    [ -f node_modules/openai/package.json ] && [ -f node_modules/@anthropic-ai/sdk/package.json ] \
        && [ -f node_modules/anthropic-sdk-v1/package.json ]
}
if npm ping --fetch-timeout=15000 --fetch-retries=0 >/dev/null 2>&1; then
    # npm ci for a clean, lock-exact install; npm install (a quick no-op when up to date) otherwise.
    if [ -f package-lock.json ] && [ ! -d node_modules ]; then
        npm ci --no-audit --no-fund --loglevel=error >/dev/null
    else
        npm install --no-audit --no-fund --loglevel=error >/dev/null
    fi
elif installed; then
    echo "note: npm registry unreachable; using the already installed node_modules"
else
    missing "npm registry unreachable ($(npm config get registry 2>/dev/null || echo '?')) and node_modules not installed"
fi

node smoke.mjs "$JAR"
# Client keys: 403 outside the allow-list, 429 over rpm, /v1/models per key, as each SDK raises them.
node access.mjs "$JAR"
# Stream rescue (fallback.resume_streams) with the real clients: spliced answers, in-band errors.
node resume.mjs "$JAR"
# Cross-protocol translation with the same real clients against strict mocks of the other protocol.
exec node translate.mjs "$JAR"
