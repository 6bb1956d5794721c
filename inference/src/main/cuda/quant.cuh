// GGML block formats and their exact dequantization. Every value produced here is bit-for-bit the value
// of dev.chrysalis.inference.tensor.Dequantize (Java float arithmetic: every product and difference is
// rounded on its own, so nothing here may be contracted into a fused multiply-add).
#pragma once

#include "common.cuh"

// Bytes and elements per block of each weight type.
#define QK8_0 32
#define Q8_0_BYTES 34   // f16 d, int8 q[32]: y = d * q
#define QK4_0 32
#define Q4_0_BYTES 18   // f16 d, uint8 qs[16]: y[i] = d * ((qs[i] & 15) - 8), y[i+16] = d * ((qs[i] >> 4) - 8)
#define QK4_1 32
#define Q4_1_BYTES 20   // f16 d, f16 m, uint8 qs[16]: y[i] = d * (qs[i] & 15) + m, y[i+16] = d * (qs[i] >> 4) + m
#define QK_K 256
#define Q4_K_BYTES 144  // f16 d, f16 dmin, uint8 scales[12] (6-bit scale/min x 8), uint8 qs[128]
#define Q5_K_BYTES 176  // f16 d, f16 dmin, uint8 scales[12] as Q4_K, uint8 qh[32] (bit j of qh[l]: sub-block j), uint8 qs[128]
#define Q6_K_BYTES 210  // uint8 ql[128], uint8 qh[64], int8 scales[16], f16 d

__host__ __device__ __forceinline__ float mul_rn(float a, float b) {
#ifdef __CUDA_ARCH__
    return __fmul_rn(a, b);
#else
    return a * b;
#endif
}

__host__ __device__ __forceinline__ float sub_rn(float a, float b) {
#ifdef __CUDA_ARCH__
    return __fsub_rn(a, b);
#else
    return a - b;
#endif
}

__host__ __device__ __forceinline__ float add_rn(float a, float b) {
#ifdef __CUDA_ARCH__
    return __fadd_rn(a, b);
#else
    return a + b;
#endif
}

// The float of a bfloat16 given as its 16 bits: they are the float's upper half.
__host__ __device__ __forceinline__ float bf16_bits_to_float(uint16_t bits) {
    union {
        uint32_t u;
        float f;
    } c;
    c.u = (uint32_t)bits << 16;
    return c.f;
}

// A 16-bit float as its bits: an IEEE half, or (BF) a bfloat16.
template <bool BF>
__host__ __device__ __forceinline__ float half16_to_float(uint16_t bits) {
    return BF ? bf16_bits_to_float(bits) : half_bits_to_float(bits);
}

__host__ __device__ __forceinline__ uint16_t rd_u16(const uint8_t* p) {
    return (uint16_t)(p[0] | (p[1] << 8));
}

