// Embedding lookup: dequantizes rows ids[0..n) of a [vocab][dim] table into out [n][dim], exactly as
// Dequantize.java. Block 256, grid (ceil(dim/256), n).

#include "quant.cuh"

#define EMBED_KERNEL(name, BS, BYTES, DQ)                                                                    \
    extern "C" __global__ void __launch_bounds__(256) name(const void* __restrict__ table, const int* __restrict__ ids, \
                                                           float* __restrict__ out, int dim, int n) {        \
        int e = blockIdx.x * blockDim.x + threadIdx.x;                                                       \
        int t = blockIdx.y;                                                                                  \
        if (e < dim && t < n) {                                                                              \
            const uint8_t* row = static_cast<const uint8_t*>(table) + (size_t)ids[t] * (size_t)(dim / (BS)) * (BYTES); \
            out[(size_t)t * dim + e] = DQ(row, e);                                                           \
        }                                                                                                    \
    }

EMBED_KERNEL(embed_f32, 1, 4, dq_f32)
EMBED_KERNEL(embed_f16, 1, 2, dq_f16)
EMBED_KERNEL(embed_bf16, 1, 2, dq_bf16)
EMBED_KERNEL(embed_q8_0, QK8_0, Q8_0_BYTES, dq_q8_0)
EMBED_KERNEL(embed_q4_0, QK4_0, Q4_0_BYTES, dq_q4_0)
EMBED_KERNEL(embed_q4_1, QK4_1, Q4_1_BYTES, dq_q4_1)
EMBED_KERNEL(embed_q4_k, QK_K, Q4_K_BYTES, dq_q4_k)
EMBED_KERNEL(embed_q5_k, QK_K, Q5_K_BYTES, dq_q5_k)
EMBED_KERNEL(embed_q6_k, QK_K, Q6_K_BYTES, dq_q6_k)
