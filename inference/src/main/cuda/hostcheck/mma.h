// Host stand-in for <mma.h> (used only by the host checks, found before the CUDA headers): every thread
// of a warp holds the whole 16x16 fragment and computes it in full, in float from half inputs, which is
// what the tensor cores compute up to the order of the additions.
#pragma once
#include <cuda_fp16.h>
#include <type_traits>

namespace nvcuda {
namespace wmma {
struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };

template <class Use, int M, int N, int K, class T, class Layout = void>
struct fragment {
    float v[16][16];  // (row, col) of the fragment's matrix
};

template <class Use, class T, class Layout>
inline void load_matrix_sync(fragment<Use, 16, 16, 16, T, Layout>& f, const __half* p, unsigned ldm) {
    bool row = std::is_same<Layout, row_major>::value;
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) f.v[i][j] = __half2float(row ? p[i * ldm + j] : p[j * ldm + i]);
}

template <class T>
inline void fill_fragment(fragment<accumulator, 16, 16, 16, T>& f, float x) {
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) f.v[i][j] = x;
}

template <class LA, class LB>
inline void mma_sync(fragment<accumulator, 16, 16, 16, float>& d, const fragment<matrix_a, 16, 16, 16, __half, LA>& a,
                     const fragment<matrix_b, 16, 16, 16, __half, LB>& b, const fragment<accumulator, 16, 16, 16, float>& c) {
    fragment<accumulator, 16, 16, 16, float> r;
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) {
            float s = c.v[i][j];
            for (int k = 0; k < 16; k++) s += a.v[i][k] * b.v[k][j];
            r.v[i][j] = s;
        }
    d = r;
}

inline void store_matrix_sync(float* p, const fragment<accumulator, 16, 16, 16, float>& f, unsigned ldm, layout_t l) {
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) p[l == mem_row_major ? i * ldm + j : j * ldm + i] = f.v[i][j];
}
}  // namespace wmma
}  // namespace nvcuda
