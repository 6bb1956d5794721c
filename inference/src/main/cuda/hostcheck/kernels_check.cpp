// Runs the non-tensor-core kernels on the host emulator (emu.h) against straightforward references:
// attention (split + combine, prefill) against a double softmax, sampling against the CPU Sampler rule,
// rmsnorm and rope against Transformer.java arithmetic, matvec with a partial warp set, embedding.
#include "emu.h"
#include "matvec.cu"
#include "elementwise.cu"
#include "attention.cu"
#include "sampling.cu"
#include "embed.cu"
#include "matmul.cu"
#include <cstdio>
#include <random>
static std::mt19937_64 rng(7);
static float urand(float a, float b) { return std::uniform_real_distribution<float>(a, b)(rng); }
static int fails = 0;
static void check(bool ok, const char* what) { printf("%-60s %s\n", what, ok ? "ok" : "FAIL"); if (!ok) fails++; }

static void test_attention(int n_heads, int n_kv, int hd, int pos0, int split_len, int capacity, int n_prefill) {
    int kv_dim = n_kv * hd;
    std::vector<__half> kc((size_t)capacity * kv_dim), vc((size_t)capacity * kv_dim);
    // fill cache rows 0..pos0-1 directly, then write rows pos0.. with kv_store_f16
    for (size_t i = 0; i < (size_t)pos0 * kv_dim; i++) { kc[i] = __float2half(urand(-2, 2)); vc[i] = __float2half(urand(-2, 2)); }
    std::vector<float> knew((size_t)n_prefill * kv_dim), vnew((size_t)n_prefill * kv_dim);
    for (auto& f : knew) f = urand(-2, 2);
    for (auto& f : vnew) f = urand(-2, 2);
    int pos[1] = {pos0};
    launch({(unsigned)ceil_div(kv_dim, 256), (unsigned)n_prefill}, {256}, [&] { kv_store_f16(knew.data(), vnew.data(), kc.data(), vc.data(), pos, kv_dim, n_prefill); });
    bool stored = true;
    for (int t = 0; t < n_prefill; t++) for (int i = 0; i < kv_dim; i++)
        stored &= __half2float(kc[(size_t)(pos0 + t) * kv_dim + i]) == __half2float(__float2half(knew[t * kv_dim + i]));
    check(stored, "kv_store_f16 writes rows pos..pos+n-1 as half");
    std::vector<float> q((size_t)n_prefill * n_heads * hd);
    for (auto& f : q) f = urand(-1, 1);
    float scale = 1.0f / sqrtf((float)hd);
    auto ref = [&](int t, int h, std::vector<double>& o) {
        int kvh = h / (n_heads / n_kv), last = pos0 + t;
        std::vector<double> s(last + 1);
        double m = -1e300;
        for (int j = 0; j <= last; j++) { double d = 0; for (int i = 0; i < hd; i++) d += (double)q[((size_t)t * n_heads + h) * hd + i] * __half2float(kc[(size_t)j * kv_dim + kvh * hd + i]); s[j] = d * scale; m = std::max(m, s[j]); }
        double sum = 0; for (auto& v : s) { v = exp(v - m); sum += v; }
        o.assign(hd, 0); for (int j = 0; j <= last; j++) for (int i = 0; i < hd; i++) o[i] += s[j] / sum * __half2float(vc[(size_t)j * kv_dim + kvh * hd + i]);
    };
    // decode for the last token (t = n_prefill-1): q row of that token
    int n_splits = ceil_div(capacity, split_len);
    std::vector<float> partial((size_t)n_heads * n_splits * (hd + 2)), out(n_heads * hd);
    int dpos[1] = {pos0 + n_prefill - 1};
    const float* qlast = q.data() + (size_t)(n_prefill - 1) * n_heads * hd;
    launch({(unsigned)n_heads, (unsigned)n_splits}, {128}, [&] { attn_decode_split(qlast, kc.data(), vc.data(), partial.data(), dpos, n_heads, n_kv, hd, kv_dim, scale, split_len); });
    launch({(unsigned)n_heads, 1}, {(unsigned)ceil_div(hd, 32) * 32}, [&] { attn_decode_combine(partial.data(), out.data(), dpos, n_heads, hd, n_splits, split_len); });
    double err = 0;
    for (int h = 0; h < n_heads; h++) { std::vector<double> o; ref(n_prefill - 1, h, o); for (int i = 0; i < hd; i++) err = std::max(err, fabs(o[i] - out[h * hd + i])); }
    char buf[200];
    snprintf(buf, sizeof buf, "attn_decode split+combine hd=%d pos=%d split=%d: max err %.2e", hd, dpos[0], split_len, err);
    check(err < 1e-5, buf);
    bool empty_ok = true;
    for (int h = 0; h < n_heads; h++) for (int s = 0; s < n_splits; s++) if (s * split_len > dpos[0]) { float* p = &partial[((size_t)h * n_splits + s) * (hd + 2)]; empty_ok &= p[hd] == -INFINITY && p[hd + 1] == 0.0f; }
    check(empty_ok, "splits past pos write max -inf, sum 0");
    std::vector<float> pout(q.size());
    launch({(unsigned)n_heads, (unsigned)n_prefill}, {128}, [&] { attn_prefill(q.data(), kc.data(), vc.data(), pout.data(), pos, n_heads, n_kv, hd, kv_dim, scale, n_prefill); });
    err = 0;
    for (int t = 0; t < n_prefill; t++) for (int h = 0; h < n_heads; h++) { std::vector<double> o; ref(t, h, o); for (int i = 0; i < hd; i++) err = std::max(err, fabs(o[i] - pout[((size_t)t * n_heads + h) * hd + i])); }
    snprintf(buf, sizeof buf, "attn_prefill causal hd=%d n=%d: max err %.2e", hd, n_prefill, err);
    check(err < 1e-5, buf);
}

