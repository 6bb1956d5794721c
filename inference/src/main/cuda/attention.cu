// KV cache writes and attention over the half-precision cache.
//
// Cache layout per layer: [capacity][kv_dim] half, keys and values in separate buffers; head g of the
// cache row holds dims g*head_dim .. g*head_dim + head_dim - 1. Query head h reads cache head
// h / (n_heads / n_kv_heads) (grouped-query attention).
//
// attend_range is shared by decode and prefill: 4 warps take interleaved keys, a warp loads the key and
// value rows of 8 keys at once (lane-strided half2 loads, all issued before any is used), scores them
// (8 interleaved shuffle reductions), keeps an online softmax (running max, running sum, running
// weighted sum of value rows with each lane holding head_dim/32 dims), and the 4 warps' states are
// merged through shared memory.

#include "common.cuh"

#define ATT_THREADS 128
#define ATT_WARPS 4
#define ATT_KEYS 8          // keys scored (and their rows loaded) together by one warp
#define ATT_MAX_HEAD 256
#define ATT_PAIRS (ATT_MAX_HEAD / 64)  // half2 pairs per lane at head_dim 256

// writes token t's key/value rows to cache row pos[0] + t; block 256, grid (ceil(kv_dim/256), n).
extern "C" __global__ void __launch_bounds__(256) kv_store_f16(const float* __restrict__ k, const float* __restrict__ v,
                                                               __half* __restrict__ k_cache, __half* __restrict__ v_cache,
                                                               const int* pos, int kv_dim, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int t = blockIdx.y;
    if (i < kv_dim && t < n) {
        size_t dst = (size_t)(pos[0] + t) * kv_dim + i;
        size_t src = (size_t)t * kv_dim + i;
        k_cache[dst] = __float2half_rn(k[src]);
        v_cache[dst] = __float2half_rn(v[src]);
    }
}

struct AttnState {
    float max;   // running max of the scores (-inf when no key was seen)
    float sum;   // sum of exp(score - max)
    float2 acc[ATT_PAIRS];  // sum of exp(score - max) * v, dims 2p, 2p+1 for p = lane + 32*i
};

