// Normalisation, rotary position embedding and element-wise kernels. Arithmetic follows the CPU
// forward pass (Transformer.java): sums of squares and RoPE angles in double, the rest in float.

#include "common.cuh"

// out = x * (1 / sqrt(mean(x^2) + eps)) * weight for one row of n floats, by the whole block; out may be x.
__device__ __forceinline__ void rmsnorm_row(const float* x, const float* __restrict__ weight, float* out, int n,
                                            float eps, double* scratch) {
    double ss = 0.0;
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

// One row per block (block 256, grid n_rows).
extern "C" __global__ void __launch_bounds__(256) rmsnorm_f32(const float* x, const float* __restrict__ weight,
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

// Rotates pairs of the first rope_dim dims of every head of token t at position pos[0] + t.
// neox = 1 pairs (i, i + rope_dim/2); neox = 0 pairs (2i, 2i + 1).
// freq_i = theta^(-2i/rope_dim) / factor_i; angle = position * scale * freq_i (in double, as the CPU
// tables are built). Block (rope_dim/2 rounded up to 32, max 256), grid (n_heads, n).
extern "C" __global__ void __launch_bounds__(256) rope_f32(float* x, const int* pos, int n_heads, int head_dim,
                                                           int rope_dim, float theta, float scale,
                                                           const float* freq_factors, int neox) {
    const int h = blockIdx.x, t = blockIdx.y;
    const int half_dim = rope_dim / 2;
    const int p = pos[0] + t;
    float* v = x + ((size_t)t * n_heads + h) * head_dim;
    for (int i = threadIdx.x; i < half_dim; i += blockDim.x) {
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