// CPU Sampler.pick restricted to top_k, as reference
static int ref_sample(const std::vector<float>& l, float temp, int k, float top_p, float min_p, float u) {
    std::vector<int> idx;
    for (int i = 0; i < (int)l.size(); i++) if (!(l[i] == -INFINITY || std::isnan(l[i]))) idx.push_back(i);
    std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return l[a] > l[b]; });
    if ((int)idx.size() > k) idx.resize(k);
    if (idx.empty()) return -1;
    if (temp <= 0) return idx[0];
    std::vector<double> p(idx.size()); double sum = 0;
    for (size_t i = 0; i < idx.size(); i++) { p[i] = exp((double)(l[idx[i]] - l[idx[0]]) * (1.0 / temp)); sum += p[i]; }
    size_t keep = idx.size();
    if (top_p < 1) { double c = 0; for (size_t i = 0; i < idx.size(); i++) { c += p[i] / sum; if (c >= top_p) { keep = i + 1; break; } } }
    if (min_p > 0) { double th = (double)min_p * p[0]; size_t j = 1; while (j < keep && p[j] >= th) j++; keep = j; }
    double tot = 0; for (size_t i = 0; i < keep; i++) tot += p[i];
    double r = (double)u * tot;
    for (size_t i = 0; i < keep; i++) { r -= p[i]; if (r < 0) return idx[i]; }
    return idx[keep - 1];
}

