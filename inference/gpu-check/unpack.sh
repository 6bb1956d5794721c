# Sourced by run.sh and profile.sh on the device machine: unpacks the bundle once into $B and sets J (java),
# CP (class path), OPTS (JVM options, plus $JAVA_OPTS) and LOG (the device tool's $OUT, else this folder).
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
B=/tmp/chrysalis-gpucheck
LOG="${OUT:-$HERE}"
mkdir -p "$B" "$LOG"
[ -x "$B/jre/bin/java" ] || tar -xJf "$HERE/bundle.tar.xz" -C "$B"
J="$B/jre/bin/java"
CP="$B/check:$B/classes:$B/test-classes:$B/lib/*"
# shellcheck disable=SC2206
OPTS=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xmx16g -Dchrysalis.fixtures="$B/fixtures" ${JAVA_OPTS:-})
