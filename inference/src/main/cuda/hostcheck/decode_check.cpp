// Decoding checks: for random blocks of every weight type, the matmul tile dequantizer equals the
// element dequantizer (the embedding path), and the matvec lane decomposition (8 warps x 32 lanes) sums to the dot product
// of the dequantized row. Writes exact.bin for DequantizeCompare.java, which checks the element
// dequantizer against dev.chrysalis.inference.tensor.Dequantize bit for bit.
#include "emu.h"
#include "matvec.cu"
#include "tile_dequant.cuh"
#include <cstdio>
#include <random>
#include <vector>
static std::mt19937_64 rng(12345);
static uint16_t rand_half(bool allow_special) {
    for (;;) {
        uint16_t h = (uint16_t)rng();
        int e = (h >> 10) & 31;
        if (e == 31 && !allow_special) continue;
        return h;
    }
}
template <class MV, class MM>
static int run(const char* name, int BS, int BYTES, float (*dq)(const uint8_t*, int), int nblocks, FILE* out,
               int type_id, void (*fill)(uint8_t*)) {
    std::vector<uint8_t> row((size_t)nblocks * BYTES);
    for (int b = 0; b < nblocks; b++) fill(&row[(size_t)b * BYTES]);
    int cols = nblocks * BS;
    std::vector<float> e(cols), t(cols), x(cols);
    for (int i = 0; i < cols; i++) e[i] = dq(row.data(), i);
    int bad = 0;
    for (int k0 = 0; k0 < cols; k0 += 32)
        for (int hf = 0; hf < 2; hf++) {
            typename MM::Raw r; MM::load(row.data(), k0, hf, r); float o[16]; MM::dq(r, o);
            for (int i = 0; i < 16; i++) t[k0 + 16 * hf + i] = o[i];
        }
    for (int i = 0; i < cols; i++) if (memcmp(&t[i], &e[i], 4) != 0) { if (bad++ < 5) printf("%s tile/elem differ at %d: %g vs %g\n", name, i, t[i], e[i]); }
    std::uniform_real_distribution<float> u(-1, 1);
    for (int i = 0; i < cols; i++) x[i] = u(rng);
    double ref = 0, mag = 0;
    for (int i = 0; i < cols; i++) { ref += (double)e[i] * x[i]; mag += fabs((double)e[i] * x[i]); }
    double got = 0;
    for (int wp = 0; wp < MV_WARPS; wp++)
        for (int lane = 0; lane < 32; lane++) {
            float a[MV_ROWS] = {0.0f};
            mv_lane_sums<MV, XFloat<true>, 1>(row.data(), row.size(), XFloat<true>{x.data()}, cols, wp, lane, a);
            got += a[0];
        }
    double rel = fabs(got - ref) / (mag > 0 ? mag : 1);
    printf("%-5s %d blocks: tile==elem %s, matvec %.9g vs %.9g (err/sum|w x| %.2e)\n", name, nblocks, bad ? "NO" : "yes", got, ref, rel);
    if (rel > 1e-5) bad++;
    fwrite(&type_id, 4, 1, out); fwrite(&nblocks, 4, 1, out);
    fwrite(row.data(), 1, row.size(), out); fwrite(e.data(), 4, cols, out);
    return bad;
}
static void fill_bytes(uint8_t* p, int n) { for (int i = 0; i < n; i++) p[i] = (uint8_t)rng(); }
static void f_q8(uint8_t* p) { uint16_t h = rand_half(false); memcpy(p, &h, 2); fill_bytes(p + 2, 32); }
static void f_q4(uint8_t* p) { uint16_t h = rand_half(false); memcpy(p, &h, 2); fill_bytes(p + 2, 16); }
static void f_q4k(uint8_t* p) { uint16_t h = rand_half(false), m = rand_half(false); memcpy(p, &h, 2); memcpy(p + 2, &m, 2); fill_bytes(p + 4, 140); }
static void f_q6k(uint8_t* p) { fill_bytes(p, 208); uint16_t h = rand_half(false); memcpy(p + 208, &h, 2); }
static void f_q41(uint8_t* p) { uint16_t h = rand_half(false), m = rand_half(false); memcpy(p, &h, 2); memcpy(p + 2, &m, 2); fill_bytes(p + 4, 16); }
static void f_q5k(uint8_t* p) { uint16_t h = rand_half(false), m = rand_half(false); memcpy(p, &h, 2); memcpy(p + 2, &m, 2); fill_bytes(p + 4, 172); }
static void f_bf16(uint8_t* p) {
    for (int i = 0; i < 8; i++) {
        uint16_t h;
        do h = (uint16_t)rng(); while (((h >> 7) & 0xFF) == 0xFF);  // no infinities or NaNs
        memcpy(p + 2 * i, &h, 2);
    }
}
static void f_f16(uint8_t* p) { for (int i = 0; i < 8; i++) { uint16_t h = rand_half(false); memcpy(p + 2 * i, &h, 2); } }
int main() {
    FILE* out = fopen("exact.bin", "wb");
    int bad = 0;
    // type ids as GGML: F16 1, Q4_0 2, Q4_1 3, Q8_0 8, Q4_K 12, Q5_K 13, Q6_K 14, BF16 30
    bad += run<MvQ8_0, MmQ8_0>("q8_0", 32, 34, dq_q8_0, 40, out, 8, f_q8);
    bad += run<MvQ4_0, MmQ4_0>("q4_0", 32, 18, dq_q4_0, 72, out, 2, f_q4);
    bad += run<MvQ4_1, MmQ4_1>("q4_1", 32, 20, dq_q4_1, 72, out, 3, f_q41);
    bad += run<MvQ4_K<false>, MmQ4_K>("q4_k", 256, 144, dq_q4_k, 9, out, 12, f_q4k);
    bad += run<MvQ4_K<true>, MmQ4_K>("q4_kA", 256, 144, dq_q4_k, 9, out, 12, f_q4k);
    bad += run<MvQ5_K<false>, MmQ5_K>("q5_k", 256, 176, dq_q5_k, 9, out, 13, f_q5k);
    bad += run<MvQ5_K<true>, MmQ5_K>("q5_kA", 256, 176, dq_q5_k, 9, out, 13, f_q5k);
    bad += run<MvQ6_K, MmQ6_K>("q6_k", 256, 210, dq_q6_k, 7, out, 14, f_q6k);
    bad += run<MvF16x8, MmF16>("f16", 8, 16, dq_f16, 100, out, 1, f_f16);
    bad += run<MvBF16x8, MmBF16>("bf16", 8, 16, dq_bf16, 100, out, 30, f_bf16);
    fclose(out);
    printf(bad ? "FAILED\n" : "all host checks passed\n");
    return bad != 0;
}
