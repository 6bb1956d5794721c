// Decode matrix-vector products y = W x with W kept in its GGUF block format.
//
// Launch (contract): block 256 = 8 warps, grid ceil(rows/8): block b computes rows 8b .. 8b+7.
// Inside the block the 8 warps split the columns, not the rows: in one "step" a warp's 32 lanes cover a
// run of consecutive weight blocks (each lane a fixed slice of one block), the lane loads its slice of
// x once and uses it for all 8 rows. So x is read from L1/L2 once per 8 rows (a float of x per weight is
// 4 bytes against 0.56 bytes of Q4_K weight: read per row it would need more L1 bandwidth than an SM
// has at full HBM speed), and a warp has the 8 rows' weights of a step in flight together (1 to 4.6 KiB,
// every load instruction over one contiguous stretch of a row). Warps take steps w, w+8, w+16, ...;
// each lane's 8 sums are reduced with warp shuffles, then across the 8 warps through shared memory.
//
// Small integers become floats through byte_to_float (a byte permute and a subtraction, exact).

#include "quant.cuh"

#define MV_WARPS 8
#define MV_ROWS 8  // rows per block

// Where a lane's slice of x comes from: float activations (XFloat; ALIGNED: x is 16-byte aligned, so
// slices load as float4), or activations quantized to Q8_0 (XQ8: per block of 32 the integers q, the scale
// d and sum(q), as quantize_q8_f32 writes them) for the integer kernels of Q4_0 and Q8_0.
template <bool XA>
struct XFloat {
    static constexpr bool ALIGNED = XA;
    const float* __restrict__ p;
    template <class Q>
    __device__ __forceinline__ void load(int b, int sub, typename Q::X& xs) const {
        Q::template loadx<XA>(p + (size_t)b * Q::BS, sub, xs);
    }
};

struct XQ8 {
    static constexpr bool ALIGNED = true;
    const int8_t* __restrict__ q;
    const float* __restrict__ d;
    const int* __restrict__ s;
    template <class Q>
    __device__ __forceinline__ void load(int b, int sub, typename Q::X& xs) const {
        Q::loadxq(*this, b, sub, xs);
    }
};

// Each format: BS elements and BYTES bytes per block, LPB lanes per block (32/LPB blocks per step);
// X, the lane's slice of x for one block, read by loadx(); Raw, the lane's undecoded bytes of one
// row's block, read by load() (2-byte-aligned loads kept as separate 16-bit values so nothing waits
// on them early); dot(raw, x slice) = the lane's part of that row's block dot product.

__device__ __forceinline__ uint32_t join16(uint16_t lo, uint16_t hi) {
    return (uint32_t)lo | ((uint32_t)hi << 16);
}

// A 2-byte-aligned 16-bit load from global memory (read-only path) or, SH, from shared memory.
template <bool SH>
__device__ __forceinline__ uint16_t ld16(const uint8_t* p) {
    if constexpr (SH) {
        return *reinterpret_cast<const uint16_t*>(p);
    } else {
        return ld_u16(p);
    }
}

struct MvQ8_0 {  // lane slice: quants 4*sub .. 4*sub+3
    static constexpr int BS = QK8_0, BYTES = Q8_0_BYTES, LPB = 8;
    struct X { float4 v; };
    struct Raw { uint16_t d, q0, q1; };
    template <bool XA>
    __device__ __forceinline__ static void loadx(const float* x, int sub, X& xs) {
        xs.v = ld_f4<XA>(x + 4 * sub);
    }
    template <bool SH = false>
    __device__ __forceinline__ static void load(const uint8_t* b, int sub, Raw& r) {
        r.d = ld16<SH>(b);
        r.q0 = ld16<SH>(b + 2 + 4 * sub);
        r.q1 = ld16<SH>(b + 4 + 4 * sub);
    }
    __device__ __forceinline__ static float dot(const Raw& r, const X& xs, int) {
        return half_bits_to_float(r.d) * dot4(s8x4_to_float4(join16(r.q0, r.q1)), xs.v, 0.0f);
    }
};

struct MvQ4_0 {  // lane slice: qs bytes 4*sub .. +3 = elements 4*sub.. (low nibbles) and 16+4*sub.. (high)
    static constexpr int BS = QK4_0, BYTES = Q4_0_BYTES, LPB = 4;
    struct X { float4 l, h; };
    struct Raw { uint16_t d, q0, q1; };
    template <bool XA>
    __device__ __forceinline__ static void loadx(const float* x, int sub, X& xs) {
        xs.l = ld_f4<XA>(x + 4 * sub);
        xs.h = ld_f4<XA>(x + 16 + 4 * sub);
    }
    template <bool SH = false>
    __device__ __forceinline__ static void load(const uint8_t* b, int sub, Raw& r) {
        r.d = ld16<SH>(b);
        r.q0 = ld16<SH>(b + 2 + 4 * sub);
        r.q1 = ld16<SH>(b + 4 + 4 * sub);
    }
    __device__ __forceinline__ static float dot(const Raw& r, const X& xs, int) {
        uint32_t q = join16(r.q0, r.q1);
        float s = dot4(u8x4_to_float4(q & 0x0F0F0F0Fu, 8.0f), xs.l, 0.0f);
        s = dot4(u8x4_to_float4((q >> 4) & 0x0F0F0F0Fu, 8.0f), xs.h, s);
        return half_bits_to_float(r.d) * s;
    }
};