static void test_sampling() {
    int n = 5000;
    std::vector<float> l(n);
    for (auto& f : l) f = (float)(int)urand(-20, 20) * 0.5f;  // many ties
    l[17] = NAN; l[18] = -INFINITY; l[4000] = 9.75f; l[12] = 9.75f;
    int out[1];
    launch({1}, {64}, [&] { argmax_f32(l.data(), n, out); });
    check(out[0] == 12, "argmax_f32 lowest index among equal maxima, NaN ignored");
    int agree = 0, total = 0;
    int cut_by_min_p = 0;
    std::vector<float> spread(n);  // distinct logits 0.2 apart in a shuffled order: min_p cuts inside the top 64
    for (int i = 0; i < n; i++) spread[i] = -0.2f * i;
    std::shuffle(spread.begin(), spread.end(), rng);
    for (const std::vector<float>* set : {&l, &spread})
    for (int k : {1, 5, 64}) for (float tp : {1.0f, 0.6f}) for (float mp : {0.0f, 0.05f, 0.3f}) for (float temp : {0.0f, 1.5f})
        for (float u : {0.0f, 0.77f, 0.999f}) {
            const std::vector<float>& l = *set;
            float uni[1] = {u};
            launch({1}, {64}, [&] { sample_f32(l.data(), n, temp, k, tp, mp, uni, out); });
            int r = ref_sample(l, temp, k, tp, mp, u);
            cut_by_min_p += mp > 0 && r != ref_sample(l, temp, k, tp, 0.0f, u);
            total++; if (out[0] == r) agree++; else if (total - agree < 4) printf("  k=%d top_p=%g min_p=%g temp=%g u=%g: gpu %d ref %d\n", k, tp, mp, temp, u, out[0], r);
        }
    check(cut_by_min_p > 0, "min_p changes some picks of these cases");
    char buf[100]; snprintf(buf, sizeof buf, "sample_f32 equals the CPU sampler's rule: %d/%d", agree, total);
    check(agree == total, buf);
    std::vector<float> none(100, -INFINITY);
    float uni[1] = {0.5f};
    launch({1}, {64}, [&] { sample_f32(none.data(), 100, 1.0f, 10, 1.0f, 0.05f, uni, out); });
    check(out[0] == -1, "sample_f32 -1 when no logit is finite");
}

static void test_norm_rope() {
    int rows = 3, cols = 1000;
    std::vector<float> x(rows * cols), w(cols), o(rows * cols);
    for (auto& f : x) f = urand(-3, 3);
    for (auto& f : w) f = urand(0.5, 1.5);
    // 64 threads hold a row of 1000 in float4 registers; 32 threads are too few and take the scalar loop
    for (unsigned threads : {64u, 32u}) {
        std::fill(o.begin(), o.end(), 0.0f);
        launch({(unsigned)rows}, {threads}, [&] { rmsnorm_f32(x.data(), w.data(), o.data(), cols, 1e-6f); });
        bool exact = true;
        for (int r = 0; r < rows; r++) {
            double ss = 0; for (int i = 0; i < cols; i++) ss += (double)x[r * cols + i] * x[r * cols + i];
            float rr = (float)(1.0 / sqrt(ss / cols + 1e-6f));
            for (int i = 0; i < cols; i++) exact &= (x[r * cols + i] * rr * w[i]) == o[r * cols + i];
        }
        check(exact, threads == 64 ? "rmsnorm_f32 (float4 registers) equals Transformer.rmsnorm bit for bit (host)"
                                   : "rmsnorm_f32 (scalar loop) equals Transformer.rmsnorm bit for bit (host)");
    }
    // per-head norm in place with one weight row: the same numbers as rmsnorm_f32 over rows of head_dim
    int heads = 5, head_dim = 200;
    std::vector<float> h(x.begin(), x.begin() + heads * head_dim), ho(heads * head_dim);
    launch({(unsigned)heads}, {64}, [&] { rmsnorm_f32(h.data(), w.data(), ho.data(), head_dim, 1e-6f); });
    launch({(unsigned)heads}, {64}, [&] { rmsnorm_heads_f32(h.data(), w.data(), head_dim, 1e-6f); });
    check(h == ho, "rmsnorm_heads_f32 in place equals rmsnorm_f32 per head");
    int nh = 3, hd = 64, n = 2, rope_dim = 32; float theta = 10000, sc = 1;
    for (int neox : {0, 1}) {
        std::vector<float> v(n * nh * hd); for (auto& f : v) f = urand(-1, 1);
        auto v0 = v; int pos[1] = {5};
        launch({(unsigned)nh, (unsigned)n}, {32}, [&] { rope_f32(v.data(), pos, nh, hd, rope_dim, theta, sc, nullptr, neox); });
        bool ok = true;
        for (int t = 0; t < n; t++) for (int h = 0; h < nh; h++) for (int i = 0; i < rope_dim / 2; i++) {
            double freq = pow(theta, -2.0 * i / rope_dim), ang = (5 + t) * (double)sc * freq;
            float c = (float)cos(ang), s = (float)sin(ang);
            int i0 = neox ? i : 2 * i, i1 = neox ? i + rope_dim / 2 : 2 * i + 1;
            float* a = &v0[(t * nh + h) * hd];
            ok &= v[(t * nh + h) * hd + i0] == a[i0] * c - a[i1] * s && v[(t * nh + h) * hd + i1] == a[i0] * s + a[i1] * c;
        }
        for (int t = 0; t < n; t++) for (int h = 0; h < nh; h++) for (int i = rope_dim; i < hd; i++) ok &= v[(t * nh + h) * hd + i] == v0[(t * nh + h) * hd + i];
        check(ok, neox ? "rope_f32 neox pairs, dims past rope_dim untouched" : "rope_f32 adjacent pairs, dims past rope_dim untouched");
    }
}