// 6-bit scale and min of sub-block j (0..7) of a Q4_K block from its 12 scale bytes s:
// j < 4: low 6 bits of s[j] and s[j+4]; j >= 4: low/high nibble of s[j+4] plus the top two bits of
// s[j-4] (scale) and s[j] (min) as bits 4 and 5.
__host__ __device__ __forceinline__ void q4k_scale_min(const uint8_t* s, int j, int* sc, int* m) {
    if (j < 4) {
        *sc = s[j] & 63;
        *m = s[j + 4] & 63;
    } else {
        *sc = (s[j + 4] & 0xF) | ((s[j - 4] >> 6) << 4);
        *m = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}

// The same unpacking from the 12 scale bytes held as three little-endian words.
__device__ __forceinline__ void q4k_scale_min_w(uint32_t s0, uint32_t s1, uint32_t s2, int j, int* sc, int* m) {
    if (j < 4) {
        *sc = (s0 >> (8 * j)) & 63;
        *m = (s1 >> (8 * j)) & 63;
    } else {
        int k = 8 * (j - 4);
        uint32_t b8 = (s2 >> k) & 0xFF;
        *sc = (b8 & 0xF) | (((s0 >> k) & 0xFF) >> 6 << 4);
        *m = (b8 >> 4) | (((s1 >> k) & 0xFF) >> 6 << 4);
    }
}

// ---- one element, exact (embedding rows and the host-side self test) -------------------------------

__host__ __device__ __forceinline__ float dq_f32(const uint8_t* row, int e) {
    uint32_t bits = (uint32_t)row[4 * e] | ((uint32_t)row[4 * e + 1] << 8) | ((uint32_t)row[4 * e + 2] << 16)
                    | ((uint32_t)row[4 * e + 3] << 24);
    union {
        uint32_t u;
        float f;
    } c;
    c.u = bits;
    return c.f;
}

__host__ __device__ __forceinline__ float dq_f16(const uint8_t* row, int e) {
    return half_bits_to_float(rd_u16(row + 2 * e));
}

__host__ __device__ __forceinline__ float dq_bf16(const uint8_t* row, int e) {
    return bf16_bits_to_float(rd_u16(row + 2 * e));
}

__host__ __device__ __forceinline__ float dq_q8_0(const uint8_t* row, int e) {
    const uint8_t* b = row + (e / QK8_0) * Q8_0_BYTES;
    float d = half_bits_to_float(rd_u16(b));
    return mul_rn(d, (float)(int8_t)b[2 + e % QK8_0]);
}

__host__ __device__ __forceinline__ float dq_q4_0(const uint8_t* row, int e) {
    const uint8_t* b = row + (e / QK4_0) * Q4_0_BYTES;
    float d = half_bits_to_float(rd_u16(b));
    int i = e % QK4_0;
    int q = i < 16 ? (b[2 + i] & 0xF) : (b[2 + i - 16] >> 4);
    return mul_rn(d, (float)(q - 8));
}

__host__ __device__ __forceinline__ float dq_q4_1(const uint8_t* row, int e) {
    const uint8_t* b = row + (e / QK4_1) * Q4_1_BYTES;
    float d = half_bits_to_float(rd_u16(b));
    float m = half_bits_to_float(rd_u16(b + 2));
    int i = e % QK4_1;
    int q = i < 16 ? (b[4 + i] & 0xF) : (b[4 + i - 16] >> 4);
    return add_rn(mul_rn(d, (float)q), m);
}

// Value q (0..31) of sub-block j of a Q4_K/Q5_K block b: d * scale_j * q - dmin * min_j.
__host__ __device__ __forceinline__ float k4_value(const uint8_t* b, int j, int q) {
    float d = half_bits_to_float(rd_u16(b));
    float dmin = half_bits_to_float(rd_u16(b + 2));
    int sc, m;
    q4k_scale_min(b + 4, j, &sc, &m);
    return sub_rn(mul_rn(mul_rn(d, (float)sc), (float)q), mul_rn(dmin, (float)m));
}

// Sub-block j = i / 32 of 8 in a block: chunk j/2 of the 128 nibble bytes, low nibbles for even j, high for odd.
__host__ __device__ __forceinline__ float dq_q4_k(const uint8_t* row, int e) {
    const uint8_t* b = row + (e / QK_K) * Q4_K_BYTES;
    int i = e % QK_K;
    int j = i / 32;
    int byte = b[16 + 32 * (j / 2) + i % 32];
    return k4_value(b, j, (j & 1) ? (byte >> 4) : (byte & 0xF));
}

// Q5_K: Q4_K's scales and nibbles (the nibbles 32 bytes later), plus a fifth bit per value worth 16.
__host__ __device__ __forceinline__ float dq_q5_k(const uint8_t* row, int e) {
    const uint8_t* b = row + (e / QK_K) * Q5_K_BYTES;
    int i = e % QK_K;
    int j = i / 32;
    int l = i % 32;
    int byte = b[48 + 32 * (j / 2) + l];
    return k4_value(b, j, ((j & 1) ? (byte >> 4) : (byte & 0xF)) + (((b[16 + l] >> j) & 1) << 4));
}

__host__ __device__ __forceinline__ float dq_q6_k(const uint8_t* row, int e) {
    const uint8_t* b = row + (e / QK_K) * Q6_K_BYTES;
    int i = e % QK_K;
    int h = i / 128;     // half of the block
    int part = (i % 128) / 32;  // 0: ql low, 1: ql[+32] low, 2: ql high, 3: ql[+32] high
    int l = i % 32;
    int ql = b[64 * h + (part & 1) * 32 + l];
    int lo = (part & 2) ? (ql >> 4) : (ql & 0xF);
    int hi = (b[128 + 32 * h + l] >> (2 * part)) & 3;
    int q = (lo | (hi << 4)) - 32;
    int sc = (int8_t)b[192 + 8 * h + l / 16 + 2 * part];
    float d = half_bits_to_float(rd_u16(b + 208));
    return mul_rn(mul_rn(d, (float)sc), (float)q);
}
