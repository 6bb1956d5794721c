// The one translation unit of the Chrysalis GPU kernels (see KERNELS.md): nvcc -ptx compiles this file.
#include "matvec.cu"
#include "matmul.cu"
#include "elementwise.cu"
#include "attention.cu"
#include "sampling.cu"
#include "embed.cu"