// rope_kv_store_f16 against rope_f32 on q and k, then kv_store_f16: the same q and cache bits (GQA, 2 tokens).
static void test_rope_kv_store() {
    int nh = 4, nkv = 2, hd = 64, n = 2, kv_dim = nkv * hd, cap = 8; float theta = 10000, sc = 1;
    for (int neox : {0, 1}) for (int rope_dim : {64, 32}) {
        std::vector<float> q(n * nh * hd), k(n * kv_dim), v(n * kv_dim);
        for (auto& f : q) f = urand(-2, 2);
        for (auto& f : k) f = urand(-2, 2);
        for (auto& f : v) f = urand(-2, 2);
        std::vector<float> qa = q, ka = k, qb = q;
        std::vector<__half> kc_a(cap * kv_dim), vc_a(cap * kv_dim), kc_b(cap * kv_dim), vc_b(cap * kv_dim);
        int pos[1] = {3};
        launch({(unsigned)nh, (unsigned)n}, {32}, [&] { rope_f32(qa.data(), pos, nh, hd, rope_dim, theta, sc, nullptr, neox); });
        launch({(unsigned)nkv, (unsigned)n}, {32}, [&] { rope_f32(ka.data(), pos, nkv, hd, rope_dim, theta, sc, nullptr, neox); });
        launch({(unsigned)ceil_div(kv_dim, 256), (unsigned)n}, {256}, [&] { kv_store_f16(ka.data(), v.data(), kc_a.data(), vc_a.data(), pos, kv_dim, n); });
        launch({(unsigned)(nh + nkv), (unsigned)n}, {64}, [&] {
            rope_kv_store_f16(qb.data(), k.data(), v.data(), kc_b.data(), vc_b.data(), pos, nh, nkv, hd, rope_dim, theta, sc, nullptr, neox); });
        bool same = qa == qb;
        for (int i = 0; i < cap * kv_dim; i++) {
            same &= memcmp(&kc_a[i], &kc_b[i], 2) == 0 && memcmp(&vc_a[i], &vc_b[i], 2) == 0;
        }
        char buf[120];
        snprintf(buf, sizeof buf, "rope_kv_store_f16 equals rope_f32 x2 + kv_store_f16 (neox %d, rope_dim %d)", neox, rope_dim);
        check(same, buf);
    }
}