// Q4_1: Q4_0's lane slices with unsigned nibbles and a min per block: d * sum(n x) + m * sum(x).
struct MvQ4_1 {
    static constexpr int BS = QK4_1, BYTES = Q4_1_BYTES, LPB = 4;
    struct X { float4 l, h; float s; };
    struct Raw { uint16_t d, m, q0, q1; };
    template <bool XA>
    __device__ __forceinline__ static void loadx(const float* x, int sub, X& xs) {
        xs.l = ld_f4<XA>(x + 4 * sub);
        xs.h = ld_f4<XA>(x + 16 + 4 * sub);
        xs.s = hsum4(xs.l) + hsum4(xs.h);
    }
    __device__ __forceinline__ static void load(const uint8_t* b, int sub, Raw& r) {
        r.d = ld_u16(b);
        r.m = ld_u16(b + 2);
        r.q0 = ld_u16(b + 4 + 4 * sub);
        r.q1 = ld_u16(b + 6 + 4 * sub);
    }
    __device__ __forceinline__ static float dot(const Raw& r, const X& xs, int) {
        uint32_t q = join16(r.q0, r.q1);
        float s = dot4(u8x4_to_float4(q & 0x0F0F0F0Fu, 0.0f), xs.l, 0.0f);
        s = dot4(u8x4_to_float4((q >> 4) & 0x0F0F0F0Fu, 0.0f), xs.h, s);
        return fmaf(half_bits_to_float(r.d), s, half_bits_to_float(r.m) * xs.s);
    }
};

// Q8_0 and Q4_0 against Q8_0 activations: integer dot products of 4 bytes (dp4a), then one scale
// product, as the CPU's tiled kernels multiply them. Same lane slices and weight loads as the float types.
struct MvQ8_0i : MvQ8_0 {
    struct X { int q; float d; };
    __device__ __forceinline__ static void loadxq(const XQ8& x, int b, int sub, X& xs) {
        xs.q = __ldg(reinterpret_cast<const int*>(x.q + 32 * b + 4 * sub));
        xs.d = __ldg(x.d + b);
    }
    __device__ __forceinline__ static float dot(const Raw& r, const X& xs, int) {
        const int i = __dp4a((int)join16(r.q0, r.q1), xs.q, 0);
        return __fmul_rn(half_bits_to_float(r.d), xs.d) * (float)i;
    }
};

// Nibbles n in 0..15 stand for n - 8: sum((n - 8) q) = sum(n q) - 8 sum(q), the second term added once per
// block, by the block's lane 0.
struct MvQ4_0i : MvQ4_0 {
    struct X { int lo, hi, corr; float d; };
    __device__ __forceinline__ static void loadxq(const XQ8& x, int b, int sub, X& xs) {
        xs.lo = __ldg(reinterpret_cast<const int*>(x.q + 32 * b + 4 * sub));
        xs.hi = __ldg(reinterpret_cast<const int*>(x.q + 32 * b + 16 + 4 * sub));
        xs.corr = sub == 0 ? -8 * __ldg(x.s + b) : 0;
        xs.d = __ldg(x.d + b);
    }
    __device__ __forceinline__ static float dot(const Raw& r, const X& xs, int) {
        const uint32_t q = join16(r.q0, r.q1);
        const int i = __dp4a((int)(q & 0x0F0F0F0Fu), xs.lo, __dp4a((int)((q >> 4) & 0x0F0F0F0Fu), xs.hi, xs.corr));
        return __fmul_rn(half_bits_to_float(r.d), xs.d) * (float)i;
    }
};

// The end of a Q4_K/Q5_K lane's share of a block: its sums over sub-blocks 2c (ql) and 2c+1 (qh) times their
// scales, less their mins times the sums of the x slices (sl, sh).
__device__ __forceinline__ float q4k_lane_end(uint32_t dd, uint32_t s0, uint32_t s1, uint32_t s2, int c, float ql, float qh,
                                              float sl, float sh) {
    int sc1, m1, sc2, m2;
    q4k_scale_min_w(s0, s1, s2, 2 * c, &sc1, &m1);
    q4k_scale_min_w(s0, s1, s2, 2 * c + 1, &sc2, &m2);
    float d = half_bits_to_float((uint16_t)(dd & 0xFFFF));
    float dmin = half_bits_to_float((uint16_t)(dd >> 16));
    return d * ((float)sc1 * ql + (float)sc2 * qh) - dmin * ((float)m1 * sl + (float)m2 * sh);
}

