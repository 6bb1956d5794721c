// Decode matrix-vector products y = W x with W kept in its GGUF block format.
//
// Launch (contract): block 256 = 8 warps, grid ceil(rows/8); warp w of block b owns row 8b+w.
// A warp walks its row in "steps": in one step the 32 lanes read a run of consecutive blocks, each lane a
// fixed slice of one block, so every load instruction of the warp touches one contiguous stretch of
// memory (coalesced) and x is read as float4 at consecutive addresses. Steps are unrolled so several
// independent loads are in flight per lane; the lane sums are reduced with warp shuffles.
//
// Small integers become floats through byte_to_float (a byte permute and a subtraction, exact).

#include "quant.cuh"

#define MV_WARPS 8

// Each format: BS elements and BYTES bytes per block, LPB lanes per block (32/LPB blocks per step),
// UNROLL steps whose weight loads are issued together before any of them is used (so a warp has about
// 1 KiB or more of weights in flight: latency x bandwidth per SM is ~25 KB on an H100/H200 and a
// matrix of 4096 rows gives ~32 warps per SM), a Raw record of the lane's undecoded bytes, load() to
// fetch them and dot() = the lane's part of the block's dot product (x is read there, from L1/L2).
// Raw keeps 2-byte-aligned loads as separate 16-bit values so no instruction waits on them early.

__device__ __forceinline__ uint32_t join16(uint16_t lo, uint16_t hi) {
    return (uint32_t)lo | ((uint32_t)hi << 16);
}

struct MvQ8_0 {  // lane slice: quants 4*sub .. 4*sub+3
    static constexpr int BS = QK8_0, BYTES = Q8_0_BYTES, LPB = 8, UNROLL = 8;
    struct Raw { uint16_t d, q0, q1; };
    __device__ __forceinline__ static void load(const uint8_t* b, int sub, Raw& r) {
        r.d = ld_u16(b);
        r.q0 = ld_u16(b + 2 + 4 * sub);
        r.q1 = ld_u16(b + 4 + 4 * sub);
    }
    template <bool XA>
    __device__ __forceinline__ static float dot(const Raw& r, const float* x, int sub) {
        float4 xv = ld_f4<XA>(x + 4 * sub);
        return half_bits_to_float(r.d) * dot4(s8x4_to_float4(join16(r.q0, r.q1)), xv, 0.0f);
    }
};

struct MvQ4_0 {  // lane slice: qs bytes 4*sub .. +3 = elements 4*sub.. (low nibbles) and 16+4*sub.. (high)
    static constexpr int BS = QK4_0, BYTES = Q4_0_BYTES, LPB = 4, UNROLL = 8;
    struct Raw { uint16_t d, q0, q1; };
    __device__ __forceinline__ static void load(const uint8_t* b, int sub, Raw& r) {
        r.d = ld_u16(b);
        r.q0 = ld_u16(b + 2 + 4 * sub);
        r.q1 = ld_u16(b + 4 + 4 * sub);
    }
    template <bool XA>
    __device__ __forceinline__ static float dot(const Raw& r, const float* x, int sub) {
        uint32_t q = join16(r.q0, r.q1);
        float4 xl = ld_f4<XA>(x + 4 * sub);
        float4 xh = ld_f4<XA>(x + 16 + 4 * sub);
        float s = dot4(u8x4_to_float4(q & 0x0F0F0F0Fu, 8.0f), xl, 0.0f);
        s = dot4(u8x4_to_float4((q >> 4) & 0x0F0F0F0Fu, 8.0f), xh, s);
        return half_bits_to_float(r.d) * s;
    }
};

