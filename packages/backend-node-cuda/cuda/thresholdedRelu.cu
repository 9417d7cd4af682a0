// Kernels: thresholdedRelu forward and backward (see thresholdedRelu.cuh).
#include "thresholdedRelu.cuh"

PW_KERNEL(pw_thresholded_relu_forward,
          (pw_map<false, false>(blk, PwThresholdedForward{pw_bits(alpha)}, x, x, y, n, nullptr)),
          const float* x, float* y, u64 n, float alpha)
PW_KERNEL(pw_thresholded_relu_backward,
          (pw_map<true, false>(blk, PwThresholdedBackward{pw_bits(alpha)}, dy, s, dx, n, nullptr)),
          const float* dy, const float* s, float* dx, u64 n, float alpha)