// lane slice: qs bytes 32c + l0 .. +15 (c = sub/2, l0 = 16*(sub&1)): 16 elements of sub-block 2c
// (low nibbles) and 16 of sub-block 2c+1 (high nibbles). WA: the block is 16-byte aligned.
// The sums of the x slices (for the min terms) are computed once with X and serve all rows.
template <bool WA>
struct MvQ4_K {
    static constexpr int BS = QK_K, BYTES = Q4_K_BYTES, LPB = 8;
    struct X { float4 l[4], h[4]; float sl, sh; };
    struct Raw { uint4 q; uint32_t dd, s0, s1, s2; };
    template <bool XA>
    __device__ __forceinline__ static void loadx(const float* x, int sub, X& xs) {
        const float* xl = x + 64 * (sub >> 1) + (sub & 1) * 16;
        xs.sl = 0.0f;
        xs.sh = 0.0f;
#pragma unroll
        for (int k = 0; k < 4; k++) {
            xs.l[k] = ld_f4<XA>(xl + 4 * k);
            xs.h[k] = ld_f4<XA>(xl + 32 + 4 * k);
            xs.sl += hsum4(xs.l[k]);
            xs.sh += hsum4(xs.h[k]);
        }
    }
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
    __device__ __forceinline__ static float dot(const Raw& r, const X& xs, int sub) {
        const int c = sub >> 1;
        float ql = 0.0f, qh = 0.0f;
        const uint32_t qw[4] = {r.q.x, r.q.y, r.q.z, r.q.w};
#pragma unroll
        for (int k = 0; k < 4; k++) {
            ql = dot4(u8x4_to_float4(qw[k] & 0x0F0F0F0Fu, 0.0f), xs.l[k], ql);
            qh = dot4(u8x4_to_float4((qw[k] >> 4) & 0x0F0F0F0Fu, 0.0f), xs.h[k], qh);
        }
        return q4k_lane_end(r.dd, r.s0, r.s1, r.s2, c, ql, qh, xs.sl, xs.sh);
    }
};

// Q5_K: Q4_K's lane slices, scales and ending; the nibbles 32 bytes later, and each value's fifth bit (worth 16)
// from qh: bit j of qh[l] for element l of sub-block j, so the lane's 16 bytes qh[l0 ..] serve both sub-blocks.
template <bool WA>
struct MvQ5_K {
    static constexpr int BS = QK_K, BYTES = Q5_K_BYTES, LPB = 8;
    using X = typename MvQ4_K<WA>::X;
    struct Raw { uint4 q, h; uint32_t dd, s0, s1, s2; };
    template <bool XA>
    __device__ __forceinline__ static void loadx(const float* x, int sub, X& xs) {
        MvQ4_K<WA>::template loadx<XA>(x, sub, xs);
    }
    __device__ __forceinline__ static void load(const uint8_t* b, int sub, Raw& r) {
        r.q = ld_u128<WA>(b + 48 + 32 * (sub >> 1) + (sub & 1) * 16);
        r.h = ld_u128<WA>(b + 16 + (sub & 1) * 16);
        r.dd = MvQ4_K<WA>::ld32(b);
        r.s0 = MvQ4_K<WA>::ld32(b + 4);
        r.s1 = MvQ4_K<WA>::ld32(b + 8);
        r.s2 = MvQ4_K<WA>::ld32(b + 12);
    }
    __device__ __forceinline__ static float dot(const Raw& r, const X& xs, int sub) {
        const int c = sub >> 1;
        float ql = 0.0f, qh = 0.0f;
        const uint32_t qw[4] = {r.q.x, r.q.y, r.q.z, r.q.w};
        const uint32_t hw[4] = {r.h.x, r.h.y, r.h.z, r.h.w};
#pragma unroll
        for (int k = 0; k < 4; k++) {
            const uint32_t lo = (qw[k] & 0x0F0F0F0Fu) | (((hw[k] >> (2 * c)) & 0x01010101u) << 4);
            const uint32_t hi = ((qw[k] >> 4) & 0x0F0F0F0Fu) | (((hw[k] >> (2 * c + 1)) & 0x01010101u) << 4);
            ql = dot4(u8x4_to_float4(lo, 0.0f), xs.l[k], ql);
            qh = dot4(u8x4_to_float4(hi, 0.0f), xs.h[k], qh);
        }
        return q4k_lane_end(r.dd, r.s0, r.s1, r.s2, c, ql, qh, xs.sl, xs.sh);
    }
};