// lane slice: qs bytes 32c + l0 .. +15 (c = sub/2, l0 = 16*(sub&1)): 16 elements of sub-block 2c
// (low nibbles) and 16 of sub-block 2c+1 (high nibbles). WA: the block is 16-byte aligned.
template <bool WA>
struct MvQ4_K {
    static constexpr int BS = QK_K, BYTES = Q4_K_BYTES, LPB = 8, UNROLL = 4;
    struct Raw { uint4 q; uint32_t dd, s0, s1, s2; };
    __device__ __forceinline__ static uint32_t ld32(const uint8_t* p) {
        return WA ? ld_u32_a4(p) : ld_u32_a2(p);
    }
    __device__ __forceinline__ static void load(const uint8_t* b, int sub, Raw& r) {
        r.q = ld_u128<WA>(b + 16 + 32 * (sub >> 1) + (sub & 1) * 16);
        r.dd = ld32(b);
        r.s0 = ld32(b + 4);
        r.s1 = ld32(b + 8);
        r.s2 = ld32(b + 12);
    }
    template <bool XA>
    __device__ __forceinline__ static float dot(const Raw& r, const float* x, int sub) {
        const int c = sub >> 1;
        const float* xl = x + 64 * c + (sub & 1) * 16;
        const float* xh = xl + 32;
        float ql = 0.0f, qh = 0.0f, sl = 0.0f, sh = 0.0f;
        const uint32_t qw[4] = {r.q.x, r.q.y, r.q.z, r.q.w};
#pragma unroll
        for (int k = 0; k < 4; k++) {
            float4 a = ld_f4<XA>(xl + 4 * k);
            float4 h = ld_f4<XA>(xh + 4 * k);
            ql = dot4(u8x4_to_float4(qw[k] & 0x0F0F0F0Fu, 0.0f), a, ql);
            qh = dot4(u8x4_to_float4((qw[k] >> 4) & 0x0F0F0F0Fu, 0.0f), h, qh);
            sl += hsum4(a);
            sh += hsum4(h);
        }
        int sc1, m1, sc2, m2;
        q4k_scale_min_w(r.s0, r.s1, r.s2, 2 * c, &sc1, &m1);
        q4k_scale_min_w(r.s0, r.s1, r.s2, 2 * c + 1, &sc2, &m2);
        float d = half_bits_to_float((uint16_t)(r.dd & 0xFFFF));
        float dmin = half_bits_to_float((uint16_t)(r.dd >> 16));
        return d * ((float)sc1 * ql + (float)sc2 * qh) - dmin * ((float)m1 * sl + (float)m2 * sh);
    }
};

// lane slice: half h = sub/8 of the block, l = 4g .. 4g+3 (g = sub%8) of each of its four 32-element
// parts; their scales are bytes is, is+2, is+4, is+6 (is = g/4) of the half's 8 scale bytes.
struct MvQ6_K {
    static constexpr int BS = QK_K, BYTES = Q6_K_BYTES, LPB = 16, UNROLL = 4;
    struct Raw { uint16_t a0, a1, c0, c1, h0, h1, sc[4], d; };
    __device__ __forceinline__ static void load(const uint8_t* b, int sub, Raw& r) {
        const int h = sub >> 3, l0 = (sub & 7) * 4;
        r.a0 = ld_u16(b + 64 * h + l0);
        r.a1 = ld_u16(b + 64 * h + l0 + 2);
        r.c0 = ld_u16(b + 64 * h + 32 + l0);
        r.c1 = ld_u16(b + 64 * h + 32 + l0 + 2);
        r.h0 = ld_u16(b + 128 + 32 * h + l0);
        r.h1 = ld_u16(b + 128 + 32 * h + l0 + 2);
#pragma unroll
        for (int i = 0; i < 4; i++) {
            r.sc[i] = ld_u16(b + 192 + 8 * h + 2 * i);
        }
        r.d = ld_u16(b + 208);
    }
    template <bool XA>
    __device__ __forceinline__ static float dot(const Raw& r, const float* x, int sub) {
        const int h = sub >> 3, l0 = (sub & 7) * 4;
        const int sh = (l0 >> 4) * 8;  // scale byte is of each pair
        const uint32_t a = join16(r.a0, r.a1), c = join16(r.c0, r.c1), hh = join16(r.h0, r.h1);
        const float* xb = x + 128 * h + l0;
        uint32_t q1 = (a & 0x0F0F0F0Fu) | ((hh & 0x03030303u) << 4);
        uint32_t q2 = (c & 0x0F0F0F0Fu) | (((hh >> 2) & 0x03030303u) << 4);
        uint32_t q3 = ((a >> 4) & 0x0F0F0F0Fu) | (((hh >> 4) & 0x03030303u) << 4);
        uint32_t q4 = ((c >> 4) & 0x0F0F0F0Fu) | (((hh >> 6) & 0x03030303u) << 4);
        float r0 = (float)(int8_t)(r.sc[0] >> sh) * dot4(u8x4_to_float4(q1, 32.0f), ld_f4<XA>(xb), 0.0f);
        r0 = fmaf((float)(int8_t)(r.sc[1] >> sh), dot4(u8x4_to_float4(q2, 32.0f), ld_f4<XA>(xb + 32), 0.0f), r0);
        r0 = fmaf((float)(int8_t)(r.sc[2] >> sh), dot4(u8x4_to_float4(q3, 32.0f), ld_f4<XA>(xb + 64), 0.0f), r0);
        r0 = fmaf((float)(int8_t)(r.sc[3] >> sh), dot4(u8x4_to_float4(q4, 32.0f), ld_f4<XA>(xb + 96), 0.0f), r0);
        return half_bits_to_float(r.d) * r0;
    }
};

