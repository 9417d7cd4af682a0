// Kernels: elu forward and backward from x or y (see elu.cuh).
#include "elu.cuh"

PW_KERNEL(pw_elu_forward, (pw_map<false, false>(blk, PwEluForward{alpha}, x, x, y, n, nullptr)),
          const float* x, float* y, u64 n, float alpha)
PW_KERNEL(pw_elu_backward,
          (pw_map<true, false>(blk, PwEluBackward{alpha, fromY}, dy, s, dx, n, nullptr)),
          const float* dy, const float* s, float* dx, u64 n, float alpha, u32 fromY)
