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
#include "quant.cuh"

#define MM_BM 64
#define MM_BN 64
#define MM_BK 32
#define MM_LD (MM_BK + 8)   // half elements per shared row (keeps 32-byte fragment alignment, spreads banks)
#define MM_LDC (MM_BM + 4)  // floats per shared output column

// Each format: raw16 loads what one thread needs for 16 weights of row `row` at columns
// k0 + 16*hf .. +15 (k0 a multiple of 32) into a small register record; dq16 turns it into floats.

struct MmF32 {
    static constexpr int BS = 1, BYTES = 4;
    struct Raw { float4 v[4]; };
    __device__ __forceinline__ static void load(const uint8_t* row, int k0, int hf, Raw& r) {
        const float* p = reinterpret_cast<const float*>(row) + k0 + 16 * hf;
#pragma unroll
        for (int i = 0; i < 4; i++) {
            r.v[i] = make_float4(__ldg(p + 4 * i), __ldg(p + 4 * i + 1), __ldg(p + 4 * i + 2), __ldg(p + 4 * i + 3));
        }
    }
    __device__ __forceinline__ static void dq(const Raw& r, float* out) {
#pragma unroll
        for (int i = 0; i < 4; i++) {
            out[4 * i] = r.v[i].x; out[4 * i + 1] = r.v[i].y; out[4 * i + 2] = r.v[i].z; out[4 * i + 3] = r.v[i].w;
        }
    }
};

struct MmF16 {
    static constexpr int BS = 1, BYTES = 2;
    struct Raw { uint32_t w[8]; };
    __device__ __forceinline__ static void load(const uint8_t* row, int k0, int hf, Raw& r) {
        const uint8_t* p = row + 2 * (k0 + 16 * hf);
#pragma unroll
        for (int i = 0; i < 8; i++) {
            r.w[i] = ld_u32_a2(p + 4 * i);
        }
    }
    __device__ __forceinline__ static void dq(const Raw& r, float* out) {
#pragma unroll
        for (int i = 0; i < 8; i++) {
            out[2 * i] = half_bits_to_float((uint16_t)(r.w[i] & 0xFFFF));
            out[2 * i + 1] = half_bits_to_float((uint16_t)(r.w[i] >> 16));
        }
    }
};

struct MmQ8_0 {
    static constexpr int BS = QK8_0, BYTES = Q8_0_BYTES;
    struct Raw { uint32_t q[4]; uint16_t d; };
    __device__ __forceinline__ static void load(const uint8_t* row, int k0, int hf, Raw& r) {
        const uint8_t* b = row + (k0 / QK8_0) * Q8_0_BYTES;
        r.d = ld_u16(b);
#pragma unroll
        for (int i = 0; i < 4; i++) {
            r.q[i] = ld_u32_a2(b + 2 + 16 * hf + 4 * i);
        }
    }
    __device__ __forceinline__ static void dq(const Raw& r, float* out) {
        float d = half_bits_to_float(r.d);
#pragma unroll
        for (int i = 0; i < 16; i++) {
            out[i] = __fmul_rn(d, (float)(int8_t)(r.q[i / 4] >> (8 * (i % 4))));
        }
    }
};

struct MmQ4_0 {
    static constexpr int BS = QK4_0, BYTES = Q4_0_BYTES;
    struct Raw { uint32_t q[4]; uint16_t d; int hf; };
    __device__ __forceinline__ static void load(const uint8_t* row, int k0, int hf, Raw& r) {
        const uint8_t* b = row + (k0 / QK4_0) * Q4_0_BYTES;
        r.d = ld_u16(b);
        r.hf = hf;
#pragma unroll
        for (int i = 0; i < 4; i++) {
            r.q[i] = ld_u32_a2(b + 2 + 4 * i);  // elements 0..15 are the low nibbles, 16..31 the high ones
        }
    }
    __device__ __forceinline__ static void dq(const Raw& r, float* out) {
        float d = half_bits_to_float(r.d);
        int shift = 4 * r.hf;
#pragma unroll
        for (int i = 0; i < 16; i++) {
            int q = (int)((r.q[i / 4] >> (8 * (i % 4) + shift)) & 0xF);
            out[i] = __fmul_rn(d, (float)(q - 8));
        }
    }
};

