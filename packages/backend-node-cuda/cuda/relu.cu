// Kernels: relu forward and backward (see relu.cuh).
#include "relu.cuh"

PW_KERNEL(pw_relu_forward, (pw_map<false, false>(blk, PwReluForward{}, x, x, y, n, nullptr)),
          const float* x, float* y, u64 n)
PW_KERNEL(pw_relu_backward, (pw_map<true, false>(blk, PwReluBackward{}, dy, s, dx, n, nullptr)),
          const float* dy, const float* s, float* dx, u64 n)