// Random weights with finite, moderate scales: the f16 block scale at f16_at (and the min of Q4_1, Q4_K and Q5_K
// blocks at byte 2), F16 and BF16 values of 1/8 .. 2, F32 values in -1 .. 1.
static void fill_weights(std::vector<uint8_t>& w, int bytes, int f16_at, bool bf16) {
    for (auto& b : w) b = (uint8_t)rng();
    if (f16_at >= 0)
        for (size_t b = 0; b < w.size(); b += bytes) {
            uint16_t h = 0x2000 | (rng() & 0x3ff);
            memcpy(&w[b + f16_at], &h, 2);
            if (bytes == Q4_K_BYTES || bytes == Q5_K_BYTES || bytes == Q4_1_BYTES) memcpy(&w[b + 2], &h, 2);
        }
    if (bytes == 2 && !bf16) for (size_t b = 0; b < w.size(); b += 2) { uint16_t h = 0x3000 | (rng() & 0x3ff); memcpy(&w[b], &h, 2); }
    if (bytes == 2 && bf16)
        for (size_t b = 0; b < w.size(); b += 2) { uint16_t h = (rng() & 0x8000) | ((124 + rng() % 4) << 7) | (rng() & 0x7f); memcpy(&w[b], &h, 2); }
    if (bytes == 4) for (size_t b = 0; b < w.size(); b += 4) { float f = urand(-1, 1); memcpy(&w[b], &f, 4); }
}

typedef void (*MvKernel)(const void*, const float*, float*, int, int);
typedef void (*Mv3Kernel)(const void*, const void*, const void*, const float*, float*, float*, float*, int, int, int, int);
typedef float (*Dq)(const uint8_t*, int);
// rows 13 = one full block of 8 rows and one partial block; y starts at 1 to see the _add variant add.
// matvec3 over rows 0..12, 3..11 and 7..12 (then with no third matrix) must give the matvec results bit for bit.
static void check_matvec(const char* name, MvKernel k, MvKernel kadd, Mv3Kernel k3, Dq dq, int bs, int bytes, int f16_at,
                         int cols = 512, bool bitwise = true) {
    int rows = 13;
    size_t row_bytes = (size_t)cols / bs * bytes;
    std::vector<uint8_t> w(rows * row_bytes);
    fill_weights(w, bytes, f16_at, dq == dq_bf16);
    std::vector<float> x(cols), y(rows), ya(rows, 1.0f);
    for (auto& f : x) f = urand(-1, 1);
    launch({(unsigned)ceil_div(rows, 8)}, {256}, [&] { k(w.data(), x.data(), y.data(), rows, cols); });
    launch({(unsigned)ceil_div(rows, 8)}, {256}, [&] { kadd(w.data(), x.data(), ya.data(), rows, cols); });
    double err = 0;
    std::vector<double> ref(rows), mag(rows);
    for (int r = 0; r < rows; r++) {
        double s = 0, m = 0;
        for (int i = 0; i < cols; i++) { double t = (double)dq(&w[r * row_bytes], i) * x[i]; s += t; m += fabs(t); }
        err = std::max(err, std::max(fabs(s - y[r]), fabs(s + 1 - ya[r])) / (1 + m));
        ref[r] = s; mag[r] = m;
    }
    // Q4_0's single products are staged and its matvec3 is not, so they add in another order: compared
    // with the double products; the others must repeat the matvec bits
    auto same_as = [&](float got, int r) { return bitwise ? got == y[r] : fabs(got - ref[r]) / (1 + mag[r]) < 1e-6; };
    char buf[120]; snprintf(buf, sizeof buf, "%s and _add, 13 x %d: max err / sum|w x| %.1e", name, cols, err);
    check(err < 1e-6, buf);
    for (int third : {6, 0}) {
        if (k3 == nullptr) break;
        std::vector<float> y0(rows, -7.0f), y1(9, -7.0f), y2(6, -7.0f);
        const uint8_t *w1 = &w[3 * row_bytes], *w2 = &w[7 * row_bytes];
        unsigned blocks = ceil_div(rows, 8) + ceil_div(9, 8) + ceil_div(third, 8);
        launch({blocks}, {256}, [&] { k3(w.data(), w1, w2, x.data(), y0.data(), y1.data(), y2.data(), rows, 9, third, cols); });
        bool same = true;
        for (int r = 0; r < rows; r++) same &= same_as(y0[r], r);
        for (int r = 0; r < 9; r++) same &= same_as(y1[r], 3 + r);
        for (int r = 0; r < 6; r++) same &= third ? same_as(y2[r], 7 + r) : y2[r] == -7.0f;
        snprintf(buf, sizeof buf, "matvec3 (%s) of 13, 9 and %d rows equals three matvecs%s", name, third, bitwise ? "" : " (1e-6)");
        check(same, buf);
    }
}

