// Kernels: shiftedRelu forward, backward, and backward with the dthreshold partial sums
// (see shiftedRelu.cuh); `limit` is t from x or +0 from y. `tp` is a device threshold
// (one float32, from x only) or null: use `t` / `limit`.
#include "shiftedRelu.cuh"

PW_KERNEL(pw_shifted_relu_forward,
          (pw_map<false, false>(blk, PwShiftedForward{tp ? *tp : t}, x, x, y, n, nullptr)),
          const float* x, float* y, u64 n, float t, const float* tp)
PW_KERNEL(pw_shifted_relu_backward,
          (pw_map<true, false>(blk, PwShiftedBackward{pw_bits(tp ? *tp : limit)}, dy, s, dx, n,
                               nullptr)),
          const float* dy, const float* s, float* dx, u64 n, float limit, const float* tp)
PW_KERNEL(pw_shifted_relu_backward_sum,
          (pw_map<true, true>(blk, PwShiftedBackward{pw_bits(tp ? *tp : limit)}, dy, s, dx, n,
                              partials)),
          const float* dy, const float* s, float* dx, u64 n, float limit, const float* tp,
          double* partials)