// lane slice: half h = sub/8 of the block, l = 4g .. 4g+3 (g = sub%8) of each of its four 32-element
// parts; their scales are bytes is, is+2, is+4, is+6 (is = g/4) of the half's 8 scale bytes.
struct MvQ6_K {
    static constexpr int BS = QK_K, BYTES = Q6_K_BYTES, LPB = 16;
    struct X { float4 v[4]; };
    struct Raw { uint16_t a0, a1, c0, c1, h0, h1, sc[4], d; };
    template <bool XA>
    __device__ __forceinline__ static void loadx(const float* x, int sub, X& xs) {
        const float* xb = x + 128 * (sub >> 3) + (sub & 7) * 4;
#pragma unroll
        for (int k = 0; k < 4; k++) {
            xs.v[k] = ld_f4<XA>(xb + 32 * k);
        }
    }
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
    __device__ __forceinline__ static float dot(const Raw& r, const X& xs, int sub) {
        const int sh = ((sub & 7) >> 2) * 8;  // scale byte is of each pair
        const uint32_t a = join16(r.a0, r.a1), c = join16(r.c0, r.c1), hh = join16(r.h0, r.h1);
        uint32_t q1 = (a & 0x0F0F0F0Fu) | ((hh & 0x03030303u) << 4);
        uint32_t q2 = (c & 0x0F0F0F0Fu) | (((hh >> 2) & 0x03030303u) << 4);
        uint32_t q3 = ((a >> 4) & 0x0F0F0F0Fu) | (((hh >> 4) & 0x03030303u) << 4);
        uint32_t q4 = ((c >> 4) & 0x0F0F0F0Fu) | (((hh >> 6) & 0x03030303u) << 4);
        float r0 = (float)(int8_t)(r.sc[0] >> sh) * dot4(u8x4_to_float4(q1, 32.0f), xs.v[0], 0.0f);
        r0 = fmaf((float)(int8_t)(r.sc[1] >> sh), dot4(u8x4_to_float4(q2, 32.0f), xs.v[1], 0.0f), r0);
        r0 = fmaf((float)(int8_t)(r.sc[2] >> sh), dot4(u8x4_to_float4(q3, 32.0f), xs.v[2], 0.0f), r0);
        r0 = fmaf((float)(int8_t)(r.sc[3] >> sh), dot4(u8x4_to_float4(q4, 32.0f), xs.v[3], 0.0f), r0);
        return half_bits_to_float(r.d) * r0;
    }
};

// F16 / BF16 (BF) / F32 rows: a "block" is one 16-byte vector (8 halves / 4 floats) when the row allows it.
template <bool BF>
struct MvHalfx8 {
    static constexpr int BS = 8, BYTES = 16, LPB = 1;
    struct X { float4 a, b; };
    struct Raw { uint4 v; };
    template <bool XA>
    __device__ __forceinline__ static void loadx(const float* x, int, X& xs) {
        xs.a = ld_f4<XA>(x);
        xs.b = ld_f4<XA>(x + 4);
    }
    __device__ __forceinline__ static void load(const uint8_t* b, int, Raw& r) {
        r.v = __ldg(reinterpret_cast<const uint4*>(b));
    }
    __device__ __forceinline__ static float dot(const Raw& r, const X& xs, int) {
        const uint32_t w[4] = {r.v.x, r.v.y, r.v.z, r.v.w};
        const float xv[8] = {xs.a.x, xs.a.y, xs.a.z, xs.a.w, xs.b.x, xs.b.y, xs.b.z, xs.b.w};
        float s = 0.0f;
#pragma unroll
        for (int k = 0; k < 4; k++) {
            s = fmaf(half16_to_float<BF>((uint16_t)(w[k] & 0xFFFF)), xv[2 * k], s);
            s = fmaf(half16_to_float<BF>((uint16_t)(w[k] >> 16)), xv[2 * k + 1], s);
        }
        return s;
    }
};
using MvF16x8 = MvHalfx8<false>;
using MvBF16x8 = MvHalfx8<true>;

struct MvF32x4 {
    static constexpr int BS = 4, BYTES = 16, LPB = 1;
    struct X { float4 v; };
    struct Raw { float4 v; };
    template <bool XA>
    __device__ __forceinline__ static void loadx(const float* x, int, X& xs) {
        xs.v = ld_f4<XA>(x);
    }
    __device__ __forceinline__ static void load(const uint8_t* b, int, Raw& r) {
        r.v = __ldg(reinterpret_cast<const float4*>(b));
    }
    __device__ __forceinline__ static float dot(const Raw& r, const X& xs, int) {
        return dot4(r.v, xs.v, 0.0f);
    }
};