struct MmQ4_K {
    static constexpr int BS = QK_K, BYTES = Q4_K_BYTES;
    struct Raw { uint32_t q[4]; uint32_t dd, s0, s1, s2; int j; };
    __device__ __forceinline__ static void load(const uint8_t* row, int k0, int hf, Raw& r) {
        const uint8_t* b = row + (k0 / QK_K) * Q4_K_BYTES;
        int j = (k0 % QK_K) / 32;  // sub-block: quant bytes 32*(j/2) .., low nibbles for even j
        r.j = j;
        r.dd = ld_u32_a2(b);
        r.s0 = ld_u32_a2(b + 4);
        r.s1 = ld_u32_a2(b + 8);
        r.s2 = ld_u32_a2(b + 12);
#pragma unroll
        for (int i = 0; i < 4; i++) {
            r.q[i] = ld_u32_a2(b + 16 + 32 * (j / 2) + 16 * hf + 4 * i);
        }
    }
    __device__ __forceinline__ static void dq(const Raw& r, float* out) {
        int sc, m;
        q4k_scale_min_w(r.s0, r.s1, r.s2, r.j, &sc, &m);
        float d1 = __fmul_rn(half_bits_to_float((uint16_t)(r.dd & 0xFFFF)), (float)sc);
        float m1 = __fmul_rn(half_bits_to_float((uint16_t)(r.dd >> 16)), (float)m);
        int shift = 4 * (r.j & 1);
#pragma unroll
        for (int i = 0; i < 16; i++) {
            int q = (int)((r.q[i / 4] >> (8 * (i % 4) + shift)) & 0xF);
            out[i] = __fsub_rn(__fmul_rn(d1, (float)q), m1);
        }
    }
};

struct MmQ6_K {
    static constexpr int BS = QK_K, BYTES = Q6_K_BYTES;
    struct Raw { uint32_t ql[4], qh[4]; uint16_t d; int8_t sc; int part; };
    __device__ __forceinline__ static void load(const uint8_t* row, int k0, int hf, Raw& r) {
        const uint8_t* b = row + (k0 / QK_K) * Q6_K_BYTES;
        int s = (k0 % QK_K) / 32;
        int h = s / 4;
        int part = s % 4;  // 0: ql low, 1: ql[+32] low, 2: ql high, 3: ql[+32] high; qh bits 2*part
        int l0 = 16 * hf;
        r.part = part;
        r.d = ld_u16(b + 208);
        r.sc = (int8_t)__ldg(b + 192 + 8 * h + hf + 2 * part);
#pragma unroll
        for (int i = 0; i < 4; i++) {
            r.ql[i] = ld_u32_a2(b + 64 * h + 32 * (part & 1) + l0 + 4 * i);
            r.qh[i] = ld_u32_a2(b + 128 + 32 * h + l0 + 4 * i);
        }
    }
    __device__ __forceinline__ static void dq(const Raw& r, float* out) {
        float ds = __fmul_rn(half_bits_to_float(r.d), (float)r.sc);
        int lshift = (r.part & 2) ? 4 : 0;
        int hshift = 2 * r.part;
#pragma unroll
        for (int i = 0; i < 16; i++) {
            int sh = 8 * (i % 4);
            int lo = (int)((r.ql[i / 4] >> (sh + lshift)) & 0xF);
            int hi = (int)((r.qh[i / 4] >> (sh + hshift)) & 3);
            out[i] = __fmul_rn(ds, (float)((lo | (hi << 4)) - 32));
        }
    }
};

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
            for (int i = 0; i < 16; i++) {
                xr[i] = __ldg(xrow + k0 + i);
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
MM_KERNEL(matmul_q8_0, MmQ8_0)
MM_KERNEL(matmul_q4_0, MmQ4_0)
MM_KERNEL(matmul_q4_k, MmQ4_K)
MM_KERNEL(matmul_q6_k, MmQ6_K)
