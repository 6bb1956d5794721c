// Dequantization of 16 weights of one row for the prefill matmul tiles: load() reads the raw bytes a
// thread needs into registers, dq() makes the floats, bit-for-bit those of Dequantize.java (they are
// rounded to half only when written to shared memory).
#pragma once

#include "quant.cuh"

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

// F16 and, BF, BF16 rows.
template <bool BF>
struct MmHalf {
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
            out[2 * i] = half16_to_float<BF>((uint16_t)(r.w[i] & 0xFFFF));
            out[2 * i + 1] = half16_to_float<BF>((uint16_t)(r.w[i] >> 16));
        }
    }
};
using MmF16 = MmHalf<false>;
using MmBF16 = MmHalf<true>;

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
            out[i] = mul_rn(d, (float)(int8_t)(r.q[i / 4] >> (8 * (i % 4))));
        }
    }
};

// Q4_0 (a scale d, nibbles less 8) and, MIN, Q4_1 (d and a min m: d * nibble + m). Elements 0..15 are the low
// nibbles, 16..31 the high ones.
template <bool MIN>
struct MmQ4 {
    static constexpr int BS = 32, BYTES = MIN ? Q4_1_BYTES : Q4_0_BYTES, QS = MIN ? 4 : 2;
    struct Raw { uint32_t q[4]; uint16_t d, m; int hf; };
    __device__ __forceinline__ static void load(const uint8_t* row, int k0, int hf, Raw& r) {
        const uint8_t* b = row + (k0 / BS) * BYTES;
        r.d = ld_u16(b);
        r.m = MIN ? ld_u16(b + 2) : 0;
        r.hf = hf;
#pragma unroll
        for (int i = 0; i < 4; i++) {
            r.q[i] = ld_u32_a2(b + QS + 4 * i);
        }
    }
    __device__ __forceinline__ static void dq(const Raw& r, float* out) {
        float d = half_bits_to_float(r.d);
        float m = half_bits_to_float(r.m);
        int shift = 4 * r.hf;
#pragma unroll
        for (int i = 0; i < 16; i++) {
            int q = (int)((r.q[i / 4] >> (8 * (i % 4) + shift)) & 0xF);
            out[i] = MIN ? add_rn(mul_rn(d, (float)q), m) : mul_rn(d, (float)(q - 8));
        }
    }
};
using MmQ4_0 = MmQ4<false>;
using MmQ4_1 = MmQ4<true>;

// Q4_K and, Q5, Q5_K: 6-bit scales and mins of 8 sub-blocks; sub-block j's nibbles in chunk j/2 of the quant bytes
// (low for even j), and Q5_K's fifth bits in qh: bit j of qh[l] for element l of sub-block j.
template <bool Q5>
struct MmK4 {
    static constexpr int BS = QK_K, BYTES = Q5 ? Q5_K_BYTES : Q4_K_BYTES, QS = Q5 ? 48 : 16;
    struct Raw { uint32_t q[4], h[4]; uint32_t dd, s0, s1, s2; int j; };
    __device__ __forceinline__ static void load(const uint8_t* row, int k0, int hf, Raw& r) {
        const uint8_t* b = row + (k0 / QK_K) * BYTES;
        int j = (k0 % QK_K) / 32;
        r.j = j;
        r.dd = ld_u32_a2(b);
        r.s0 = ld_u32_a2(b + 4);
        r.s1 = ld_u32_a2(b + 8);
        r.s2 = ld_u32_a2(b + 12);
#pragma unroll
        for (int i = 0; i < 4; i++) {
            r.q[i] = ld_u32_a2(b + QS + 32 * (j / 2) + 16 * hf + 4 * i);
            r.h[i] = Q5 ? ld_u32_a2(b + 16 + 16 * hf + 4 * i) : 0;
        }
    }
    __device__ __forceinline__ static void dq(const Raw& r, float* out) {
        int sc, m;
        q4k_scale_min_w(r.s0, r.s1, r.s2, r.j, &sc, &m);
        float d1 = mul_rn(half_bits_to_float((uint16_t)(r.dd & 0xFFFF)), (float)sc);
        float m1 = mul_rn(half_bits_to_float((uint16_t)(r.dd >> 16)), (float)m);
        int shift = 4 * (r.j & 1);
#pragma unroll
        for (int i = 0; i < 16; i++) {
            int q = (int)((r.q[i / 4] >> (8 * (i % 4) + shift)) & 0xF) | (int)(((r.h[i / 4] >> (8 * (i % 4) + r.j)) & 1) << 4);
            out[i] = sub_rn(mul_rn(d1, (float)q), m1);
        }
    }
};
using MmQ4_K = MmK4<false>;
using MmQ5_K = MmK4<true>;

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
        float ds = mul_rn(half_bits_to_float(r.d), (float)r.sc);
        int lshift = (r.part & 2) ? 4 : 0;
        int hshift = 2 * r.part;
#pragma unroll
        for (int i = 0; i < 16; i++) {
            int sh = 8 * (i % 4);
            int lo = (int)((r.ql[i / 4] >> (sh + lshift)) & 0xF);
            int hi = (int)((r.qh[i / 4] >> (sh + hshift)) & 3);
            out[i] = mul_rn(ds, (float)((lo | (hi << 4)) - 32));
        }
    }
};

