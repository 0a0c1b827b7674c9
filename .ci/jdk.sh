# Sourced by scripts that run the jar: sets JAVA to a java >= 21 (JAVA_HOME, PATH, then /usr/lib/jvm).
_jdk_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1; }
JAVA=""
for _c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java 2>/dev/null)" $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
    [ -x "$_c" ] || continue
    _v=$(_jdk_major "$_c")
    if [ -n "$_v" ] && [ "$_v" -ge 21 ]; then JAVA="$_c"; break; fi
done
[ -n "$JAVA" ] || { echo "no Java 21 or newer found (set JAVA_HOME)" >&2; exit 1; }
