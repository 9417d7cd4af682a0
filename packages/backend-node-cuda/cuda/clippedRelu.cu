// Kernels: clippedRelu forward, backward, and backward with the dceiling partial sums
// (one double per tile, finished by pw_reduce_final_f64). `cp` is a device ceiling
// (one float32) or null: use `c`.
#include "clippedRelu.cuh"

PW_KERNEL(pw_clipped_relu_forward,
          (pw_map<false, false>(blk, PwClippedForward{pw_bits(cp ? *cp : c)}, x, x, y, n, nullptr)),
          const float* x, float* y, u64 n, float c, const float* cp)
PW_KERNEL(pw_clipped_relu_backward,
          (pw_map<true, false>(blk, PwClippedBackward{pw_bits(cp ? *cp : c)}, dy, s, dx, n, nullptr)),
          const float* dy, const float* s, float* dx, u64 n, float c, const float* cp)
PW_KERNEL(pw_clipped_relu_backward_sum,
          (pw_map<true, true>(blk, PwClippedBackward{pw_bits(cp ? *cp : c)}, dy, s, dx, n, partials)),
          const float* dy, const float* s, float* dx, u64 n, float c, const float* cp,
          double* partials)
