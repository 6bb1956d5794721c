// Prefill matrix-matrix products y[t][r] = sum_k W[r][k] x[t][k] on tensor cores (wmma 16x16x16,
// half inputs, float accumulation).
//
// Launch (contract): block 128 = 4 warps, grid (ceil(rows/64), ceil(n/64)). A block computes a 64-row x
// 64-token tile; each warp a 32x32 quarter (2x2 fragments). K advances 32 columns at a time, the width of
// one Q8_0/Q4_0 block and of one Q4_K/Q6_K sub-block: every thread dequantizes 16 weights of one row
// (exactly as Dequantize.java, then rounded to half) and converts 16 activations of one token to half,
// into shared memory. The next chunk's raw weights and activations are loaded into registers before
// the current chunk's tensor-core work, so global latency overlaps the math.

#include <mma.h>
#include "tile_dequant.cuh"

#define MM_BM 64
#define MM_BN 64
#define MM_BK 32
#define MM_LD (MM_BK + 8)   // half elements per shared row (keeps 32-byte fragment alignment, spreads banks)
#define MM_LDC (MM_BM + 4)  // floats per shared output column

template <class Q>
__device__ __forceinline__ void mm_tile(const uint8_t* __restrict__ w, const float* __restrict__ x,
                                        float* __restrict__ y, int rows, int cols, int n) {
    using namespace nvcuda;
    __shared__ __align__(128) __half As[MM_BM * MM_LD];
    __shared__ __align__(128) __half Bs[MM_BN * MM_LD];
    __shared__ __align__(128) float Cs[MM_BN * MM_LDC];

    const int tid = threadIdx.x;
    const int warp = tid >> 5;
    const int wm = warp >> 1, wn = warp & 1;  // the warp's 32x32 quarter
    const int r0 = blockIdx.x * MM_BM, t0 = blockIdx.y * MM_BN;
    const int lr = tid >> 1, hf = tid & 1;    // this thread fills row lr (weights) / token lr (x), half hf
    const bool row_ok = r0 + lr < rows, tok_ok = t0 + lr < n;
    const size_t row_bytes = (size_t)(cols / Q::BS) * Q::BYTES;
    const uint8_t* wrow = w + (size_t)(row_ok ? r0 + lr : 0) * row_bytes;
    const float* xrow = x + (size_t)(tok_ok ? t0 + lr : 0) * cols + 16 * hf;
    const bool x_aligned = ((uintptr_t)x & 15) == 0;  // then every 16-float run is (cols % 32 == 0)

    wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[2][2];
#pragma unroll
    for (int i = 0; i < 2; i++) {
#pragma unroll
        for (int j = 0; j < 2; j++) {
            wmma::fill_fragment(acc[i][j], 0.0f);
        }
    }

    typename Q::Raw raw;
    float xr[16];
    auto fetch = [&](int k0) {
        if (row_ok) {
            Q::load(wrow, k0, hf, raw);
        }
        if (tok_ok) {
#pragma unroll
            for (int i = 0; i < 16; i += 4) {
                float4 v = x_aligned ? ld_f4<true>(xrow + k0 + i) : ld_f4<false>(xrow + k0 + i);
                xr[i] = v.x; xr[i + 1] = v.y; xr[i + 2] = v.z; xr[i + 3] = v.w;
            }
        }
    };
    fetch(0);
    for (int k0 = 0; k0 < cols; k0 += MM_BK) {
        float wf[16];
        if (row_ok) {
            Q::dq(raw, wf);
        }
        __half* a = As + lr * MM_LD + 16 * hf;
        __half* bsm = Bs + lr * MM_LD + 16 * hf;
#pragma unroll
        for (int i = 0; i < 16; i += 2) {
            *reinterpret_cast<__half2*>(a + i) = row_ok ? __floats2half2_rn(wf[i], wf[i + 1]) : __float2half2_rn(0.0f);
            *reinterpret_cast<__half2*>(bsm + i) = tok_ok ? __floats2half2_rn(xr[i], xr[i + 1]) : __float2half2_rn(0.0f);
        }
        __syncthreads();
        if (k0 + MM_BK < cols) {
            fetch(k0 + MM_BK);  // in flight while the tensor cores work on this chunk
        }
#pragma unroll
        for (int kk = 0; kk < MM_BK; kk += 16) {
            wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa[2];
            wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::col_major> fb[2];
#pragma unroll
            for (int i = 0; i < 2; i++) {
                wmma::load_matrix_sync(fa[i], As + (wm * 32 + i * 16) * MM_LD + kk, MM_LD);
                wmma::load_matrix_sync(fb[i], Bs + (wn * 32 + i * 16) * MM_LD + kk, MM_LD);
            }
#pragma unroll
            for (int i = 0; i < 2; i++) {
#pragma unroll
                for (int j = 0; j < 2; j++) {
                    wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
                }
            }
        }
        __syncthreads();
    }
    // C[r][t] stored column-major (token-major) so the write-out below reads shared memory without conflicts.
#pragma unroll
    for (int i = 0; i < 2; i++) {
#pragma unroll
        for (int j = 0; j < 2; j++) {
            wmma::store_matrix_sync(Cs + (wn * 32 + j * 16) * MM_LDC + wm * 32 + i * 16, acc[i][j], MM_LDC,
                                    wmma::mem_col_major);
        }
    }
    __syncthreads();
    for (int idx = tid; idx < MM_BM * MM_BN; idx += blockDim.x) {
        int t = idx / MM_BM, r = idx % MM_BM;
        if (t0 + t < n && r0 + r < rows) {
            y[(size_t)(t0 + t) * rows + r0 + r] = Cs[t * MM_LDC + r];
        }
    }
}

#define MM_KERNEL(name, Q)                                                                                        \
    extern "C" __global__ void __launch_bounds__(128) name(const void* __restrict__ w, const float* __restrict__ x, \
                                                           float* __restrict__ y, int rows, int cols, int n) {    \
        mm_tile<Q>(static_cast<const uint8_t*>(w), x, y, rows, cols, n);                                          \
    }

MM_KERNEL(matmul_f32, MmF32)
MM_KERNEL(matmul_f16, MmF16)
MM_KERNEL(matmul_bf16, MmBF16)
MM_KERNEL(matmul_q8_0, MmQ8_0)
MM_KERNEL(matmul_q4_0, MmQ4_0)
MM_KERNEL(matmul_q4_1, MmQ4_1)
MM_KERNEL(matmul_q4_k, MmQ4_K)
MM_KERNEL(matmul_q5_k, MmQ5_K)
MM_KERNEL(matmul_q6_k, MmQ6_K)
