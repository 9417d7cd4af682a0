// Kernels: shiftedRelu forward, backward, and backward with the dthreshold partial sums
// (see shiftedRelu.cuh); `limit` is t from x or +0 from y.
#include "shiftedRelu.cuh"

PW_KERNEL(pw_shifted_relu_forward,
          (pw_map<false, false>(blk, PwShiftedForward{t}, x, x, y, n, nullptr)), const float* x,
          float* y, u64 n, float t)
PW_KERNEL(pw_shifted_relu_backward,
          (pw_map<true, false>(blk, PwShiftedBackward{pw_bits(limit)}, dy, s, dx, n, nullptr)),
          const float* dy, const float* s, float* dx, u64 n, float limit)
PW_KERNEL(pw_shifted_relu_backward_sum,
          (pw_map<true, true>(blk, PwShiftedBackward{pw_bits(limit)}, dy, s, dx, n, partials)),
          const float* dy, const float* s, float* dx, u64 n, float limit, double* partials)
