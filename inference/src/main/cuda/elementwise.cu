// Normalisation, rotary position embedding and element-wise kernels. Arithmetic follows the CPU
// forward pass (Transformer.java): sums of squares and RoPE angles in double, the rest in float.

#include "common.cuh"

// out = x * (1 / sqrt(mean(x^2) + eps)) * weight for one row of n floats, by the whole block; out may be x.
// Every load of the row is issued before the first is used (unrolled, float4 when aligned) and x stays in
// registers for the second pass: a decode row of 4096 floats is one float4 per thread of a 1024-thread
// block, so the kernel costs one memory round trip, not one per element a thread handles.
#define RMS_VEC 4  // float4s per thread held in registers
__device__ __forceinline__ void rmsnorm_row(const float* x, const float* __restrict__ weight, float* out, int n,
                                            float eps, double* scratch) {
    const bool vec = n % 4 == 0 && n <= 4 * RMS_VEC * (int)blockDim.x && ((uintptr_t)x & 15) == 0 &&
                     ((uintptr_t)weight & 15) == 0 && ((uintptr_t)out & 15) == 0;
    double ss = 0.0;
    if (vec) {
        float4 xv[RMS_VEC], wv[RMS_VEC];
#pragma unroll
        for (int k = 0; k < RMS_VEC; k++) {
            const int i = 4 * (threadIdx.x + k * blockDim.x);
            if (i < n) {
                xv[k] = *reinterpret_cast<const float4*>(x + i);
                wv[k] = __ldg(reinterpret_cast<const float4*>(weight + i));
            }
        }
#pragma unroll
        for (int k = 0; k < RMS_VEC; k++) {
            if (4 * (threadIdx.x + k * blockDim.x) < n) {
                ss += (double)xv[k].x * xv[k].x + (double)xv[k].y * xv[k].y + (double)xv[k].z * xv[k].z +
                      (double)xv[k].w * xv[k].w;
            }
        }
        ss = block_sum_d(ss, scratch);
        const float r = (float)(1.0 / sqrt(ss / n + (double)eps));
#pragma unroll
        for (int k = 0; k < RMS_VEC; k++) {
            const int i = 4 * (threadIdx.x + k * blockDim.x);
            if (i < n) {
                float4 o;
                o.x = __fmul_rn(__fmul_rn(xv[k].x, r), wv[k].x);
                o.y = __fmul_rn(__fmul_rn(xv[k].y, r), wv[k].y);
                o.z = __fmul_rn(__fmul_rn(xv[k].z, r), wv[k].z);
                o.w = __fmul_rn(__fmul_rn(xv[k].w, r), wv[k].w);
                *reinterpret_cast<float4*>(out + i) = o;
            }
        }
        return;
    }
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        double v = x[i];
        ss += v * v;
    }
    ss = block_sum_d(ss, scratch);
    float r = (float)(1.0 / sqrt(ss / n + (double)eps));
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        out[i] = __fmul_rn(__fmul_rn(x[i], r), weight[i]);
    }
}

// One row per block: block (n_cols/4 rounded up to 32, at most 1024), grid n_rows.
extern "C" __global__ void __launch_bounds__(1024) rmsnorm_f32(const float* x, const float* __restrict__ weight,
                                                               float* out, int n_cols, float eps) {
    __shared__ double scratch[32];
    const size_t row = (size_t)blockIdx.x * n_cols;
    rmsnorm_row(x + row, weight, out + row, n_cols, eps, scratch);
}

// In-place RMS norm of each head (q_norm / k_norm): block = head_dim rounded up to 32 (max 256),
// grid = total heads; the same weight[head_dim] for every head.
extern "C" __global__ void __launch_bounds__(256) rmsnorm_heads_f32(float* x, const float* __restrict__ weight,
                                                                    int head_dim, float eps) {
    __shared__ double scratch[32];
    float* xr = x + (size_t)blockIdx.x * head_dim;
    rmsnorm_row(xr, weight, xr, head_dim, eps, scratch);
}