// Attention of query q (head_dim floats) over cache keys [k_begin, k_end) of cache head kvh.
// Every thread of the block must call it. Leaves the merged state in out_acc[head_dim] (shared),
// *out_max, *out_sum (shared), visible to every thread after the call.
__device__ __forceinline__ void attend_range(const float* __restrict__ q, const __half* __restrict__ k_cache,
                                             const __half* __restrict__ v_cache, int kv_dim, int head_dim, int kvh,
                                             float scale, int k_begin, int k_end, float* out_acc, float* out_max,
                                             float* out_sum) {
    __shared__ float s_max[ATT_WARPS], s_sum[ATT_WARPS];
    __shared__ float s_acc[ATT_WARPS][ATT_MAX_HEAD];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int pairs = head_dim >> 1;
    const size_t head_off = (size_t)kvh * head_dim;

    float2 qv[ATT_PAIRS];
#pragma unroll
    for (int i = 0; i < ATT_PAIRS; i++) {
        int p = lane + 32 * i;
        qv[i] = p < pairs ? make_float2(q[2 * p] * scale, q[2 * p + 1] * scale) : make_float2(0.0f, 0.0f);
    }
    AttnState st;
    st.max = -INFINITY;
    st.sum = 0.0f;
#pragma unroll
    for (int i = 0; i < ATT_PAIRS; i++) {
        st.acc[i] = make_float2(0.0f, 0.0f);
    }

    for (int base = k_begin + warp; base < k_end; base += ATT_WARPS * ATT_KEYS) {
        // key and value rows of the group's keys, all loads issued before any is used
        __half2 kv[ATT_KEYS][ATT_PAIRS], vv[ATT_KEYS][ATT_PAIRS];
#pragma unroll
        for (int u = 0; u < ATT_KEYS; u++) {
            const int key = base + u * ATT_WARPS;
            const __half2* kr = reinterpret_cast<const __half2*>(k_cache + (size_t)key * kv_dim + head_off);
            const __half2* vr = reinterpret_cast<const __half2*>(v_cache + (size_t)key * kv_dim + head_off);
#pragma unroll
            for (int i = 0; i < ATT_PAIRS; i++) {
                const int p = lane + 32 * i;
                const bool ok = key < k_end && p < pairs;
                kv[u][i] = ok ? kr[p] : __float2half2_rn(0.0f);
                vv[u][i] = ok ? vr[p] : __float2half2_rn(0.0f);
            }
        }
        float s[ATT_KEYS];
#pragma unroll
        for (int u = 0; u < ATT_KEYS; u++) {
            float d = 0.0f;
#pragma unroll
            for (int i = 0; i < ATT_PAIRS; i++) {
                float2 kf = __half22float2(kv[u][i]);
                d = fmaf(qv[i].x, kf.x, d);
                d = fmaf(qv[i].y, kf.y, d);
            }
            s[u] = d;
        }
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) {
#pragma unroll
            for (int u = 0; u < ATT_KEYS; u++) {
                s[u] += __shfl_xor_sync(CHRYSALIS_FULL_MASK, s[u], o);
            }
        }
        float m = st.max;
#pragma unroll
        for (int u = 0; u < ATT_KEYS; u++) {
            if (base + u * ATT_WARPS >= k_end) {
                s[u] = -INFINITY;
            }
            m = fmaxf(m, s[u]);
        }
        const float corr = expf(st.max - m);  // 0 when st.max is -inf (m is finite: key `base` is valid)
        st.sum *= corr;
#pragma unroll
        for (int i = 0; i < ATT_PAIRS; i++) {
            st.acc[i].x *= corr;
            st.acc[i].y *= corr;
        }
        st.max = m;
#pragma unroll
        for (int u = 0; u < ATT_KEYS; u++) {
            const float pw = expf(s[u] - m);  // 0 for keys past k_end (their values were loaded as 0)
            st.sum += pw;
#pragma unroll
            for (int i = 0; i < ATT_PAIRS; i++) {
                float2 vf = __half22float2(vv[u][i]);
                st.acc[i].x = fmaf(pw, vf.x, st.acc[i].x);
                st.acc[i].y = fmaf(pw, vf.y, st.acc[i].y);
            }
        }
    }

    if (lane == 0) {
        s_max[warp] = st.max;
        s_sum[warp] = st.sum;
    }
#pragma unroll
    for (int i = 0; i < ATT_PAIRS; i++) {
        int p = lane + 32 * i;
        if (p < pairs) {
            s_acc[warp][2 * p] = st.acc[i].x;
            s_acc[warp][2 * p + 1] = st.acc[i].y;
        }
    }
    __syncthreads();
    float m = -INFINITY;
#pragma unroll
    for (int w = 0; w < ATT_WARPS; w++) {
        m = fmaxf(m, s_max[w]);
    }
    float f[ATT_WARPS];
    float total = 0.0f;
#pragma unroll
    for (int w = 0; w < ATT_WARPS; w++) {
        f[w] = s_max[w] == -INFINITY ? 0.0f : expf(s_max[w] - m);
        total += f[w] * s_sum[w];
    }
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) {
        float a = 0.0f;
#pragma unroll
        for (int w = 0; w < ATT_WARPS; w++) {
            a = fmaf(f[w], s_acc[w][d], a);
        }
        out_acc[d] = a;
    }
    if (threadIdx.x == 0) {
        *out_max = m;
        *out_sum = total;
    }
    __syncthreads();
}