// quantize_q8_f32 against the CPU rule (Q8Activations.quantizeBlock), then the Q8-activation products against
// double sums of the dequantized weights times d * q, and matvec3_q8x against matvec_q8x.
static void test_q8_activations() {
    int cols = 11008, rows = 13;
    std::vector<float> x(cols);
    for (auto& f : x) f = urand(-3, 3);
    for (int i = 0; i < 32; i++) x[64 + i] = 0.0f;  // an all-zero block: d = 0, q = 0
    x[5] = 3.0f; x[6] = -3.0f; x[7] = 1.5f;          // ties of the rounding: away from zero
    std::vector<int8_t> xq(cols);
    std::vector<float> xd(cols / 32);
    std::vector<int> xs(cols / 32);
    launch({(unsigned)ceil_div(cols, 256)}, {256}, [&] { quantize_q8_f32(x.data(), xq.data(), xd.data(), xs.data(), cols); });
    bool exact = true;
    for (int b = 0; b < cols / 32; b++) {
        float amax = 0; for (int j = 0; j < 32; j++) amax = std::max(amax, std::fabs(x[32 * b + j]));
        float d = amax / 127.0f, id = d != 0 ? 1.0f / d : 0.0f;
        int sum = 0;
        for (int j = 0; j < 32; j++) {
            float v = x[32 * b + j] * id;
            int q = (int)(v + (v < 0 ? -0.5f : 0.5f));
            exact &= xq[32 * b + j] == q;
            sum += q;
        }
        exact &= xs[b] == sum && xd[b] == __half2float(__float2half_rn(d));
    }
    check(exact, "quantize_q8_f32 equals Q8Activations.quantizeBlock (q, f16 d, sum)");
    typedef void (*MvqKernel)(const void*, const int8_t*, const float*, const int*, float*, int, int);
    typedef void (*Mvq3Kernel)(const void*, const void*, const void*, const int8_t*, const float*, const int*, float*, float*, float*, int, int, int, int);
    struct Case { const char* name; MvqKernel k, kadd; Mvq3Kernel k3; Dq dq; int bytes; };
    for (Case c : {Case{"matvec_q8x_q8_0", matvec_q8x_q8_0, matvec_q8x_q8_0_add, matvec3_q8x_q8_0, dq_q8_0, 34},
                   Case{"matvec_q8x_q4_0", matvec_q8x_q4_0, matvec_q8x_q4_0_add, matvec3_q8x_q4_0, dq_q4_0, 18}}) {
        size_t row_bytes = (size_t)cols / 32 * c.bytes;
        std::vector<uint8_t> w(rows * row_bytes);
        for (auto& b : w) b = (uint8_t)rng();
        for (size_t b = 0; b < w.size(); b += c.bytes) { uint16_t h = 0x2000 | (rng() & 0x3ff); memcpy(&w[b], &h, 2); }
        std::vector<float> y(rows), ya(rows, 1.0f), y0(rows, -7.0f), y1(9, -7.0f), y2(6, -7.0f);
        launch({(unsigned)ceil_div(rows, 8)}, {256}, [&] { c.k(w.data(), xq.data(), xd.data(), xs.data(), y.data(), rows, cols); });
        launch({(unsigned)ceil_div(rows, 8)}, {256}, [&] { c.kadd(w.data(), xq.data(), xd.data(), xs.data(), ya.data(), rows, cols); });
        launch({(unsigned)(ceil_div(rows, 8) + 2 + 1)}, {256}, [&] {
            c.k3(w.data(), &w[3 * row_bytes], &w[7 * row_bytes], xq.data(), xd.data(), xs.data(), y0.data(), y1.data(), y2.data(), rows, 9, 6, cols); });
        double err = 0;
        for (int r = 0; r < rows; r++) {
            double s = 0, m = 0;
            for (int i = 0; i < cols; i++) { double t = (double)c.dq(&w[r * row_bytes], i) * ((double)xd[i / 32] * xq[i]); s += t; m += fabs(t); }
            err = std::max(err, std::max(fabs(s - y[r]), fabs(s + 1 - ya[r])) / (1 + m));
            err = std::max(err, fabs(s - y0[r]) / (1 + m));
            if (r >= 3 && r < 12) err = std::max(err, fabs(s - y1[r - 3]) / (1 + m));
            if (r >= 7) err = std::max(err, fabs(s - y2[r - 7]) / (1 + m));
        }
        char buf[140];
        snprintf(buf, sizeof buf, "%s, _add and matvec3, 13 x %d: max err / sum|w x| %.1e", c.name, cols, err);
        check(err < 1e-6, buf);
    }
}

