#!/usr/bin/env bash
# Builds, tests and runs llm-proxy. The work is done by .ci/Build.java, shared with build.bat; this script
# only finds a JDK 21 or newer (JAVA_HOME, java on PATH, /usr/lib/jvm/*) to start it with.
#   ./build.sh               compile src/ -> llm-proxy.jar
#   ./build.sh test [ARGS]   build, compile test/, run JUnit (ARGS go to the console launcher,
#                            default --scan-class-path; e.g. --select-class llmproxy.MainTest)
#   ./build.sh run [ARGS]    build if src/ changed, run the jar with that JDK (ARGS go to llm-proxy)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
JAVA_NEEDS=javac
# shellcheck source=.ci/jdk.sh
source "$here/.ci/jdk.sh"
exec "$JAVA" "$here/.ci/Build.java" "$@"
