// Kernels: leakyRelu forward and backward (see leakyRelu.cuh).
#include "leakyRelu.cuh"

PW_KERNEL(pw_leaky_relu_forward,
          (pw_map<false, false>(blk, PwLeakyForward{alpha}, x, x, y, n, nullptr)), const float* x,
          float* y, u64 n, float alpha)
PW_KERNEL(pw_leaky_relu_backward,
          (pw_map<true, false>(blk, PwLeakyBackward{alpha}, dy, s, dx, n, nullptr)),
          const float* dy, const float* s, float* dx, u64 n, float alpha)