static void test_matvec_kernel() {
    // Q4_0 at 512 columns is one or two staged chunks; 11008 (a 7B model's down projection) ends in a short one
    for (int cols : {512, 11008}) {
        check_matvec("matvec_q8_0", matvec_q8_0, matvec_q8_0_add, matvec3_q8_0, dq_q8_0, 32, 34, 0, cols);
        check_matvec("matvec_q4_0", matvec_q4_0, matvec_q4_0_add, matvec3_q4_0, dq_q4_0, 32, 18, 0, cols, false);
    }
    check_matvec("matvec_q4_k", matvec_q4_k, matvec_q4_k_add, nullptr, dq_q4_k, 256, 144, 0);
    check_matvec("matvec_q6_k", matvec_q6_k, matvec_q6_k_add, nullptr, dq_q6_k, 256, 210, 208);
    check_matvec("matvec_q5_k", matvec_q5_k, matvec_q5_k_add, nullptr, dq_q5_k, 256, 176, 0);
    check_matvec("matvec_q4_1", matvec_q4_1, matvec_q4_1_add, nullptr, dq_q4_1, 32, 20, 0);
    check_matvec("matvec_q4_1", matvec_q4_1, matvec_q4_1_add, nullptr, dq_q4_1, 32, 20, 0, 11008);
    check_matvec("matvec_f16", matvec_f16, matvec_f16_add, nullptr, dq_f16, 1, 2, -1);
    check_matvec("matvec_bf16", matvec_bf16, matvec_bf16_add, nullptr, dq_bf16, 1, 2, -1);
    check_matvec("matvec_bf16", matvec_bf16, matvec_bf16_add, nullptr, dq_bf16, 1, 2, -1, 100);  // rows of 100: one value at a time
    check_matvec("matvec_f32", matvec_f32, matvec_f32_add, nullptr, dq_f32, 1, 4, -1);
    typedef void (*EmbedKernel)(const void*, const int*, float*, int, int);
    struct Case { const char* name; EmbedKernel k; Dq dq; int bs, bytes, f16_at; };
    for (Case c : {Case{"embed_q4_k", embed_q4_k, dq_q4_k, 256, 144, 0}, Case{"embed_q5_k", embed_q5_k, dq_q5_k, 256, 176, 0},
                   Case{"embed_q4_1", embed_q4_1, dq_q4_1, 32, 20, 0}, Case{"embed_bf16", embed_bf16, dq_bf16, 1, 2, -1}}) {
        int cols = 512;
        size_t row_bytes = (size_t)cols / c.bs * c.bytes;
        std::vector<uint8_t> w(13 * row_bytes);
        fill_weights(w, c.bytes, c.f16_at, c.dq == dq_bf16);
        std::vector<int> ids = {3, 0, 12};
        std::vector<float> emb(3 * cols);
        launch({(unsigned)ceil_div(cols, 256), 3}, {256}, [&] { c.k(w.data(), ids.data(), emb.data(), cols, 3); });
        bool ok = true;
        for (int t = 0; t < 3; t++) for (int i = 0; i < cols; i++) { float e = c.dq(&w[(size_t)ids[t] * row_bytes], i); ok &= memcmp(&emb[t * cols + i], &e, 4) == 0; }
        char buf[80]; snprintf(buf, sizeof buf, "%s rows ids[] dequantized", c.name);
        check(ok, buf);
    }
}

