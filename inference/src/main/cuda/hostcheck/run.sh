#!/usr/bin/env bash
# Host-side checks of the CUDA kernels (no GPU needed): builds decode_check and kernels_check with g++
# against the CUDA headers, runs them, and compares the dequantized values with Dequantize.java.
#   run.sh [inference classes dir]   (default: inference/target/classes; build the module first)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
classes="$(readlink -f "${1:-$here/../../../../target/classes}")"
nvcc_bin="$(command -v nvcc || true)"
cuda_inc="${CUDA_HOME:-${nvcc_bin:+$(dirname "$(dirname "$(readlink -f "$nvcc_bin")")")}}/include"
[ -f "$cuda_inc/cuda_fp16.h" ] || cuda_inc=/usr/local/cuda/include
[ -f "$cuda_inc/cuda_fp16.h" ] || { echo "hostcheck: CUDA headers not found (set CUDA_HOME)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
flags=(-std=c++20 -O1 -ffp-contract=off -w -pthread -I"$here" -I"$cuda_inc" -I"$here/..")  # $here first: its mma.h
g++ "${flags[@]}" "$here/decode_check.cpp" -o "$work/decode_check"
g++ "${flags[@]}" "$here/kernels_check.cpp" -o "$work/kernels_check"
(cd "$work" && ./decode_check)
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
(cd "$work" && "$java_bin" -cp "$classes" "$here/DequantizeCompare.java")
"$work/kernels_check"
