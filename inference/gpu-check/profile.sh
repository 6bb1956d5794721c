#!/usr/bin/env bash
# Runs on the device machine (see prepare.sh): where decode time goes, for one or more variants of JVM flags.
#   0. the GPU tests once per variant (the forward-pass class for variants after the first);
#   1. per variant: bench inference --device cuda on generated 1B- and 7B-class models ($OUT/bench-<variant>.txt);
#   2. per variant: Nsight Compute (ncu) over a short greedy generation on each of PROFILE_MODELS (default the
#      7B-class Q4_0 model): every kernel's duration, DRAM bytes read, grid, registers and occupancy as CSV
#      ($OUT/ncu-<variant>-<model>.csv); with PROFILE_DETAIL=1, for the first variant, stall reasons, memory
#      throughput and occupancy of the first four matvec launches ($OUT/ncu-detail-<variant>.txt);
#   3. nvidia-smi dmon (clocks, power, utilisation) each second throughout ($OUT/dmon.txt).
# PROFILE_VARIANTS: space-separated name=flags pairs (flags comma-separated), default "default=".
# PROFILE_PRESETS picks the bench models, PROFILE_MODELS the ncu ones; each step has a time limit.
set -uo pipefail
# shellcheck source=unpack.sh
source "$(dirname "${BASH_SOURCE[0]}")/unpack.sh"
PRESETS="${PROFILE_PRESETS:-tinyllama-1.1b:Q4_0,tinyllama-1.1b:Q8_0,llama3-8b:Q4_0,llama3-8b:Q8_0}"
MODELS="${PROFILE_MODELS:-/tmp/chrysalis-bench/llama3-8b-Q4_0.gguf}"
NCU="$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu /usr/local/cuda/bin/ncu 2>/dev/null | head -1)"
QUIET='^(INFO|WARNING)|^[A-Z][a-z]{2} [0-9]{2}, '

nvidia-smi dmon -s pucm -d 1 > "$LOG/dmon.txt" 2>&1 &
DMON=$!
first=1
for variant in ${PROFILE_VARIANTS:-default=}; do
  name="${variant%%=*}"
  IFS=',' read -r -a flags <<< "${variant#*=}"
  echo "== $name (${flags[*]:-no extra flags})"
  if [ "$first" = 1 ]; then tests=(); else tests=(dev.chrysalis.inference.gpu.model.CudaForwardPassTest); fi
  timeout "${PROFILE_T_TESTS:-120}" "$J" "${OPTS[@]}" "${flags[@]}" -cp "$CP" GpuCheck "${tests[@]}" 2>&1 | grep -v -E "$QUIET" \
    > "$LOG/tests-$name.log"
  grep -E '^(FAIL|GPU check)|worst' "$LOG/tests-$name.log" | head -40
  timeout "${PROFILE_T_BENCH:-120}" "$J" "${OPTS[@]}" "${flags[@]}" -cp "$CP" dev.chrysalis.inference.cli.InferenceCli bench inference \
    --device cuda --no-peer --models /tmp/chrysalis-bench --tools "$B/tools" --vocab-from "$B/fixtures/models/llama-2-tiny-random.gguf" \
    --presets "$PRESETS" --prompt 512 --gen 128 --runs 2 2>&1 | grep -v -E "$QUIET" | tee "$LOG/bench-$name.txt"
  for model in $MODELS; do
    [ -n "$NCU" ] && [ -f "$model" ] || continue
    tag="$name-$(basename "$model" .gguf)"
    timeout "${PROFILE_T_NCU:-90}" "$NCU" --clock-control none --target-processes all --launch-count "${PROFILE_LAUNCHES:-2000}" --csv --page raw \
      --metrics gpu__time_duration.sum,dram__bytes_read.sum,launch__grid_size,launch__registers_per_thread,sm__maximum_warps_per_active_cycle_pct \
      "$J" "${OPTS[@]}" "${flags[@]}" -cp "$CP" dev.chrysalis.inference.cli.InferenceCli generate --model "$model" --device cuda --ctx 640 \
      --prompt "Once upon a time" -n 4 --temp 0 > "$LOG/ncu-$tag.csv" 2> "$LOG/ncu-$tag.err"
    echo "ncu ($tag) exit $?; $(wc -l < "$LOG/ncu-$tag.csv") lines"
  done
  if [ -n "$NCU" ] && [ "${PROFILE_DETAIL:-0}" = 1 ] && [ "$first" = 1 ]; then
    # stall reasons, memory throughput and occupancy of the first decode step's q/k/v, o, gate/up and down products
    first_model="${MODELS%% *}"
    timeout "${PROFILE_T_NCU:-90}" "$NCU" --clock-control none --target-processes all -k regex:'^matvec' --launch-count 4 \
      --section SpeedOfLight --section MemoryWorkloadAnalysis --section WarpStateStats --section Occupancy --section LaunchStats \
      --section SchedulerStats "$J" "${OPTS[@]}" "${flags[@]}" -cp "$CP" dev.chrysalis.inference.cli.InferenceCli generate \
      --model "$first_model" --device cuda --ctx 640 --prompt "Once upon a time" -n 2 --temp 0 > "$LOG/ncu-detail-$name.txt" 2>&1
    echo "ncu detail ($name) exit $?; $(wc -l < "$LOG/ncu-detail-$name.txt") lines"
  fi
  first=0
done
kill "$DMON" 2>/dev/null
echo "profile.sh: done"