typedef void (*MmKernel)(const void*, const float*, float*, int, int, int);
// rows 70 and n 67 leave partial 64-tiles in both directions; compares with a double product of the
// exactly dequantized weights and x, both rounded to half as the kernel's tensor-core inputs are.
static void check_matmul(const char* name, MmKernel k, Dq dq, int bs, int bytes, int f16_at, int cols) {
    int rows = 70, n = 67;
    size_t row_bytes = (size_t)cols / bs * bytes;
    std::vector<uint8_t> w(rows * row_bytes);
    fill_weights(w, bytes, f16_at, dq == dq_bf16);
    std::vector<float> x((size_t)n * cols), y((size_t)n * rows, NAN);
    for (auto& f : x) f = urand(-1, 1);
    launch({(unsigned)ceil_div(rows, 64), (unsigned)ceil_div(n, 64)}, {128}, [&] { k(w.data(), x.data(), y.data(), rows, cols, n); });
    double err = 0;
    for (int t = 0; t < n; t++) for (int r = 0; r < rows; r++) {
        double s = 0, m = 0;
        for (int i = 0; i < cols; i++) {
            double p = (double)__half2float(__float2half(dq(&w[r * row_bytes], i))) * __half2float(__float2half(x[(size_t)t * cols + i]));
            s += p; m += fabs(p);
        }
        double e = fabs(s - y[(size_t)t * rows + r]) / (1 + m);
        if (!(e <= err)) err = std::isnan(e) ? INFINITY : e;
    }
    char buf[120]; snprintf(buf, sizeof buf, "%s 70 rows x %d cols x 67 tokens: max err / sum|w x| %.1e", name, cols, err);
    check(err < 1e-6, buf);
}

static void test_matmul() {
    check_matmul("matmul_q8_0", matmul_q8_0, dq_q8_0, 32, 34, 0, 96);
    check_matmul("matmul_q4_0", matmul_q4_0, dq_q4_0, 32, 18, 0, 96);
    check_matmul("matmul_q4_k", matmul_q4_k, dq_q4_k, 256, 144, 0, 512);
    check_matmul("matmul_q6_k", matmul_q6_k, dq_q6_k, 256, 210, 208, 512);
    check_matmul("matmul_q5_k", matmul_q5_k, dq_q5_k, 256, 176, 0, 512);
    check_matmul("matmul_q4_1", matmul_q4_1, dq_q4_1, 32, 20, 0, 96);
    check_matmul("matmul_f16", matmul_f16, dq_f16, 1, 2, -1, 96);
    check_matmul("matmul_bf16", matmul_bf16, dq_bf16, 1, 2, -1, 96);
    check_matmul("matmul_f32", matmul_f32, dq_f32, 1, 4, -1, 96);
}

int main() { setvbuf(stdout, nullptr, _IONBF, 0);
    test_attention(4, 2, 64, 37, 16, 64, 3);
    test_attention(2, 1, 128, 5, 32, 96, 1);
    test_attention(8, 8, 256, 70, 64, 128, 2);
    test_sampling();
    test_norm_rope();
    test_matvec_kernel();
    test_rope_kv_store();
    test_q8_activations();
    test_matmul();
    printf(fails ? "%d FAILED\n" : "all emulated kernel checks passed\n", fails);
    return fails != 0;
}
