#!/usr/bin/env bash
# Builds llm-proxy.jar with plain javac + jar; "./build.sh test" also runs every JUnit test.
#   ./build.sh               compile src/ -> llm-proxy.jar
#   ./build.sh test [ARGS]   build, compile test/, run JUnit (ARGS go to the console launcher,
#                            default --scan-class-path; e.g. --select-package llmproxy.config)
set -euo pipefail
cd "$(dirname "$0")"

JUNIT_VERSION=1.11.4
JUNIT_JAR="lib/junit-platform-console-standalone-${JUNIT_VERSION}.jar"
BUILD_DIR="$(realpath -m "${BUILD_DIR:-build}")"

die() { echo "build.sh: $*" >&2; exit 1; }

# Prints the major version of the JDK whose bin/ folder is $1, or nothing.
jdk_major() {
    [ -x "$1/javac" ] && [ -x "$1/java" ] || return 0
    "$1/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1
}

find_jdk() {
    local candidates=()
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin")
    if command -v javac >/dev/null 2>&1; then
        candidates+=("$(dirname "$(readlink -f "$(command -v javac)")")")
    fi
    local d
    for d in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${d%/}/bin"); done
    for d in "${candidates[@]}"; do
        local v; v=$(jdk_major "$d")
        if [ -n "$v" ] && [ "$v" -ge 21 ]; then echo "$d"; return 0; fi
    done
    return 1
}

JDK_BIN=$(find_jdk) || die "no JDK 21 or newer found (looked at JAVA_HOME, javac on PATH, /usr/lib/jvm/*); install one and/or set JAVA_HOME to it"

build() {
    rm -rf "$BUILD_DIR/classes"
    mkdir -p "$BUILD_DIR/classes"
    find src -name '*.java' > "$BUILD_DIR/sources.txt"
    "$JDK_BIN/javac" --release 21 -encoding UTF-8 -Xlint:all -Werror \
        -d "$BUILD_DIR/classes" @"$BUILD_DIR/sources.txt"
    "$JDK_BIN/jar" --create --file llm-proxy.jar --main-class llmproxy.Main -C "$BUILD_DIR/classes" .
    echo "built llm-proxy.jar with $("$JDK_BIN/java" -version 2>&1 | head -n 1)"
}

fetch_junit() {
    [ -f "$JUNIT_JAR" ] && return 0
    mkdir -p lib
    local coords="org.junit.platform:junit-platform-console-standalone:${JUNIT_VERSION}"
    if command -v mvn >/dev/null 2>&1; then
        echo "fetching $coords with mvn"
        mvn -q dependency:copy -Dartifact="$coords" -DoutputDirectory=lib >&2 || true
    fi
    if [ ! -f "$JUNIT_JAR" ] && command -v curl >/dev/null 2>&1; then
        echo "fetching $coords with curl"
        curl -fsSL -o "$JUNIT_JAR.part" \
            "https://repo1.maven.org/maven2/org/junit/platform/junit-platform-console-standalone/${JUNIT_VERSION}/junit-platform-console-standalone-${JUNIT_VERSION}.jar" \
            && mv "$JUNIT_JAR.part" "$JUNIT_JAR"
    fi
    [ -f "$JUNIT_JAR" ] || die "could not fetch $coords: need mvn or curl with access to Maven Central"
}

run_tests() {
    fetch_junit
    rm -rf "$BUILD_DIR/test-classes"
    mkdir -p "$BUILD_DIR/test-classes"
    find test -name '*.java' > "$BUILD_DIR/test-sources.txt"
    "$JDK_BIN/javac" --release 21 -encoding UTF-8 -Xlint:all -Xlint:-processing -Werror \
        -cp "$BUILD_DIR/classes:$JUNIT_JAR" -d "$BUILD_DIR/test-classes" @"$BUILD_DIR/test-sources.txt"
    # Test resources (fixtures) live beside the tests.
    (cd test && find . -type f ! -name '*.java' -path './llmproxy/*' -exec cp --parents {} "$BUILD_DIR/test-classes/" \;)
    local args=("$@")
    [ ${#args[@]} -eq 0 ] && args=(--scan-class-path)
    "$JDK_BIN/java" -jar "$JUNIT_JAR" execute --disable-banner --details=summary \
        --details-theme=ascii -cp "$BUILD_DIR/classes:$BUILD_DIR/test-classes" "${args[@]}"
}

case "${1:-}" in
    "") build ;;
    test) shift; build; run_tests "$@" ;;
    -h|--help) sed -n '2,5p' "$0" ;;
    *) die "unknown command '$1' (use: ./build.sh [test])" ;;
esac
