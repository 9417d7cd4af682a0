// prelu per element and per block. Element i is in channel (i / inner) mod channels.
// The grid is (channel, chunk): block id = c * chunks + chunk, and chunk k of channel c
// covers the channel's elements m in [k*4096, (k+1)*4096) (m counts that channel's
// elements in memory order), with the tile assignment of map.cuh over m. So forward
// needs no per-element channel lookup, and backward's dslope partial of a block belongs
// to one channel: partials[c * chunks + k], finished by pw_reduce_final_f64. Backward
// without SUM (`paramGrad: false`) writes dx only: the same dx, no term, no tree.
// y = x < 0 ? s*x : x; dx = x > 0 ? dy : s*dy; term = x > 0 ? 0 : x*dy (exact in double,
// so NaN and 0*Inf reach the sum).
#pragma once
#include "map.cuh"

// memory index of the m-th element of channel c
PW_HD u64 pw_prelu_index(u64 m, u64 c, u64 channels, u64 inner) {
  if (channels == 1) return m;
  return (m / inner) * (channels * inner) + c * inner + m % inner;
}

template <bool BACKWARD, bool SUM>
PW_HD void pw_prelu_block(PwBlock& blk, const float* a, const float* x, float* out,
                          const float* slope, u64 n, u64 channels, u64 inner, u64 chunks,
                          double* partials) {
  PW_SHARED double sh[PW_THREADS];
  const u64 c = blk.id / chunks;
  const u64 chunk = blk.id % chunks;
  const u64 per = n / channels;
  const bool vec = (chunk + 1) * PW_TILE <= per && (channels == 1 || inner % 4 == 0) &&
                   pw_aligned16(a) && pw_aligned16(x) && pw_aligned16(out);
  const float s = slope[c];
  blk.each([&](u32 t) {
    double acc = 0.0;
    for (u32 k = 0; k < PW_VECS; k++) {
      const u64 m0 = 4 * pw_vec(chunk, t, k);
      if (vec) {
        const u64 e = pw_prelu_index(m0, c, channels, inner);
        const pw_f4 xv = ((const pw_f4*)x)[e / 4];
        const pw_f4 av = BACKWARD ? ((const pw_f4*)a)[e / 4] : xv;
        const float xs[4] = {xv.x, xv.y, xv.z, xv.w};
        const float as[4] = {av.x, av.y, av.z, av.w};
        float r[4];
        for (u32 l = 0; l < 4; l++) {
          const u32 b = pw_bits(xs[l]);
          if (BACKWARD) {
            const bool pos = pw_gt0(b);
            r[l] = pos ? as[l] : s * as[l];
            if (SUM) acc += pos ? 0.0 : (double)xs[l] * (double)as[l];
          } else {
            r[l] = pw_lt0(b) ? s * xs[l] : xs[l];
          }
        }
        pw_f4 rv;
        rv.x = r[0];
        rv.y = r[1];
        rv.z = r[2];
        rv.w = r[3];
        ((pw_f4*)out)[e / 4] = rv;
      } else {
        for (u32 l = 0; l < 4; l++) {
          const u64 m = m0 + l;
          if (m >= per) break;
          const u64 e = pw_prelu_index(m, c, channels, inner);
          const float xe = x[e];
          const u32 b = pw_bits(xe);
          if (BACKWARD) {
            const float d = a[e];
            const bool pos = pw_gt0(b);
            out[e] = pos ? d : s * d;
            if (SUM) acc += pos ? 0.0 : (double)xe * (double)d;
          } else {
            out[e] = pw_lt0(b) ? s * xe : xe;
          }
        }
      }
    }
    if (SUM) sh[t] = acc;
  });
  if (SUM) pw_block_partial(blk, sh, partials);
}
