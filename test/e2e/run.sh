#!/usr/bin/env bash
# End-to-end smoke test of llm-proxy.jar with the real `openai` and `@anthropic-ai/sdk` npm clients
# against a local mock upstream (see smoke.mjs). Expects llm-proxy.jar built at the repo root
# (./build.sh), or pass a jar path as $1.
#
# Skips (exit 0, "SKIP: ...") when node >= 20 / npm are missing or the npm registry is unreachable
# and the dependencies are not installed yet, so JDK-only CI machines are not failed by it.
set -euo pipefail

case "${BASH_SOURCE[0]}" in */*) HERE="${BASH_SOURCE[0]%/*}" ;; *) HERE=. ;; esac
HERE="$(cd "$HERE" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
JAR="${1:-$ROOT/llm-proxy.jar}"

if ! command -v node >/dev/null 2>&1; then echo "SKIP: node not found"; exit 0; fi
if ! command -v npm >/dev/null 2>&1; then echo "SKIP: npm not found"; exit 0; fi
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$NODE_MAJOR" -lt 20 ]; then echo "SKIP: node $(node -v) is older than 20"; exit 0; fi

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
    echo "SKIP: npm registry unreachable ($(npm config get registry 2>/dev/null || echo '?'))"
    exit 0
fi

node smoke.mjs "$JAR"
# Cross-protocol translation with the same real clients against strict mocks of the other protocol.
exec node translate.mjs "$JAR"