// Element-wise fallback for rows that are not whole 16-byte vectors.
template <bool BF>
struct MvHalfx1 {
    static constexpr int BS = 1, BYTES = 2, LPB = 1;
    struct X { float v; };
    struct Raw { uint16_t h; };
    template <bool XA>
    __device__ __forceinline__ static void loadx(const float* x, int, X& xs) {
        xs.v = __ldg(x);
    }
    __device__ __forceinline__ static void load(const uint8_t* b, int, Raw& r) {
        r.h = ld_u16(b);
    }
    __device__ __forceinline__ static float dot(const Raw& r, const X& xs, int) {
        return half16_to_float<BF>(r.h) * xs.v;
    }
};
using MvF16x1 = MvHalfx1<false>;
using MvBF16x1 = MvHalfx1<true>;

struct MvF32x1 {
    static constexpr int BS = 1, BYTES = 4, LPB = 1;
    struct X { float v; };
    struct Raw { float v; };
    template <bool XA>
    __device__ __forceinline__ static void loadx(const float* x, int, X& xs) {
        xs.v = __ldg(x);
    }
    __device__ __forceinline__ static void load(const uint8_t* b, int, Raw& r) {
        r.v = __ldg(reinterpret_cast<const float*>(b));
    }
    __device__ __forceinline__ static float dot(const Raw& r, const X& xs, int) {
        return r.v * xs.v;
    }
};

// The lane's shares of rows[0..NR) . x over the blocks of the warp's steps (warp w: steps w, w+8, ...;
// step g: blocks g*PER_STEP .. +PER_STEP-1, the lane's one lane/LPB of them). Rows hold cols/BS blocks.
template <class Q, class XS, int NR>
__device__ __forceinline__ void mv_lane_sums(const uint8_t* __restrict__ w0, size_t row_bytes, const XS& x, int cols,
                                             int warp, int lane, float (&acc)[MV_ROWS]) {
    constexpr int PER_STEP = 32 / Q::LPB;
    const int nb = cols / Q::BS;
    const int sub = lane % Q::LPB;
    for (int b = warp * PER_STEP + lane / Q::LPB; b < nb; b += MV_WARPS * PER_STEP) {
        typename Q::Raw raw[NR];
#pragma unroll
        for (int r = 0; r < NR; r++) {
            Q::load(w0 + r * row_bytes + (size_t)b * Q::BYTES, sub, raw[r]);
        }
        typename Q::X xs;
        x.template load<Q>(b, sub, xs);
#pragma unroll
        for (int r = 0; r < NR; r++) {
            acc[r] += Q::dot(raw[r], xs, sub);
        }
    }
}

// Staged variant (used for Q4_0, see mv_q4_0_staged): a warp first copies its 8 rows' bytes of MV_STAGE_STEPS steps into
// shared memory with 16-byte loads (each row's stretch is a whole number of 16-byte vectors: 288 bytes of
// Q4_0, 272 of Q8_0), every load in flight before the first is used and every byte fetched once, then
// decodes from shared memory exactly as mv_lane_sums does from global memory. Needs 16-byte aligned rows.
#define MV_STAGE_STEPS 2
template <class Q, class XS>
__device__ __forceinline__ void mv_rows_staged(const uint8_t* __restrict__ w0, size_t row_bytes, const XS& x, int cols,
                                               int warp, int lane, float (&acc)[MV_ROWS]) {
    constexpr int PER_STEP = 32 / Q::LPB;
    constexpr int CB = PER_STEP * MV_STAGE_STEPS;  // blocks of a row per chunk
    constexpr int CV = CB * Q::BYTES / 16;          // 16-byte vectors of a row per chunk
    static_assert(CB * Q::BYTES % 16 == 0, "a chunk of a row must be whole 16-byte vectors");
    __shared__ uint4 stage[MV_WARPS][MV_ROWS * CV];
    const uint8_t* sw = reinterpret_cast<const uint8_t*>(stage[warp]);
    const int nb = cols / Q::BS;
    const int sub = lane % Q::LPB;
    for (int b0 = warp * CB; b0 < nb; b0 += MV_WARPS * CB) {
        const int cv = min(CV, ((nb - b0) * Q::BYTES + 15) / 16);  // the row's last chunk may be shorter
#pragma unroll
        for (int i = lane; i < MV_ROWS * CV; i += 32) {
            const int r = i / CV, c = i % CV;
            if (c < cv) {
                stage[warp][i] = __ldg(reinterpret_cast<const uint4*>(w0 + r * row_bytes + (size_t)b0 * Q::BYTES) + c);
            }
        }
        __syncwarp();
#pragma unroll
        for (int st = 0; st < MV_STAGE_STEPS; st++) {
            const int b = st * PER_STEP + lane / Q::LPB;
            if (b0 + b < nb) {
                typename Q::X xs;
                x.template load<Q>(b0 + b, sub, xs);
#pragma unroll
                for (int r = 0; r < MV_ROWS; r++) {
                    typename Q::Raw raw;
                    Q::template load<true>(sw + r * CV * 16 + b * Q::BYTES, sub, raw);
                    acc[r] += Q::dot(raw, xs, sub);
                }
            }
        }
        __syncwarp();
    }
}

