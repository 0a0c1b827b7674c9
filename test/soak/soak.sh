#!/usr/bin/env bash
# Bounded soak of the built llm-proxy.jar on loopback: mixed streaming/non-streaming traffic with injected
# upstream failures while the config is rewritten every 3 s; fails unless every request succeeded and heap,
# threads and descriptors stayed flat. Builds nothing: run ./build.sh first.
#   SOAK_SECONDS=180 bash test/soak/soak.sh      (CI: SOAK_SECONDS=30)
#   SOAK_CONCURRENCY=16
set -euo pipefail
cd "$(dirname "$0")/../.."
source .ci/jdk.sh
[ -f llm-proxy.jar ] || { echo "soak: no llm-proxy.jar; run ./build.sh first" >&2; exit 1; }
classes=$(mktemp -d)
trap 'rm -rf "$classes"' EXIT
"$(dirname "$JAVA")/javac" --release 21 -encoding UTF-8 -d "$classes" test/soak/SoakDriver.java
"$JAVA" -cp "$classes" llmproxy.soak.SoakDriver llm-proxy.jar "${SOAK_SECONDS:-180}" "${SOAK_CONCURRENCY:-16}"