// Flash-decoding phase 1 for the token at pos[0]: split s of head h attends keys
// [s*split_len, min((s+1)*split_len, pos[0]+1)) and writes (acc[head_dim], max, sum) to
// partial[(h*n_splits + s)*(head_dim+2)]; an empty split writes acc 0, max -inf, sum 0.
// Block 128, grid (n_heads, n_splits).
extern "C" __global__ void __launch_bounds__(ATT_THREADS) attn_decode_split(
        const float* __restrict__ q, const __half* __restrict__ k_cache, const __half* __restrict__ v_cache,
        float* __restrict__ partial, const int* pos, int n_heads, int n_kv_heads, int head_dim, int kv_dim, float scale,
        int split_len) {
    __shared__ float acc[ATT_MAX_HEAD];
    __shared__ float mx, sm;
    const int h = blockIdx.x, s = blockIdx.y, n_splits = gridDim.y;
    const int kvh = h / (n_heads / n_kv_heads);
    const int k_end_all = pos[0] + 1;
    const int k_begin = s * split_len;
    const int k_end = min(k_begin + split_len, k_end_all);
    float* out = partial + ((size_t)h * n_splits + s) * (head_dim + 2);
    if (k_begin >= k_end) {
        for (int d = threadIdx.x; d < head_dim; d += blockDim.x) {
            out[d] = 0.0f;
        }
        if (threadIdx.x == 0) {
            out[head_dim] = -INFINITY;
            out[head_dim + 1] = 0.0f;
        }
        return;
    }
    attend_range(q + (size_t)h * head_dim, k_cache, v_cache, kv_dim, head_dim, kvh, scale, k_begin, k_end, acc, &mx,
                 &sm);
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) {
        out[d] = acc[d];
    }
    if (threadIdx.x == 0) {
        out[head_dim] = mx;
        out[head_dim + 1] = sm;
    }
}

// Flash-decoding phase 2: out[h*head_dim + d] = sum_s e^(max_s - M) acc_s[d] / sum_s e^(max_s - M) sum_s
// over the splits that hold keys. Block head_dim rounded up to 32, grid n_heads.
extern "C" __global__ void __launch_bounds__(256) attn_decode_combine(const float* __restrict__ partial,
                                                                      float* __restrict__ out, const int* pos,
                                                                      int n_heads, int head_dim, int n_splits,
                                                                      int split_len) {
    const int h = blockIdx.x;
    const int used = min(n_splits, pos[0] / split_len + 1);
    const float* ph = partial + (size_t)h * n_splits * (head_dim + 2);
    float m = -INFINITY;
    for (int s = 0; s < used; s++) {
        m = fmaxf(m, ph[(size_t)s * (head_dim + 2) + head_dim]);
    }
    float total = 0.0f;
    for (int s = 0; s < used; s++) {
        float ms = ph[(size_t)s * (head_dim + 2) + head_dim];
        if (ms != -INFINITY) {
            total += expf(ms - m) * ph[(size_t)s * (head_dim + 2) + head_dim + 1];
        }
    }
    const float inv = total > 0.0f ? 1.0f / total : 0.0f;
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) {
        float a = 0.0f;
        for (int s = 0; s < used; s++) {
            float ms = ph[(size_t)s * (head_dim + 2) + head_dim];
            if (ms != -INFINITY) {
                a = fmaf(expf(ms - m), ph[(size_t)s * (head_dim + 2) + d], a);
            }
        }
        out[(size_t)h * head_dim + d] = a * inv;
    }
}

// Causal attention for a batch: token t (query row t of q [n][n_heads*head_dim]) sees keys
// 0..pos[0]+t. Block 128, grid (n_heads, n).
extern "C" __global__ void __launch_bounds__(ATT_THREADS) attn_prefill(
        const float* __restrict__ q, const __half* __restrict__ k_cache, const __half* __restrict__ v_cache,
        float* __restrict__ out, const int* pos, int n_heads, int n_kv_heads, int head_dim, int kv_dim, float scale,
        int n) {
    __shared__ float acc[ATT_MAX_HEAD];
    __shared__ float mx, sm;
    const int h = blockIdx.x, t = blockIdx.y;
    if (t >= n) {
        return;
    }
    const int kvh = h / (n_heads / n_kv_heads);
    const size_t row = ((size_t)t * n_heads + h) * head_dim;
    attend_range(q + row, k_cache, v_cache, kv_dim, head_dim, kvh, scale, 0, pos[0] + t + 1, acc, &mx, &sm);
    const float inv = sm > 0.0f ? 1.0f / sm : 0.0f;
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) {
        out[row + d] = acc[d] * inv;
    }
}