// The lane's sums of the block's nr rows: staged when asked and the rows allow it, else read directly.
template <class Q, class XS, bool STAGED>
__device__ __forceinline__ void mv_block_sums(const uint8_t* __restrict__ w0, size_t row_bytes, const XS& x, int cols,
                                              int nr, int warp, int lane, float (&acc)[MV_ROWS]) {
    if constexpr (STAGED) {
        if (nr == MV_ROWS && XS::ALIGNED && row_bytes % 16 == 0 && ((uintptr_t)w0 & 15) == 0) {
            mv_rows_staged<Q, XS>(w0, row_bytes, x, cols, warp, lane, acc);
            return;
        }
    }
    if (nr == MV_ROWS) {
        mv_lane_sums<Q, XS, MV_ROWS>(w0, row_bytes, x, cols, warp, lane, acc);
        return;
    }
    for (int r = 0; r < nr; r++) {  // the last block of a matrix whose rows are not a multiple of 8
        float one[MV_ROWS] = {0.0f};
        mv_lane_sums<Q, XS, 1>(w0 + r * row_bytes, row_bytes, x, cols, warp, lane, one);
        acc[r] = one[0];
    }
}

template <class Q, class XS, bool ADD, bool STAGED = false>
__device__ __forceinline__ void mv_rows(const uint8_t* __restrict__ w, const XS& x, float* __restrict__ y, int rows,
                                        int cols, int block) {
    __shared__ float part[MV_WARPS][MV_ROWS];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int r0 = block * MV_ROWS;
    const int nr = min(MV_ROWS, rows - r0);
    if (nr <= 0) {
        return;
    }
    const size_t row_bytes = (size_t)(cols / Q::BS) * Q::BYTES;
    const uint8_t* w0 = w + (size_t)r0 * row_bytes;
    float acc[MV_ROWS];
#pragma unroll
    for (int r = 0; r < MV_ROWS; r++) {
        acc[r] = 0.0f;
    }
    mv_block_sums<Q, XS, STAGED>(w0, row_bytes, x, cols, nr, warp, lane, acc);
#pragma unroll
    for (int r = 0; r < MV_ROWS; r++) {
        float s = warp_sum(acc[r]);
        if (lane == 0) {
            part[warp][r] = s;
        }
    }
    __syncthreads();
    if (threadIdx.x < nr) {
        float s = 0.0f;
#pragma unroll
        for (int w8 = 0; w8 < MV_WARPS; w8++) {
            s += part[w8][threadIdx.x];
        }
        const int r = r0 + threadIdx.x;
        y[r] = ADD ? y[r] + s : s;
    }
}

__device__ __forceinline__ bool aligned16(const void* p) {
    return ((uintptr_t)p & 15) == 0;
}

// x is read as float4 when it is 16-byte aligned (it always is for buffers from cuMemAlloc).
template <class Q, bool ADD, bool STAGED = false>
__device__ __forceinline__ void mv_dispatch_x(const void* w, const float* x, float* y, int rows, int cols, int block) {
    const uint8_t* wb = static_cast<const uint8_t*>(w);
    if (aligned16(x)) {
        mv_rows<Q, XFloat<true>, ADD, STAGED>(wb, XFloat<true>{x}, y, rows, cols, block);
    } else {
        mv_rows<Q, XFloat<false>, ADD>(wb, XFloat<false>{x}, y, rows, cols, block);
    }
}

// The wide-load variant when the weights allow it, else the scalar one.
template <class Wide, class Narrow, bool ADD>
__device__ __forceinline__ void mv_pick(bool wide, const void* w, const float* x, float* y, int rows, int cols,
                                        int block) {
    if (wide) {
        mv_dispatch_x<Wide, ADD>(w, x, y, rows, cols, block);
    } else {
        mv_dispatch_x<Narrow, ADD>(w, x, y, rows, cols, block);
    }
}

template <bool ADD>
__device__ __forceinline__ void mv_f32(const void* w, const float* x, float* y, int rows, int cols, int block) {
    mv_pick<MvF32x4, MvF32x1, ADD>(cols % 4 == 0 && aligned16(w), w, x, y, rows, cols, block);
}

template <bool ADD>
__device__ __forceinline__ void mv_f16(const void* w, const float* x, float* y, int rows, int cols, int block) {
    mv_pick<MvF16x8, MvF16x1, ADD>(cols % 8 == 0 && aligned16(w), w, x, y, rows, cols, block);
}

