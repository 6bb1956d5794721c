// Host emulation of CUDA blocks for the checks in this folder: one std::thread per CUDA thread,
// barriers for __syncthreads and warp shuffles, __shared__ as static storage (blocks run one after
// another), and host versions of the few intrinsics the kernels use. Keep blocks small (the kernels
// take blockDim from the launch): a thread per CUDA thread is heavy on a small machine.
// Tensor-core code (matmul.cu) cannot run here.
#include <cstdint>
#include <cstring>
#include <cmath>
#include <barrier>
#include <thread>
#include <vector>
#include <algorithm>
#include <functional>
#include <cuda_fp16.h>
#include <vector_types.h>
#include <vector_functions.h>
#define __launch_bounds__(...)
#include <crt/host_defines.h>
#undef __forceinline__
#define __forceinline__ inline
#undef __shared__
#define __shared__ static
#undef __global__
#define __global__
#define __shfl_xor_sync emu_shfl_xor
#define __ldg emu_ldg
#define __byte_perm emu_byte_perm
#define __uint_as_float emu_uint_as_float
#define __syncthreads emu_syncthreads
struct Dim3E { unsigned x = 0, y = 1, z = 1; };
thread_local Dim3E threadIdx, blockIdx;
Dim3E blockDim, gridDim;
using std::min; using std::max;
static std::barrier<>* g_block_bar;
static std::barrier<>* g_warp_bar[32];
static uint64_t g_slot[32][32];
static inline void __syncthreads() { g_block_bar->arrive_and_wait(); }
#define __syncwarp emu_syncwarp
static inline void __syncwarp(unsigned = 0xffffffffu) { g_warp_bar[threadIdx.x / 32]->arrive_and_wait(); }
template <class T> static T __shfl_xor_sync(unsigned, T v, int o) {
    int w = threadIdx.x / 32, l = threadIdx.x % 32;
    g_warp_bar[w]->arrive_and_wait();
    uint64_t b = 0; memcpy(&b, &v, sizeof(T)); g_slot[w][l] = b;
    g_warp_bar[w]->arrive_and_wait();
    T r; uint64_t rb = g_slot[w][l ^ o]; memcpy(&r, &rb, sizeof(T));
    return r;
}
template <class T> static inline T __ldg(const T* p) { return *p; }
static inline uint32_t __byte_perm(uint32_t x, uint32_t y, uint32_t s) {
    uint8_t b[8]; memcpy(b, &x, 4); memcpy(b + 4, &y, 4);
    uint32_t r = 0;
    for (int i = 0; i < 4; i++) r |= (uint32_t)b[(s >> (4 * i)) & 7] << (8 * i);
    return r;
}
static inline float __uint_as_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline float __fmul_rn(float a, float b) { return a * b; }
static inline float __fsub_rn(float a, float b) { return a - b; }
static inline float __fadd_rn(float a, float b) { return a + b; }
static inline float __fdiv_rn(float a, float b) { return a / b; }
static inline int __float2int_rz(float a) { return (int)a; }
// signed byte dot product of a and b plus c
static inline int __dp4a(int a, int b, int c) {
    for (int i = 0; i < 4; i++) c += (int)(int8_t)(a >> (8 * i)) * (int)(int8_t)(b >> (8 * i));
    return c;
}
// launches kernel body f over grid x block (block threads must be a multiple of 32)
static void launch(Dim3E grid, Dim3E block, std::function<void()> f) {
    gridDim = grid; blockDim = block;
    int nt = block.x;
    for (unsigned by = 0; by < grid.y; by++)
        for (unsigned bx = 0; bx < grid.x; bx++) {
            std::barrier<> bb(nt);
            g_block_bar = &bb;
            for (int w = 0; w < (nt + 31) / 32; w++) { g_warp_bar[w] = new std::barrier<>(std::min(32, nt - 32 * w)); }
            std::vector<std::thread> ts;
            for (int t = 0; t < nt; t++)
                ts.emplace_back([&, t, bx, by] {
                    threadIdx.x = t; blockIdx.x = bx; blockIdx.y = by;
                    f();
                    // a thread that returns early leaves the barriers it would have met
                    g_block_bar->arrive_and_drop();
                    g_warp_bar[t / 32]->arrive_and_drop();
                });
            for (auto& th : ts) th.join();
            for (int w = 0; w < (nt + 31) / 32; w++) delete g_warp_bar[w];
        }
}
