#!/usr/bin/env bash
# Rewrites the committed ptx/chrysalis.sm_80.ptx and ptx/chrysalis.sm_90.ptx from the CUDA sources
# (nvcc -ptx -arch=compute_80|compute_90, .version lowered and checked as build-ptx.sh explains).
# Run it after changing a .cu/.cuh file and commit the PTX with the change: builds without nvcc use it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=build-ptx.sh
source "$here/build-ptx.sh"
command -v nvcc >/dev/null 2>&1 || { echo "regenerate-ptx: nvcc is not on the PATH" >&2; exit 1; }
compile_ptx "$here/ptx"
echo "regenerate-ptx: wrote $here/ptx/chrysalis.sm_80.ptx and chrysalis.sm_90.ptx with $(nvcc --version | tail -1)"
