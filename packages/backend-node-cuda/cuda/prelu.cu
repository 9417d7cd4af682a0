// Kernels: prelu forward, backward (dx only: `paramGrad: false`), and backward with the
// dslope partial sums (see prelu.cuh).
#include "prelu.cuh"

PW_KERNEL(pw_prelu_forward,
          (pw_prelu_block<false, false>(blk, x, x, y, slope, n, channels, inner, chunks, nullptr)),
          const float* x, float* y, const float* slope, u64 n, u64 channels, u64 inner,
          u64 chunks)
PW_KERNEL(pw_prelu_backward,
          (pw_prelu_block<true, false>(blk, dy, x, dx, slope, n, channels, inner, chunks,
                                       nullptr)),
          const float* dy, const float* x, float* dx, const float* slope, u64 n, u64 channels,
          u64 inner, u64 chunks)
PW_KERNEL(pw_prelu_backward_sum,
          (pw_prelu_block<true, true>(blk, dy, x, dx, slope, n, channels, inner, chunks,
                                      partials)),
          const float* dy, const float* x, float* dx, const float* slope, u64 n, u64 channels,
          u64 inner, u64 chunks, double* partials)
