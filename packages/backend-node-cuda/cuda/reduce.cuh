// The second pass of every parameter-gradient sum: block c adds partials[c*count ..
// c*count + count) in a fixed order (thread t takes t, t+256, .. in turn), runs the same
// pairwise tree, and writes the float32 rounding of the double sum to out[c].
#pragma once
#include "map.cuh"

PW_HD void pw_reduce_final(PwBlock& blk, const double* partials, u64 count, float* out) {
  PW_SHARED double sh[PW_THREADS];
  blk.phase([&](u32 t) {
    double acc = 0.0;
    const double* p = partials + blk.id * count;
    for (u64 j = t; j < count; j += PW_THREADS) acc += p[j];
    sh[t] = acc;
  });
  pw_tree(blk, sh);
  blk.each([&](u32 t) {
    if (t == 0) out[blk.id] = (float)sh[0];
  });
}
