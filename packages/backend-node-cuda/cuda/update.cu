// Kernels: the fused SGD step, in place on param (see update.cuh).
#include "update.cuh"

PW_KERNEL(pw_sgd_step, (pw_map<true, false>(blk, PwSgdStep{lr}, param, grad, param, n, nullptr)),
          float* param, const float* grad, u64 n, float lr)