template <bool ADD>
__device__ __forceinline__ void mv_bf16(const void* w, const float* x, float* y, int rows, int cols, int block) {
    mv_pick<MvBF16x8, MvBF16x1, ADD>(cols % 8 == 0 && aligned16(w), w, x, y, rows, cols, block);
}

// Q4_K blocks are 144 bytes, so every row starts 16-byte aligned when the tensor does (GGUF aligns
// tensor data to 32 bytes): then the 16 quant bytes of a lane are one 128-bit load.
template <bool ADD>
__device__ __forceinline__ void mv_q4_k(const void* w, const float* x, float* y, int rows, int cols, int block) {
    mv_pick<MvQ4_K<true>, MvQ4_K<false>, ADD>(aligned16(w), w, x, y, rows, cols, block);
}

// Q5_K blocks are 176 bytes (11 vectors of 16): aligned as Q4_K's.
template <bool ADD>
__device__ __forceinline__ void mv_q5_k(const void* w, const float* x, float* y, int rows, int cols, int block) {
    mv_pick<MvQ5_K<true>, MvQ5_K<false>, ADD>(aligned16(w), w, x, y, rows, cols, block);
}

template <bool ADD>
__device__ __forceinline__ void mv_q4_1(const void* w, const float* x, float* y, int rows, int cols, int block) {
    mv_dispatch_x<MvQ4_1, ADD>(w, x, y, rows, cols, block);
}

template <bool ADD>
__device__ __forceinline__ void mv_q8_0(const void* w, const float* x, float* y, int rows, int cols, int block) {
    mv_dispatch_x<MvQ8_0, ADD>(w, x, y, rows, cols, block);
}

template <bool ADD>
__device__ __forceinline__ void mv_q4_0(const void* w, const float* x, float* y, int rows, int cols, int block) {
    mv_dispatch_x<MvQ4_0, ADD>(w, x, y, rows, cols, block);
}

// Q4_0 single products (the o, down and output projections) stage their rows through shared memory:
// measured on an H200 with a 7B-class model, 19.2 -> 14.9 us per o/down product and 52.5 -> 41.8 us for
// the output product, while the fused q/k/v and gate/up launches were slower staged (32 -> 35 us) and so
// were all Q8_0 products.
template <bool ADD>
__device__ __forceinline__ void mv_q4_0_staged(const void* w, const float* x, float* y, int rows, int cols, int block) {
    mv_dispatch_x<MvQ4_0, ADD, true>(w, x, y, rows, cols, block);
}

template <bool ADD>
__device__ __forceinline__ void mv_q6_k(const void* w, const float* x, float* y, int rows, int cols, int block) {
    mv_dispatch_x<MvQ6_K, ADD>(w, x, y, rows, cols, block);
}

#define MV_KERNEL(name, fn, add)                                                                           \
    extern "C" __global__ void __launch_bounds__(256) name(const void* __restrict__ w, const float* __restrict__ x, \
                                                           float* __restrict__ y, int rows, int cols) {   \
        fn<add>(w, x, y, rows, cols, blockIdx.x);                                                          \
    }

// matvec3_<type> (Q8_0 and Q4_0, measured here; fused, the K types' kernels would need too many
// registers for full occupancy): up to three products of one x in one launch (q, k and v;
// gate and up). Blocks
// 0 .. ceil(rows0/8)-1 compute y0 = W0 x, the next ceil(rows1/8) y1 = W1 x, the rest y2 = W2 x (rows2 may
// be 0). One launch instead of three saves the launch gaps, and the small k and v products run beside the
// q product instead of after it.
// Blocks 0 .. ceil(rows0/8)-1 run one(w0, y0, rows0, block), the next ceil(rows1/8) one(w1, y1, rows1, block - ...),
// the rest one(w2, y2, rows2, ...).
template <class One>
__device__ __forceinline__ void mv_three(const void* w0, const void* w1, const void* w2, float* y0, float* y1, float* y2,
                                         int rows0, int rows1, int rows2, One one) {
    const int b0 = (rows0 + MV_ROWS - 1) / MV_ROWS, b1 = (rows1 + MV_ROWS - 1) / MV_ROWS;
    const int b = blockIdx.x;
    if (b < b0) {
        one(w0, y0, rows0, b);
    } else if (b < b0 + b1) {
        one(w1, y1, rows1, b - b0);
    } else {
        one(w2, y2, rows2, b - b0 - b1);
    }
}

#define MV3_KERNEL(name, fn)                                                                                \
    extern "C" __global__ void __launch_bounds__(256) name(                                                \
            const void* __restrict__ w0, const void* __restrict__ w1, const void* __restrict__ w2,         \
            const float* __restrict__ x, float* y0, float* y1, float* y2, int rows0, int rows1, int rows2, \
            int cols) {                                                                                    \
        mv_three(w0, w1, w2, y0, y1, y2, rows0, rows1, rows2,                                              \
                 [&](const void* w, float* y, int rows, int b) { fn<false>(w, x, y, rows, cols, b); });    \
    }

