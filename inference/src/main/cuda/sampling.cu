// Token selection on the device: greedy argmax and temperature / top-k / top-p sampling, both one
// block of 1024 threads. Order of candidates: larger logit first, lower index first on equal logits;
// -inf and NaN logits are never chosen (as the CPU Sampler).

#include "common.cuh"

#define SAMPLE_THREADS 1024
#define SAMPLE_MAX_K 64

// true when (va, ia) comes before (vb, ib): larger value, then lower index; ib < 0 means "none".
__device__ __forceinline__ bool before(float va, int ia, float vb, int ib) {
    if (ia < 0) {
        return false;
    }
    if (ib < 0) {
        return true;
    }
    return va > vb || (va == vb && ia < ib);
}

// The first (value, index) of the warp in candidate order; every lane gets the result.
__device__ __forceinline__ void warp_best(float& v, int& idx) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        float ov = __shfl_xor_sync(CHRYSALIS_FULL_MASK, v, o);
        int oi = __shfl_xor_sync(CHRYSALIS_FULL_MASK, idx, o);
        if (before(ov, oi, v, idx)) {
            v = ov;
            idx = oi;
        }
    }
}

// The first (value, index) of the block in candidate order; every thread gets the result.
__device__ __forceinline__ void block_best(float& v, int& idx, float* sv, int* si) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    warp_best(v, idx);
    __syncthreads();  // sv/si may still be read by the previous call
    if (lane == 0) {
        sv[warp] = v;
        si[warp] = idx;
    }
    __syncthreads();
    const int warps = blockDim.x >> 5;
    v = lane < warps ? sv[lane] : 0.0f;
    idx = lane < warps ? si[lane] : -1;
    warp_best(v, idx);
}

// The thread's first element (stride blockDim.x) that comes strictly after (after_v, after_i) in
// candidate order (after_i < 0: no bound), skipping -inf and NaN.
__device__ __forceinline__ void thread_best_after(const float* __restrict__ logits, int n, float after_v, int after_i,
                                                  float& v, int& idx) {
    v = -INFINITY;
    idx = -1;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        float l = logits[i];
        if (l == -INFINITY || l != l) {
            continue;
        }
        if (after_i >= 0 && !before(after_v, after_i, l, i)) {
            continue;
        }
        if (before(l, i, v, idx)) {
            v = l;
            idx = i;
        }
    }
}

// out[0] = index of the largest logit (lowest index on ties), or -1 when every logit is -inf or NaN.
extern "C" __global__ void __launch_bounds__(SAMPLE_THREADS) argmax_f32(const float* __restrict__ logits, int n,
                                                                        int* out) {
    __shared__ float sv[32];
    __shared__ int si[32];
    float v;
    int idx;
    thread_best_after(logits, n, 0.0f, -1, v, idx);
    block_best(v, idx, sv, si);
    if (threadIdx.x == 0) {
        out[0] = idx;
    }
}

// Picks a token: the top_k (clamped to 1..64) candidates, probabilities p_i = e^((l_i - l_0)/temperature)
// (in double, as the CPU sampler), cut to the shortest prefix whose normalised mass reaches top_p, then to
// the candidates before the first whose p_i < min_p * p_0 (min_p > 0), then the first candidate whose
// cumulative mass exceeds uniform[0] * (mass of the prefix). Deterministic for a given uniform number.
// temperature <= 0 picks the first candidate. out[0] = -1 when no logit is finite.
extern "C" __global__ void __launch_bounds__(SAMPLE_THREADS) sample_f32(const float* __restrict__ logits, int n,
                                                                        float temperature, int top_k, float top_p,
                                                                        float min_p, const float* uniform, int* out) {
    __shared__ float sv[32];
    __shared__ int si[32];
    __shared__ float cand_v[SAMPLE_MAX_K];
    __shared__ int cand_i[SAMPLE_MAX_K];
    __shared__ int cand_n;
    const int k = min(max(top_k, 1), SAMPLE_MAX_K);

    // Each thread keeps its own best remaining element; only the thread whose element was taken
    // searches its stride again, so k rounds cost one scan plus k block reductions.
    float mine_v;
    int mine_i;
    thread_best_after(logits, n, 0.0f, -1, mine_v, mine_i);
    int found = 0;
    for (; found < k; found++) {
        float v = mine_v;
        int idx = mine_i;
        block_best(v, idx, sv, si);
        if (idx < 0) {
            break;
        }
        if (threadIdx.x == 0) {
            cand_v[found] = v;
            cand_i[found] = idx;
        }
        if (mine_i == idx) {
            thread_best_after(logits, n, v, idx, mine_v, mine_i);
        }
    }
    if (threadIdx.x == 0) {
        cand_n = found;
    }
    __syncthreads();
    if (threadIdx.x != 0) {
        return;
    }
    const int m = cand_n;
    if (m == 0) {
        out[0] = -1;
        return;
    }
    if (!(temperature > 0.0f) || m == 1) {
        out[0] = cand_i[0];
        return;
    }
    double p[SAMPLE_MAX_K];
    const double inv = 1.0 / (double)temperature;
    double sum = 0.0;
    for (int i = 0; i < m; i++) {
        p[i] = exp((double)(cand_v[i] - cand_v[0]) * inv);
        sum += p[i];
    }
    int keep = m;
    if (top_p < 1.0f) {
        double cum = 0.0;
        for (int i = 0; i < m; i++) {
            cum += p[i] / sum;
            if (cum >= (double)top_p) {
                keep = i + 1;
                break;
            }
        }
    }
    if (min_p > 0.0f) {
        const double threshold = (double)min_p * p[0];
        int k2 = 1;
        while (k2 < keep && p[k2] >= threshold) {
            k2++;
        }
        keep = k2;
    }
    double total = 0.0;
    for (int i = 0; i < keep; i++) {
        total += p[i];
    }
    double r = (double)uniform[0] * total;
    int pick = cand_i[keep - 1];
    for (int i = 0; i < keep; i++) {
        r -= p[i];
        if (r < 0.0) {
            pick = cand_i[i];
            break;
        }
    }
    out[0] = pick;
}