// F16 / F32 rows: a "block" is one 16-byte vector (8 halves / 4 floats) when the row allows it.
struct MvF16x8 {
    static constexpr int BS = 8, BYTES = 16, LPB = 1, UNROLL = 4;
    struct Raw { uint4 v; };
    __device__ __forceinline__ static void load(const uint8_t* b, int, Raw& r) {
        r.v = __ldg(reinterpret_cast<const uint4*>(b));
    }
    template <bool XA>
    __device__ __forceinline__ static float dot(const Raw& r, const float* x, int) {
        const uint32_t w[4] = {r.v.x, r.v.y, r.v.z, r.v.w};
        float4 x0 = ld_f4<XA>(x), x1 = ld_f4<XA>(x + 4);
        const float xs[8] = {x0.x, x0.y, x0.z, x0.w, x1.x, x1.y, x1.z, x1.w};
        float s = 0.0f;
#pragma unroll
        for (int k = 0; k < 4; k++) {
            s = fmaf(half_bits_to_float((uint16_t)(w[k] & 0xFFFF)), xs[2 * k], s);
            s = fmaf(half_bits_to_float((uint16_t)(w[k] >> 16)), xs[2 * k + 1], s);
        }
        return s;
    }
};

struct MvF32x4 {
    static constexpr int BS = 4, BYTES = 16, LPB = 1, UNROLL = 4;
    struct Raw { float4 v; };
    __device__ __forceinline__ static void load(const uint8_t* b, int, Raw& r) {
        r.v = __ldg(reinterpret_cast<const float4*>(b));
    }
    template <bool XA>
    __device__ __forceinline__ static float dot(const Raw& r, const float* x, int) {
        return dot4(r.v, ld_f4<XA>(x), 0.0f);
    }
};

// Element-wise fallback for rows that are not whole 16-byte vectors.
struct MvF16x1 {
    static constexpr int BS = 1, BYTES = 2, LPB = 1, UNROLL = 8;
    struct Raw { uint16_t h; };
    __device__ __forceinline__ static void load(const uint8_t* b, int, Raw& r) {
        r.h = ld_u16(b);
    }
    template <bool XA>
    __device__ __forceinline__ static float dot(const Raw& r, const float* x, int) {
        return half_bits_to_float(r.h) * __ldg(x);
    }
};

struct MvF32x1 {
    static constexpr int BS = 1, BYTES = 4, LPB = 1, UNROLL = 8;
    struct Raw { float v; };
    __device__ __forceinline__ static void load(const uint8_t* b, int, Raw& r) {
        r.v = __ldg(reinterpret_cast<const float*>(b));
    }
    template <bool XA>
    __device__ __forceinline__ static float dot(const Raw& r, const float* x, int) {
        return r.v * __ldg(x);
    }
};

// The lane's share of row . x; the row holds cols/BS blocks (cols a multiple of BS).
template <class Q, bool XA>
__device__ __forceinline__ float mv_row_dot(const uint8_t* __restrict__ row, const float* __restrict__ x, int cols,
                                            int lane) {
    constexpr int PER_STEP = 32 / Q::LPB;  // blocks per warp step
    const int nb = cols / Q::BS;
    const int lb = lane / Q::LPB;  // the lane's block within a step
    const int sub = lane % Q::LPB;
    float acc[Q::UNROLL];
#pragma unroll
    for (int u = 0; u < Q::UNROLL; u++) {
        acc[u] = 0.0f;
    }
    int b = lb;
    for (; b + (Q::UNROLL - 1) * PER_STEP < nb; b += Q::UNROLL * PER_STEP) {
        typename Q::Raw raw[Q::UNROLL];
#pragma unroll
        for (int u = 0; u < Q::UNROLL; u++) {
            Q::load(row + (size_t)(b + u * PER_STEP) * Q::BYTES, sub, raw[u]);
        }
#pragma unroll
        for (int u = 0; u < Q::UNROLL; u++) {
            acc[u] += Q::template dot<XA>(raw[u], x + (size_t)(b + u * PER_STEP) * Q::BS, sub);
        }
    }
    for (; b < nb; b += PER_STEP) {
        typename Q::Raw raw;
        Q::load(row + (size_t)b * Q::BYTES, sub, raw);
        acc[0] += Q::template dot<XA>(raw, x + (size_t)b * Q::BS, sub);
    }
    float s = 0.0f;
#pragma unroll
    for (int u = 0; u < Q::UNROLL; u++) {
        s += acc[u];
    }
    return s;
}

