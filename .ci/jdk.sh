# Sourced by scripts that run Java: sets JAVA to a java >= 21 (JAVA_HOME, PATH, then /usr/lib/jvm).
# With JAVA_NEEDS=javac only a JDK counts (a java with a javac beside it, as .ci/Build.java compiles).
_jdk_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1; }
JAVA=""
for _c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java 2>/dev/null)" $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
    [ -x "$_c" ] || continue
    _c="$(readlink -f "$_c")"
    [ "${JAVA_NEEDS:-java}" = java ] || [ -x "$(dirname "$_c")/${JAVA_NEEDS}" ] || continue
    _v=$(_jdk_major "$_c")
    if [ -n "$_v" ] && [ "$_v" -ge 21 ]; then JAVA="$_c"; break; fi
done
_what=Java; [ "${JAVA_NEEDS:-java}" = java ] || _what=JDK
[ -n "$JAVA" ] || { echo "no $_what 21 or newer found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm/*); install one or set JAVA_HOME" >&2; exit 1; }
