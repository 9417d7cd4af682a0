// Kernels: dense dropout forward (y and optional mask), backward (dx only: `paramGrad:
// false`) and backward with the dreplacement partial sums, from the mask or regenerated
// (see dropout.cuh). `rp` is a device replacement (one float32) or null: use `replacement`.
#include "dropout.cuh"

PW_KERNEL(pw_dropout_forward,
          (pw_dropout_forward_block(
              blk, PwDropoutArgs{{threshold, seedLo, seedHi, streamLo, streamHi}, scaled, scale,
                                 rp ? *rp : replacement},
              x, y, mask, n)),
          const float* x, float* y, u8* mask, u64 n, u32 threshold, u32 seedLo, u32 seedHi,
          u32 streamLo, u32 streamHi, u32 scaled, float scale, float replacement,
          const float* rp)
PW_KERNEL(pw_dropout_backward,
          (pw_dropout_backward_block<false>(
              blk, PwDropoutArgs{{threshold, seedLo, seedHi, streamLo, streamHi}, scaled, scale, 0.0f},
              dy, mask, dx, n, nullptr)),
          const float* dy, const u8* mask, float* dx, u64 n, u32 threshold, u32 seedLo,
          u32 seedHi, u32 streamLo, u32 streamHi, u32 scaled, float scale)
PW_KERNEL(pw_dropout_backward_sum,
          (pw_dropout_backward_block<true>(
              blk, PwDropoutArgs{{threshold, seedLo, seedHi, streamLo, streamHi}, scaled, scale, 0.0f},
              dy, mask, dx, n, partials)),
          const float* dy, const u8* mask, float* dx, u64 n, u32 threshold, u32 seedLo,
          u32 seedHi, u32 streamLo, u32 streamHi, u32 scaled, float scale, double* partials)
