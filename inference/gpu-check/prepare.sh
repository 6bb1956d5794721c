#!/usr/bin/env bash
# Builds target-gpucheck/ at the repository root: everything the GPU checks need on the device machine,
# which has a GPU, nvcc and python3 + numpy but no JDK, no Maven and no ../shared: a jlinked Java 25
# runtime, the inference classes and test classes with their jars, the JUnit runner GpuCheck, the fixture
# models and references, and gen_gguf.py. Run it here, then on the device machine (carry target-gpucheck):
#   bash target-gpucheck/run.sh            (see run.sh for what it runs)
# Environment: JAVA_HOME (a JDK 25), CHRYSALIS_FIXTURES (default ../shared/fixtures), BUILD_DIR (default
# target-gpucheck-build, the Maven build folder), SKIP_FIXTURES (space-separated model files to leave out).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
BUILD="${BUILD_DIR:-target-gpucheck-build}"
FIXTURES="${CHRYSALIS_FIXTURES:-$ROOT/../shared/fixtures}"
TOOLS="$(dirname "$FIXTURES")/tools"
OUTDIR="$ROOT/target-gpucheck"
STAGE="$OUTDIR/stage"
cd "$ROOT"

echo "== build (inference, test classes, PTX)"
./mvnw -o -B -ntp -q -Dchrysalis.buildDir="$BUILD" -pl inference test-compile
./mvnw -o -B -ntp -q -Dchrysalis.buildDir="$BUILD" -pl inference org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath \
  -Dmdep.outputFile="$ROOT/inference/$BUILD/test-classpath.txt" -Dmdep.includeScope=test

rm -rf "$STAGE"
mkdir -p "$STAGE/lib" "$STAGE/check" "$STAGE/fixtures/models" "$STAGE/fixtures/refs" "$STAGE/tools"
cp -r "inference/$BUILD/classes" "$STAGE/classes"
cp -r "inference/$BUILD/test-classes" "$STAGE/test-classes"
for jar in $(tr ':' ' ' < "inference/$BUILD/test-classpath.txt"); do cp "$jar" "$STAGE/lib/"; done
JUNIT="$(ls "$STAGE"/lib/junit-platform-engine-*.jar | sed 's/.*junit-platform-engine-\(.*\)\.jar/\1/')"
cp "$HOME/.m2/repository/org/junit/platform/junit-platform-launcher/$JUNIT/junit-platform-launcher-$JUNIT.jar" "$STAGE/lib/"
"$JAVA_HOME/bin/javac" -d "$STAGE/check" -cp "$STAGE/lib/*" inference/gpu-check/GpuCheck.java
ls "$STAGE/classes/dev/chrysalis/inference/gpu/"*.ptx >/dev/null

echo "== fixtures from $FIXTURES"
for m in "$FIXTURES"/models/*.gguf; do
  name="$(basename "$m")"
  case " ${SKIP_FIXTURES:-} " in *" $name "*) continue ;; esac
  cp "$m" "$STAGE/fixtures/models/"
  ref="$FIXTURES/refs/${name%.gguf}.p0.json"
  [ -f "$ref" ] && cp "$ref" "$STAGE/fixtures/refs/"
done
cp "$TOOLS"/*.py "$STAGE/tools/"

JRE="$ROOT/inference/$BUILD/jre"
if [ ! -x "$JRE/bin/java" ]; then
  echo "== jlink Java runtime (once; about a minute)"
  rm -rf "$JRE"
  "$JAVA_HOME/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.management,jdk.management,java.logging \
    --output "$JRE" --strip-debug --no-man-pages --no-header-files
  strip --strip-unneeded "$JRE/lib/server/libjvm.so" 2>/dev/null || true
fi
cp -r "$JRE" "$STAGE/jre"

echo "== pack"
cp inference/gpu-check/run.sh inference/gpu-check/profile.sh inference/gpu-check/unpack.sh "$OUTDIR/"
tar -C "$STAGE" -cf - . | xz -6 -T0 > "$OUTDIR/bundle.tar.xz"
rm -rf "$STAGE"
du -sh "$OUTDIR/bundle.tar.xz"
echo "device: run with carry [\"target-gpucheck\"] and command: bash target-gpucheck/run.sh"
