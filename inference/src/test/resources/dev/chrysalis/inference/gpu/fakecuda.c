/*
 * A stand-in for libcuda.so.1 on machines without a GPU, for FakeDriverBindingsTest: compiled against the
 * real cuda.h, so every function here has the exact prototype (and exported _v2 name) the Java bindings
 * bind to. "Device" memory is host memory; kernels are not run except add_f32 (x[i] += y[i]), executed on
 * the host so launches, argument marshalling and graph capture/replay can be checked end to end. As the
 * real driver, it keeps the current context per OS thread and refuses context calls from a thread that
 * has none bound (CUDA_ERROR_INVALID_CONTEXT).
 */
#include <cuda.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FAKE_TOTAL (16ull << 30)
#define MAX_CAPTURE 64

static size_t allocated;
static int ctx_token;
static int add_token;
static __thread CUcontext current;

#define NEED_CONTEXT() do { if (current != (CUcontext) &ctx_token) return CUDA_ERROR_INVALID_CONTEXT; } while (0)

typedef struct { CUdeviceptr x, y; unsigned n, threads; } add_launch;
typedef struct { int capturing; int count; add_launch launches[MAX_CAPTURE]; } fake_stream;
typedef struct { int count; add_launch launches[MAX_CAPTURE]; } fake_graph;
typedef struct { double ms; } fake_event;
typedef struct { size_t bytes; } alloc_header;

static void run_add(const add_launch *l) {
    float *x = (float *) (uintptr_t) l->x;
    const float *y = (const float *) (uintptr_t) l->y;
    for (unsigned i = 0; i < l->n && i < l->threads; i++) x[i] += y[i];
}

CUresult CUDAAPI cuInit(unsigned int flags) { return flags == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE; }

CUresult CUDAAPI cuGetErrorName(CUresult e, const char **s) {
    switch (e) {
        case CUDA_SUCCESS: *s = "CUDA_SUCCESS"; return CUDA_SUCCESS;
        case CUDA_ERROR_INVALID_VALUE: *s = "CUDA_ERROR_INVALID_VALUE"; return CUDA_SUCCESS;
        case CUDA_ERROR_OUT_OF_MEMORY: *s = "CUDA_ERROR_OUT_OF_MEMORY"; return CUDA_SUCCESS;
        case CUDA_ERROR_INVALID_DEVICE: *s = "CUDA_ERROR_INVALID_DEVICE"; return CUDA_SUCCESS;
        case CUDA_ERROR_INVALID_PTX: *s = "CUDA_ERROR_INVALID_PTX"; return CUDA_SUCCESS;
        case CUDA_ERROR_NOT_FOUND: *s = "CUDA_ERROR_NOT_FOUND"; return CUDA_SUCCESS;
        case CUDA_ERROR_INVALID_CONTEXT: *s = "CUDA_ERROR_INVALID_CONTEXT"; return CUDA_SUCCESS;
        default: *s = NULL; return CUDA_ERROR_INVALID_VALUE;
    }
}

CUresult CUDAAPI cuGetErrorString(CUresult e, const char **s) {
    switch (e) {
        case CUDA_ERROR_OUT_OF_MEMORY: *s = "out of memory"; return CUDA_SUCCESS;
        case CUDA_ERROR_INVALID_PTX: *s = "a PTX JIT compilation failed"; return CUDA_SUCCESS;
        case CUDA_ERROR_NOT_FOUND: *s = "named symbol not found"; return CUDA_SUCCESS;
        case CUDA_ERROR_INVALID_DEVICE: *s = "invalid device ordinal"; return CUDA_SUCCESS;
        case CUDA_ERROR_INVALID_VALUE: *s = "invalid argument"; return CUDA_SUCCESS;
        case CUDA_ERROR_INVALID_CONTEXT: *s = "invalid device context"; return CUDA_SUCCESS;
        default: *s = NULL; return CUDA_ERROR_INVALID_VALUE;
    }
}

CUresult CUDAAPI cuDriverGetVersion(int *v) { *v = 12080; return CUDA_SUCCESS; }
CUresult CUDAAPI cuDeviceGetCount(int *n) { *n = 1; return CUDA_SUCCESS; }

