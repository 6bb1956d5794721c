// Shared helpers of the Chrysalis kernels: warp and block reductions, unaligned little-endian loads,
// and exact small-integer to float conversion. See KERNELS.md for the kernel contract.
#pragma once

#include <cuda_fp16.h>
#include <stdint.h>

#define CHRYSALIS_FULL_MASK 0xffffffffu

// Sum over the 32 lanes of a warp; every lane gets the result.
__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        v += __shfl_xor_sync(CHRYSALIS_FULL_MASK, v, o);
    }
    return v;
}

__device__ __forceinline__ double warp_sum_d(double v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        v += __shfl_xor_sync(CHRYSALIS_FULL_MASK, v, o);
    }
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        v = fmaxf(v, __shfl_xor_sync(CHRYSALIS_FULL_MASK, v, o));
    }
    return v;
}

// Sum over a whole block (blockDim.x a multiple of 32, at most 1024); every thread gets the result.
// scratch holds 32 doubles; the block must call this uniformly.
__device__ __forceinline__ double block_sum_d(double v, double* scratch) {
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int warps = (blockDim.x + 31) >> 5;
    v = warp_sum_d(v);
    __syncthreads();  // scratch may still be read by a previous call
    if (lane == 0) {
        scratch[warp] = v;
    }
    __syncthreads();
    v = lane < warps ? scratch[lane] : 0.0;
    return warp_sum_d(v);
}

// The float of an IEEE half given as its 16 bits (GGUF stores F16 scales little-endian).
__host__ __device__ __forceinline__ float half_bits_to_float(uint16_t bits) {
    __half_raw raw;
    raw.x = bits;
    return __half2float(__half(raw));
}

__device__ __forceinline__ uint16_t ld_u16(const uint8_t* p) {
    return __ldg(reinterpret_cast<const unsigned short*>(p));
}

// 32 bits from an address that is only 2-byte aligned (GGML blocks of 18, 34 and 210 bytes).
__device__ __forceinline__ uint32_t ld_u32_a2(const uint8_t* p) {
    const unsigned short* q = reinterpret_cast<const unsigned short*>(p);
    return (uint32_t)__ldg(q) | ((uint32_t)__ldg(q + 1) << 16);
}

__device__ __forceinline__ uint32_t ld_u32_a4(const uint8_t* p) {
    return __ldg(reinterpret_cast<const unsigned int*>(p));
}

// 16 bytes; ALIGNED says p is 16-byte aligned (one 128-bit load), otherwise 2-byte aligned.
template <bool ALIGNED>
__device__ __forceinline__ uint4 ld_u128(const uint8_t* p) {
    if (ALIGNED) {
        return __ldg(reinterpret_cast<const uint4*>(p));
    } else {
        return make_uint4(ld_u32_a2(p), ld_u32_a2(p + 4), ld_u32_a2(p + 8), ld_u32_a2(p + 12));
    }
}

// Four consecutive floats; ALIGNED says p is 16-byte aligned.
template <bool ALIGNED>
__device__ __forceinline__ float4 ld_f4(const float* p) {
    if (ALIGNED) {
        return __ldg(reinterpret_cast<const float4*>(p));
    } else {
        return make_float4(__ldg(p), __ldg(p + 1), __ldg(p + 2), __ldg(p + 3));
    }
}

// Exact float of byte k (0..3) of v read as an unsigned integer 0..255, minus bias: the byte is placed
// in the mantissa of 2^23 (0x4B000000) by one byte permute, and 2^23 + bias is subtracted. Exact for
// every byte and bias used here (results are small integers), and cheaper than an integer conversion.
__device__ __forceinline__ float byte_to_float(uint32_t v, int k, float bias) {
    uint32_t bits = __byte_perm(v, 0x4B00u, 0x5440u | (uint32_t)k);
    return __uint_as_float(bits) - (8388608.0f + bias);
}

// The four bytes of v as signed 8-bit integers, converted exactly to float.
__device__ __forceinline__ float4 s8x4_to_float4(uint32_t v) {
    uint32_t u = v ^ 0x80808080u;  // signed -> offset binary
    return make_float4(byte_to_float(u, 0, 128.0f), byte_to_float(u, 1, 128.0f),
                       byte_to_float(u, 2, 128.0f), byte_to_float(u, 3, 128.0f));
}

// The four bytes of v as unsigned integers minus bias, converted exactly to float.
__device__ __forceinline__ float4 u8x4_to_float4(uint32_t v, float bias) {
    return make_float4(byte_to_float(v, 0, bias), byte_to_float(v, 1, bias),
                       byte_to_float(v, 2, bias), byte_to_float(v, 3, bias));
}

__device__ __forceinline__ float dot4(float4 a, float4 b, float acc) {
    acc = fmaf(a.x, b.x, acc);
    acc = fmaf(a.y, b.y, acc);
    acc = fmaf(a.z, b.z, acc);
    acc = fmaf(a.w, b.w, acc);
    return acc;
}

__device__ __forceinline__ float hsum4(float4 a) {
    return (a.x + a.y) + (a.z + a.w);
}

__host__ __device__ __forceinline__ int ceil_div(int a, int b) {
    return (a + b - 1) / b;
}