// Rotates pair i of the first rope_dim dims of one head v at position p.
// neox = 1 pairs (i, i + rope_dim/2); neox = 0 pairs (2i, 2i + 1).
// freq_i = theta^(-2i/rope_dim) / factor_i; angle = position * scale * freq_i (in double, as the CPU
// tables are built).
__device__ __forceinline__ void rope_pair(float* v, int i, int p, int rope_dim, float theta, float scale,
                                          const float* freq_factors, int neox) {
    const int half_dim = rope_dim / 2;
    double freq = pow((double)theta, -2.0 * i / rope_dim);
    if (freq_factors != nullptr) {
        freq /= freq_factors[i];
    }
    double ang = p * (double)scale * freq;
    float c = (float)cos(ang);
    float s = (float)sin(ang);
    int i0 = neox ? i : 2 * i;
    int i1 = neox ? i + half_dim : 2 * i + 1;
    float a = v[i0], b = v[i1];
    v[i0] = __fsub_rn(__fmul_rn(a, c), __fmul_rn(b, s));
    v[i1] = __fadd_rn(__fmul_rn(a, s), __fmul_rn(b, c));
}

// Rotates the first rope_dim dims of every head of token t at position pos[0] + t, in place.
// Block (rope_dim/2 rounded up to 32, max 256), grid (n_heads, n).
extern "C" __global__ void __launch_bounds__(256) rope_f32(float* x, const int* pos, int n_heads, int head_dim,
                                                           int rope_dim, float theta, float scale,
                                                           const float* freq_factors, int neox) {
    const int h = blockIdx.x, t = blockIdx.y;
    float* v = x + ((size_t)t * n_heads + h) * head_dim;
    for (int i = threadIdx.x; i < rope_dim / 2; i += blockDim.x) {
        rope_pair(v, i, pos[0] + t, rope_dim, theta, scale, freq_factors, neox);
    }
}

// One launch for what rope_f32 on q, rope_f32 on k and kv_store_f16 do, with the same arithmetic: blocks
// h < n_heads rotate head h of q in place; block n_heads + j rotates key head j in shared memory and writes
// it, and value head j, as half to cache row pos[0] + t (k itself is left as it was). Block (head_dim
// rounded up to 32, max 256), grid (n_heads + n_kv_heads, n).
extern "C" __global__ void __launch_bounds__(256) rope_kv_store_f16(
        float* q, const float* __restrict__ k, const float* __restrict__ v, __half* __restrict__ k_cache,
        __half* __restrict__ v_cache, const int* pos, int n_heads, int n_kv_heads, int head_dim, int rope_dim,
        float theta, float scale, const float* freq_factors, int neox) {
    __shared__ float kh[256];  // head_dim <= 256 (the contract's maximum)
    const int h = blockIdx.x, t = blockIdx.y, p = pos[0] + t;
    if (h < n_heads) {
        float* qh = q + ((size_t)t * n_heads + h) * head_dim;
        for (int i = threadIdx.x; i < rope_dim / 2; i += blockDim.x) {
            rope_pair(qh, i, p, rope_dim, theta, scale, freq_factors, neox);
        }
        return;
    }
    const int j = h - n_heads, kv_dim = n_kv_heads * head_dim;
    const size_t src = (size_t)t * kv_dim + (size_t)j * head_dim;
    const size_t dst = (size_t)p * kv_dim + (size_t)j * head_dim;
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) {
        kh[d] = k[src + d];
        v_cache[dst + d] = __float2half_rn(v[src + d]);
    }
    __syncthreads();
    for (int i = threadIdx.x; i < rope_dim / 2; i += blockDim.x) {
        rope_pair(kh, i, p, rope_dim, theta, scale, freq_factors, neox);
    }
    __syncthreads();
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) {
        k_cache[dst + d] = __float2half_rn(kh[d]);
    }
}

// x[i] += bias[i % cols]; block 256, grid ceil(total/256).
extern "C" __global__ void __launch_bounds__(256) add_bias_f32(float* x, const float* __restrict__ bias, int cols,
                                                               int total) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < total) {
        x[i] += bias[i % cols];
    }
}

// x += y; block 256, grid ceil(total/256).
extern "C" __global__ void __launch_bounds__(256) add_f32(float* x, const float* __restrict__ y, int total) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < total) {
        x[i] += y[i];
    }
}

// gate = silu(gate) * up = gate / (1 + e^-gate) * up; block 256, grid ceil(total/256).
extern "C" __global__ void __launch_bounds__(256) silu_mul_f32(float* gate, const float* __restrict__ up,
                                                               int total) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < total) {
        float g = gate[i];
        gate[i] = __fmul_rn(__fdiv_rn(g, 1.0f + expf(-g)), up[i]);
    }
}