CUresult CUDAAPI cuDeviceGet(CUdevice *d, int ordinal) {
    if (ordinal != 0) return CUDA_ERROR_INVALID_DEVICE;
    *d = 0;
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuDeviceGetName(char *name, int len, CUdevice d) {
    if (d != 0 || len < 1) return CUDA_ERROR_INVALID_VALUE;
    strncpy(name, "Fake GPU", (size_t) len);
    name[len - 1] = 0;
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuDeviceGetAttribute(int *v, CUdevice_attribute a, CUdevice d) {
    if (d != 0) return CUDA_ERROR_INVALID_DEVICE;
    switch (a) {
        case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: *v = 9; return CUDA_SUCCESS;
        case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: *v = 0; return CUDA_SUCCESS;
        case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: *v = 132; return CUDA_SUCCESS;
        case CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE: *v = 2619000; return CUDA_SUCCESS;
        case CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH: *v = 6144; return CUDA_SUCCESS;
        default: return CUDA_ERROR_INVALID_VALUE;
    }
}

CUresult CUDAAPI cuDeviceTotalMem(size_t *bytes, CUdevice d) { *bytes = FAKE_TOTAL; return d == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE; }
CUresult CUDAAPI cuDevicePrimaryCtxRetain(CUcontext *c, CUdevice d) { *c = (CUcontext) &ctx_token; return d == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE; }
CUresult CUDAAPI cuDevicePrimaryCtxRelease(CUdevice d) { return d == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE; }

CUresult CUDAAPI cuCtxSetCurrent(CUcontext c) {
    if (c != NULL && c != (CUcontext) &ctx_token) return CUDA_ERROR_INVALID_VALUE;
    current = c;  /* NULL unbinds, as in the real driver */
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuCtxSynchronize(void) { NEED_CONTEXT(); return CUDA_SUCCESS; }

CUresult CUDAAPI cuModuleLoadDataEx(CUmodule *m, const void *image, unsigned int n, CUjit_option *options, void **values) {
    NEED_CONTEXT();
    if (strstr((const char *) image, ".target") == NULL) return CUDA_ERROR_INVALID_VALUE;
    if (strstr((const char *) image, "bogus_instruction_xyz") != NULL) {
        char *log = NULL;
        size_t size = 0;
        for (unsigned i = 0; i < n; i++) {
            if (options[i] == CU_JIT_ERROR_LOG_BUFFER) log = (char *) values[i];
            if (options[i] == CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES) size = (size_t) (uintptr_t) values[i];
        }
        if (log != NULL && size > 0) {
            strncpy(log, "ptxas application ptx input, line 8; error   : Not a name of any known instruction: 'bogus_instruction_xyz'", size);
            log[size - 1] = 0;
        }
        return CUDA_ERROR_INVALID_PTX;
    }
    *m = (CUmodule) malloc(16);
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuModuleUnload(CUmodule m) { NEED_CONTEXT(); free(m); return CUDA_SUCCESS; }

CUresult CUDAAPI cuModuleGetFunction(CUfunction *f, CUmodule m, const char *name) {
    NEED_CONTEXT();
    if (m == NULL) return CUDA_ERROR_INVALID_VALUE;
    if (strcmp(name, "add_f32") == 0) { *f = (CUfunction) &add_token; return CUDA_SUCCESS; }
    *f = (CUfunction) m;  /* any other kernel of the module: accepted, never run */
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuMemGetInfo(size_t *free_bytes, size_t *total) { NEED_CONTEXT(); *free_bytes = FAKE_TOTAL - allocated; *total = FAKE_TOTAL; return CUDA_SUCCESS; }

CUresult CUDAAPI cuMemAlloc(CUdeviceptr *p, size_t bytes) {
    NEED_CONTEXT();
    if (bytes == 0) return CUDA_ERROR_INVALID_VALUE;
    if (bytes > FAKE_TOTAL - allocated) return CUDA_ERROR_OUT_OF_MEMORY;
    alloc_header *h = malloc(sizeof(alloc_header) + 256 + bytes);
    if (h == NULL) return CUDA_ERROR_OUT_OF_MEMORY;
    h->bytes = bytes;
    /* memory no kernel wrote reads as NaN floats and -1 ints, every run, instead of whatever malloc left */
    memset((char *) h + 256, 0xFF, bytes);
    allocated += bytes;
    *p = (CUdeviceptr) (uintptr_t) ((char *) h + 256);
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuMemFree(CUdeviceptr p) {
    NEED_CONTEXT();
    alloc_header *h = (alloc_header *) ((char *) (uintptr_t) p - 256);
    allocated -= h->bytes;
    free(h);
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuMemHostAlloc(void **p, size_t bytes, unsigned int flags) { NEED_CONTEXT(); *p = malloc(bytes); return *p && flags == 0 ? CUDA_SUCCESS : CUDA_ERROR_OUT_OF_MEMORY; }
CUresult CUDAAPI cuMemFreeHost(void *p) { NEED_CONTEXT(); free(p); return CUDA_SUCCESS; }

CUresult CUDAAPI cuMemcpyHtoDAsync(CUdeviceptr dst, const void *src, size_t n, CUstream s) {
    NEED_CONTEXT();
    if (s == NULL) return CUDA_ERROR_INVALID_VALUE;
    memcpy((void *) (uintptr_t) dst, src, n);
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuMemcpyDtoHAsync(void *dst, CUdeviceptr src, size_t n, CUstream s) {
    NEED_CONTEXT();
    if (s == NULL) return CUDA_ERROR_INVALID_VALUE;
    memcpy(dst, (const void *) (uintptr_t) src, n);
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuMemcpyDtoDAsync(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream s) {
    NEED_CONTEXT();
    if (s == NULL) return CUDA_ERROR_INVALID_VALUE;
    memmove((void *) (uintptr_t) dst, (const void *) (uintptr_t) src, n);
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuMemsetD32Async(CUdeviceptr dst, unsigned int v, size_t n, CUstream s) {
    NEED_CONTEXT();
    if (s == NULL) return CUDA_ERROR_INVALID_VALUE;
    unsigned int *p = (unsigned int *) (uintptr_t) dst;
    for (size_t i = 0; i < n; i++) p[i] = v;
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuStreamCreate(CUstream *s, unsigned int flags) {
    NEED_CONTEXT();
    if (flags != CU_STREAM_NON_BLOCKING) return CUDA_ERROR_INVALID_VALUE;
    *s = (CUstream) calloc(1, sizeof(fake_stream));
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuStreamDestroy(CUstream s) { NEED_CONTEXT(); free(s); return CUDA_SUCCESS; }
CUresult CUDAAPI cuStreamSynchronize(CUstream s) { NEED_CONTEXT(); return ((fake_stream *) s)->capturing ? CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED : CUDA_SUCCESS; }

CUresult CUDAAPI cuStreamBeginCapture(CUstream s, CUstreamCaptureMode mode) {
    NEED_CONTEXT();
    fake_stream *f = (fake_stream *) s;
    if (mode != CU_STREAM_CAPTURE_MODE_THREAD_LOCAL || f->capturing) return CUDA_ERROR_INVALID_VALUE;
    f->capturing = 1;
    f->count = 0;
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuStreamEndCapture(CUstream s, CUgraph *g) {
    NEED_CONTEXT();
    fake_stream *f = (fake_stream *) s;
    if (!f->capturing) return CUDA_ERROR_INVALID_VALUE;
    fake_graph *graph = malloc(sizeof(fake_graph));
    graph->count = f->count;
    memcpy(graph->launches, f->launches, sizeof(add_launch) * (size_t) f->count);
    f->capturing = 0;
    *g = (CUgraph) graph;
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuGraphInstantiate(CUgraphExec *e, CUgraph g, unsigned long long flags) {
    NEED_CONTEXT();
    if (flags != 0) return CUDA_ERROR_INVALID_VALUE;
    fake_graph *copy = malloc(sizeof(fake_graph));
    memcpy(copy, g, sizeof(fake_graph));
    *e = (CUgraphExec) copy;
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuGraphLaunch(CUgraphExec e, CUstream s) {
    NEED_CONTEXT();
    const fake_graph *g = (const fake_graph *) e;
    if (s == NULL) return CUDA_ERROR_INVALID_VALUE;
    for (int i = 0; i < g->count; i++) run_add(&g->launches[i]);
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuGraphExecDestroy(CUgraphExec e) { NEED_CONTEXT(); free(e); return CUDA_SUCCESS; }
CUresult CUDAAPI cuGraphDestroy(CUgraph g) { NEED_CONTEXT(); free(g); return CUDA_SUCCESS; }

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

CUresult CUDAAPI cuEventCreate(CUevent *e, unsigned int flags) { NEED_CONTEXT(); *e = (CUevent) calloc(1, sizeof(fake_event)); return flags == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE; }
CUresult CUDAAPI cuEventRecord(CUevent e, CUstream s) { NEED_CONTEXT(); ((fake_event *) e)->ms = now_ms(); return s ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE; }
CUresult CUDAAPI cuEventSynchronize(CUevent e) { NEED_CONTEXT(); return e ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE; }
CUresult CUDAAPI cuEventDestroy(CUevent e) { NEED_CONTEXT(); free(e); return CUDA_SUCCESS; }

CUresult CUDAAPI cuEventElapsedTime(float *ms, CUevent start, CUevent end) {
    NEED_CONTEXT();
    *ms = (float) (((fake_event *) end)->ms - ((fake_event *) start)->ms);
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuLaunchKernel(CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by,
                                unsigned int bz, unsigned int shared, CUstream s, void **params, void **extra) {
    NEED_CONTEXT();
    if (s == NULL || params == NULL || extra != NULL || gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0 || bx * by * bz > 1024) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (f != (CUfunction) &add_token) return CUDA_SUCCESS;
    add_launch l = { *(CUdeviceptr *) params[0], *(CUdeviceptr *) params[1], *(unsigned *) params[2], gx * bx };
    (void) shared;
    fake_stream *fs = (fake_stream *) s;
    if (fs->capturing) {
        if (fs->count == MAX_CAPTURE) return CUDA_ERROR_OUT_OF_MEMORY;
        fs->launches[fs->count++] = l;
    } else {
        run_add(&l);
    }
    return CUDA_SUCCESS;
}
