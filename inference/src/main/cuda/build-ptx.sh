#!/usr/bin/env bash
# Puts chrysalis.sm_80.ptx and chrysalis.sm_90.ptx into <out dir>/dev/chrysalis/inference/gpu/ (Maven runs
# this in generate-resources; the folder is a resource root, so the PTX ends up in the inference jar).
#   - nvcc on the PATH: compiles chrysalis.cu afresh for both targets (skipped when the PTX there is newer
#     than every source); a compile error fails the build with nvcc's message.
#   - no nvcc: copies the committed ptx/ files.
# Prints one line saying which it did.
#
# PTX ISA version: nvcc 13 writes ".version 9.0", which only drivers >= 580 can load. The kernels use
# nothing newer than what the targets themselves need (ISA 7.0 for sm_80, 7.8 for sm_90: wmma, shfl.sync,
# cvt.f16x2, prmt, ld.global.nc), so the ".version" line is lowered to those and the result is checked by
# assembling it with ptxas, which rejects any instruction the lowered version does not have
# ("Feature 'X' requires PTX ISA .version N"). Drivers from CUDA 11.0 (sm_80) and 11.8 (sm_90) load it.
set -euo pipefail

CUDA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ARCHS=(80 90)

ptx_isa_for() {  # lowest PTX ISA whose .target includes sm_$1
    case "$1" in
        80) echo 7.0 ;;
        90) echo 7.8 ;;
        *) echo "build-ptx: no PTX ISA known for sm_$1" >&2; return 1 ;;
    esac
}

# compile_ptx <dir>: nvcc -ptx for every arch into <dir>/chrysalis.sm_XX.ptx, .version lowered and checked.
compile_ptx() (
    local dir="$1" tmp pids=() a rc=0
    mkdir -p "$dir"
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    for a in "${ARCHS[@]}"; do
        nvcc -ptx -O3 -std=c++17 -arch="compute_$a" -o "$tmp/chrysalis.sm_$a.ptx" "$CUDA_DIR/chrysalis.cu" &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    if [ "$rc" -ne 0 ]; then
        echo "build-ptx: nvcc failed to compile $CUDA_DIR/chrysalis.cu (messages above)" >&2
        return 1
    fi
    pids=()
    for a in "${ARCHS[@]}"; do
        local isa f="$tmp/chrysalis.sm_$a.ptx"
        isa="$(ptx_isa_for "$a")"
        grep -q '^\.version ' "$f" || { echo "build-ptx: $f has no .version line" >&2; return 1; }
        sed -i "s/^\.version [0-9.]*\$/.version $isa/" "$f"
        if command -v ptxas >/dev/null 2>&1; then
            ptxas -arch="sm_$a" -o /dev/null "$f" &
            pids+=($!)
        fi
    done
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    if [ "$rc" -ne 0 ]; then
        echo "build-ptx: ptxas rejected the PTX after lowering .version (messages above)" >&2
        return 1
    fi
    for a in "${ARCHS[@]}"; do
        mv "$tmp/chrysalis.sm_$a.ptx" "$dir/chrysalis.sm_$a.ptx"
    done
)

# true when the PTX in <dir> was compiled by nvcc (stamp beside the resource root, so it stays out of the
# jar) after the last change to any source of this folder
up_to_date() {
    local dir="$1" stamp="$2" a src
    [ -f "$stamp" ] || return 1
    for a in "${ARCHS[@]}"; do
        [ -f "$dir/chrysalis.sm_$a.ptx" ] || return 1
    done
    for src in "$CUDA_DIR"/*.cu "$CUDA_DIR"/*.cuh "$CUDA_DIR"/build-ptx.sh; do
        [ "$stamp" -nt "$src" ] || return 1
    done
}

main() {
    if [ $# -ne 1 ]; then
        echo "usage: build-ptx.sh <out dir>   (writes <out dir>/dev/chrysalis/inference/gpu/chrysalis.sm_{80,90}.ptx)" >&2
        exit 2
    fi
    local dest="$1/dev/chrysalis/inference/gpu" stamp="${1%/}.nvcc-stamp" a
    if command -v nvcc >/dev/null 2>&1; then
        if up_to_date "$dest" "$stamp"; then
            echo "build-ptx: PTX in $dest was compiled after the last change to the CUDA sources, nothing to compile"
        else
            rm -f "$stamp"
            compile_ptx "$dest"
            touch "$stamp"
            echo "build-ptx: compiled fresh PTX with $(command -v nvcc) into $dest"
        fi
    else
        rm -f "$stamp"
        mkdir -p "$dest"
        for a in "${ARCHS[@]}"; do
            cp "$CUDA_DIR/ptx/chrysalis.sm_$a.ptx" "$dest/"
        done
        echo "build-ptx: nvcc not on the PATH, copied the committed PTX from $CUDA_DIR/ptx into $dest"
    fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    main "$@"
fi