template <class Q, bool XA, bool ADD>
__device__ __forceinline__ void mv_rows(const uint8_t* __restrict__ w, const float* __restrict__ x,
                                        float* __restrict__ y, int rows, int cols) {
    const int lane = threadIdx.x & 31;
    const int r = blockIdx.x * MV_WARPS + (threadIdx.x >> 5);
    if (r >= rows) {
        return;
    }
    const size_t row_bytes = (size_t)(cols / Q::BS) * Q::BYTES;
    float s = warp_sum(mv_row_dot<Q, XA>(w + (size_t)r * row_bytes, x, cols, lane));
    if (lane == 0) {
        y[r] = ADD ? y[r] + s : s;
    }
}

__device__ __forceinline__ bool aligned16(const void* p) {
    return ((uintptr_t)p & 15) == 0;
}

// x is read as float4 when it is 16-byte aligned (it always is for buffers from cuMemAlloc).
template <class Q, bool ADD>
__device__ __forceinline__ void mv_dispatch_x(const void* w, const float* x, float* y, int rows, int cols) {
    const uint8_t* wb = static_cast<const uint8_t*>(w);
    if (aligned16(x)) {
        mv_rows<Q, true, ADD>(wb, x, y, rows, cols);
    } else {
        mv_rows<Q, false, ADD>(wb, x, y, rows, cols);
    }
}

template <bool ADD>
__device__ __forceinline__ void mv_f32(const void* w, const float* x, float* y, int rows, int cols) {
    if (cols % 4 == 0 && aligned16(w)) {
        mv_dispatch_x<MvF32x4, ADD>(w, x, y, rows, cols);
    } else {
        mv_dispatch_x<MvF32x1, ADD>(w, x, y, rows, cols);
    }
}

template <bool ADD>
__device__ __forceinline__ void mv_f16(const void* w, const float* x, float* y, int rows, int cols) {
    if (cols % 8 == 0 && aligned16(w)) {
        mv_dispatch_x<MvF16x8, ADD>(w, x, y, rows, cols);
    } else {
        mv_dispatch_x<MvF16x1, ADD>(w, x, y, rows, cols);
    }
}

// Q4_K blocks are 144 bytes, so every row starts 16-byte aligned when the tensor does (GGUF aligns
// tensor data to 32 bytes): then the 16 quant bytes of a lane are one 128-bit load.
template <bool ADD>
__device__ __forceinline__ void mv_q4_k(const void* w, const float* x, float* y, int rows, int cols) {
    if (aligned16(w)) {
        mv_dispatch_x<MvQ4_K<true>, ADD>(w, x, y, rows, cols);
    } else {
        mv_dispatch_x<MvQ4_K<false>, ADD>(w, x, y, rows, cols);
    }
}

#define MV_KERNEL(name, body)                                                                              \
    extern "C" __global__ void __launch_bounds__(256) name(const void* __restrict__ w, const float* __restrict__ x, \
                                                           float* __restrict__ y, int rows, int cols) {   \
        body;                                                                                              \
    }

MV_KERNEL(matvec_f32, (mv_f32<false>(w, x, y, rows, cols)))
MV_KERNEL(matvec_f32_add, (mv_f32<true>(w, x, y, rows, cols)))
MV_KERNEL(matvec_f16, (mv_f16<false>(w, x, y, rows, cols)))
MV_KERNEL(matvec_f16_add, (mv_f16<true>(w, x, y, rows, cols)))
MV_KERNEL(matvec_q8_0, (mv_dispatch_x<MvQ8_0, false>(w, x, y, rows, cols)))
MV_KERNEL(matvec_q8_0_add, (mv_dispatch_x<MvQ8_0, true>(w, x, y, rows, cols)))
MV_KERNEL(matvec_q4_0, (mv_dispatch_x<MvQ4_0, false>(w, x, y, rows, cols)))
MV_KERNEL(matvec_q4_0_add, (mv_dispatch_x<MvQ4_0, true>(w, x, y, rows, cols)))
MV_KERNEL(matvec_q4_k, (mv_q4_k<false>(w, x, y, rows, cols)))
MV_KERNEL(matvec_q4_k_add, (mv_q4_k<true>(w, x, y, rows, cols)))
MV_KERNEL(matvec_q6_k, (mv_dispatch_x<MvQ6_K, false>(w, x, y, rows, cols)))
MV_KERNEL(matvec_q6_k_add, (mv_dispatch_x<MvQ6_K, true>(w, x, y, rows, cols)))