// matvec_q8x_<type>(w, xq, xd, xs, y, rows, cols) and _add, matvec3_q8x_<type>(w0, w1, w2, xq, xd, xs, y0, y1, y2,
// rows0, rows1, rows2, cols), for q8_0 and q4_0: the products above with x quantized to Q8_0 by quantize_q8_f32.
// Same launches as matvec / matvec3; Q4_0 single products staged as above.
#define MVQ_KERNEL(name, Q, add, staged)                                                                         \
    extern "C" __global__ void __launch_bounds__(256) name(const void* __restrict__ w, const int8_t* __restrict__ xq, \
                                                           const float* __restrict__ xd, const int* __restrict__ xs,   \
                                                           float* __restrict__ y, int rows, int cols) {             \
        mv_rows<Q, XQ8, add, staged>(static_cast<const uint8_t*>(w), XQ8{xq, xd, xs}, y, rows, cols, blockIdx.x); \
    }

#define MVQ3_KERNEL(name, Q)                                                                                     \
    extern "C" __global__ void __launch_bounds__(256) name(                                                     \
            const void* __restrict__ w0, const void* __restrict__ w1, const void* __restrict__ w2,              \
            const int8_t* __restrict__ xq, const float* __restrict__ xd, const int* __restrict__ xs, float* y0, \
            float* y1, float* y2, int rows0, int rows1, int rows2, int cols) {                                   \
        const XQ8 x{xq, xd, xs};                                                                                 \
        mv_three(w0, w1, w2, y0, y1, y2, rows0, rows1, rows2, [&](const void* w, float* y, int rows, int b) {    \
            mv_rows<Q, XQ8, false>(static_cast<const uint8_t*>(w), x, y, rows, cols, b);                         \
        });                                                                                                      \
    }

MVQ_KERNEL(matvec_q8x_q8_0, MvQ8_0i, false, false)
MVQ_KERNEL(matvec_q8x_q8_0_add, MvQ8_0i, true, false)
MVQ3_KERNEL(matvec3_q8x_q8_0, MvQ8_0i)
MVQ_KERNEL(matvec_q8x_q4_0, MvQ4_0i, false, true)
MVQ_KERNEL(matvec_q8x_q4_0_add, MvQ4_0i, true, true)
MVQ3_KERNEL(matvec3_q8x_q4_0, MvQ4_0i)

// x quantized to Q8_0 exactly as the CPU's Q8Activations.quantizeBlock does (and llama.cpp): per block of 32,
// d = max|x| / 127, q = x * (1/d) rounded half away from zero, d stored rounded to f16, and sum(q). One warp
// per block (a lane per value): block 256, grid ceil(cols/256). cols is a multiple of 32.
extern "C" __global__ void __launch_bounds__(256) quantize_q8_f32(const float* __restrict__ x, int8_t* __restrict__ xq,
                                                                  float* __restrict__ xd, int* __restrict__ xs,
                                                                  int cols) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i - (int)(threadIdx.x & 31) >= cols) {  // the whole warp is past the end
        return;
    }
    const float v = x[i];
    const float amax = warp_max(fabsf(v));
    const float d = __fdiv_rn(amax, 127.0f);
    const float id = d != 0.0f ? __fdiv_rn(1.0f, d) : 0.0f;
    const float t = __fmul_rn(v, id);
    const int q = __float2int_rz(__fadd_rn(t, t < 0.0f ? -0.5f : 0.5f));
    xq[i] = (int8_t)q;
    const float sum = warp_sum((float)q);  // exact: |sum| <= 32 * 127
    if ((threadIdx.x & 31) == 0) {
        xd[i / 32] = __half2float(__float2half_rn(d));
        xs[i / 32] = (int)sum;
    }
}

#define MV_KERNELS(type)                              \
    MV_KERNEL(matvec_##type, mv_##type, false)        \
    MV_KERNEL(matvec_##type##_add, mv_##type, true)

MV_KERNELS(f32)
MV_KERNELS(f16)
MV_KERNELS(bf16)
MV_KERNELS(q4_1)
MV_KERNELS(q8_0)
MV3_KERNEL(matvec3_q8_0, mv_q8_0)
MV_KERNEL(matvec_q4_0, mv_q4_0_staged, false)
MV_KERNEL(matvec_q4_0_add, mv_q4_0_staged, true)
MV3_KERNEL(matvec3_q4_0, mv_q4_0)
MV_KERNELS(q4_k)
MV_KERNELS(q5_k)
MV_KERNELS(q6_k)
