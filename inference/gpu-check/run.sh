#!/usr/bin/env bash
# Runs on the device machine (see prepare.sh): unpacks the bundle, then
#   1. every GPU test (packages dev.chrysalis.inference.gpu and .gpu.model; CPU tests of those packages run too),
#   2. bench gpu-bandwidth and bench inference --device cuda on generated 1B- and 7B-class Q4_0/Q8_0 models (unless
#      GPU_CHECK_BENCH=0; GPU_CHECK_PRESETS picks others; the bench writes each model in Java in seconds),
#   3. that model's logits against the CPU path (CudaForwardPassTest#generated1BClassModelMatchesTheCpuPath).
# Logs go to $OUT (the device tool's folder) when set. Arguments replace the test selection of step 1,
# e.g. dev.chrysalis.inference.gpu.model.CudaForwardPassTest or a.b.C#method. Extra JVM flags: JAVA_OPTS
# (-Dchrysalis.cuda.graphs=false runs decode without graphs; -Dchrysalis.cuda.sync=true names the failing kernel).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
B=/tmp/chrysalis-gpucheck
LOG="${OUT:-$HERE}"
mkdir -p "$B" "$LOG"
[ -x "$B/jre/bin/java" ] || tar -xJf "$HERE/bundle.tar.xz" -C "$B"
J="$B/jre/bin/java"
CP="$B/check:$B/classes:$B/test-classes:$B/lib/*"
# shellcheck disable=SC2206
OPTS=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xmx16g -Dchrysalis.fixtures="$B/fixtures" ${JAVA_OPTS:-})
status=0

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv 2>&1 | tee "$LOG/gpu.txt"
"$J" "${OPTS[@]}" -cp "$CP" dev.chrysalis.inference.cli.InferenceCli gpu 2>&1 | tee -a "$LOG/gpu.txt"

echo "== 1. GPU tests"
"$J" "${OPTS[@]}" -cp "$CP" GpuCheck "$@" 2>&1 | tee "$LOG/gpu-tests.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1

if [ "${GPU_CHECK_BENCH:-1}" = 1 ]; then
  echo "== 2. benchmarks"
  "$J" "${OPTS[@]}" -cp "$CP" dev.chrysalis.inference.cli.InferenceCli bench gpu-bandwidth 2>&1 | tee "$LOG/bench.txt"
  "$J" "${OPTS[@]}" -cp "$CP" dev.chrysalis.inference.cli.InferenceCli bench inference --device cuda --no-peer \
    --models /tmp/chrysalis-bench --tools "$B/tools" --vocab-from "$B/fixtures/models/llama-2-tiny-random.gguf" \
    --presets "${GPU_CHECK_PRESETS:-tinyllama-1.1b:Q4_0,tinyllama-1.1b:Q8_0,llama2-7b:Q4_0,llama2-7b:Q8_0}" --prompt 512 --gen 128 --runs 2 2>&1 | tee -a "$LOG/bench.txt"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
  echo "== 3. 1B-class model vs the CPU path"
  "$J" "${OPTS[@]}" -Dchrysalis.gpu.model1b=/tmp/chrysalis-bench/tinyllama-1.1b-Q4_0.gguf -cp "$CP" GpuCheck \
    'dev.chrysalis.inference.gpu.model.CudaForwardPassTest#generated1BClassModelMatchesTheCpuPath(dev.chrysalis.inference.gpu.cuda.CudaDevice)' \
    2>&1 | tee "$LOG/gpu-1b.log"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
fi
echo "run.sh: exit $status"
exit $status
