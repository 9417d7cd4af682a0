// Kernel: the final pass of the deterministic sums (dslope, dceiling, dreplacement).
#include "reduce.cuh"

PW_KERNEL(pw_reduce_final_f64, pw_reduce_final(blk, partials, count, out), const double* partials,
          u64 count, float* out)
