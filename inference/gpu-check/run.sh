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
# shellcheck source=unpack.sh
source "$(dirname "${BASH_SOURCE[0]}")/unpack.sh"
status=0

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv 2>&1 | tee "$LOG/gpu.txt"
"$J" "${OPTS[@]}" -cp "$CP" dev.chrysalis.inference.cli.InferenceCli gpu 2>&1 | tee -a "$LOG/gpu.txt"

# Each step has a time limit (seconds), so a hung kernel costs one step, not the session's device time.
T_TESTS="${GPU_CHECK_T_TESTS:-150}" T_DIAG="${GPU_CHECK_T_DIAG:-75}" T_BW="${GPU_CHECK_T_BW:-30}"
T_BENCH="${GPU_CHECK_T_BENCH:-150}" T_1B="${GPU_CHECK_T_1B:-60}"

echo "== 1. GPU tests"
timeout "$T_TESTS" "$J" "${OPTS[@]}" -cp "$CP" GpuCheck "$@" 2>&1 | tee "$LOG/gpu-tests.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1

if [ "$status" != 0 ]; then
  # A failure from an asynchronous launch names the call that noticed it, not the kernel: run the failing
  # classes again as direct launches with a wait after each, so the first fault names its kernel.
  failing=$(sed -n 's/^FAIL \([A-Za-z0-9]*\)#.*/\1/p' "$LOG/gpu-tests.log" | sort -u)
  classes=()
  for c in $failing; do
    f=$(cd "$B/test-classes" && find . -name "$c.class" | head -1 | sed 's|^\./||; s|\.class$||; s|/|.|g')
    [ -n "$f" ] && classes+=("$f")
  done
  if [ "${#classes[@]}" -gt 0 ]; then
    echo "== 1b. failing classes again, direct launches with a wait after each: ${classes[*]}"
    timeout "$T_DIAG" "$J" "${OPTS[@]}" -Dchrysalis.cuda.graphs=false -Dchrysalis.cuda.sync=true -cp "$CP" GpuCheck "${classes[@]}" \
      2>&1 | tee "$LOG/gpu-tests-sync.log"
  fi
  echo "tests failed: benchmarks skipped (GPU_CHECK_BENCH_ANYWAY=1 runs them)"
fi

if [ "${GPU_CHECK_BENCH:-1}" = 1 ] && { [ "$status" = 0 ] || [ "${GPU_CHECK_BENCH_ANYWAY:-0}" = 1 ]; }; then
  echo "== 2. benchmarks"
  timeout "$T_BW" "$J" "${OPTS[@]}" -cp "$CP" dev.chrysalis.inference.cli.InferenceCli bench gpu-bandwidth 2>&1 | tee "$LOG/bench.txt"
  timeout "$T_BENCH" "$J" "${OPTS[@]}" -cp "$CP" dev.chrysalis.inference.cli.InferenceCli bench inference --device cuda --no-peer \
    --models /tmp/chrysalis-bench --tools "$B/tools" --vocab-from "$B/fixtures/models/llama-2-tiny-random.gguf" \
    --presets "${GPU_CHECK_PRESETS:-tinyllama-1.1b:Q4_0,tinyllama-1.1b:Q8_0,llama3-8b:Q4_0,llama3-8b:Q8_0}" --prompt 512 --gen 128 --runs 2 2>&1 | tee -a "$LOG/bench.txt"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
  echo "== 3. 1B-class model vs the CPU path"
  timeout "$T_1B" "$J" "${OPTS[@]}" -Dchrysalis.gpu.model1b=/tmp/chrysalis-bench/tinyllama-1.1b-Q4_0.gguf -cp "$CP" GpuCheck \
    'dev.chrysalis.inference.gpu.model.CudaForwardPassTest#generated1BClassModelMatchesTheCpuPath(dev.chrysalis.inference.gpu.cuda.CudaDevice,java.nio.file.Path)' \
    2>&1 | tee "$LOG/gpu-1b.log"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
fi
echo "run.sh: exit $status"
exit $status
