// The tile map every element-wise kernel uses, and the fixed reduction tree. A tile is
// 4096 elements: thread t of block b owns float4 vectors b*1024 + k*256 + t (k < 4), so
// loads are coalesced. Full tiles with 16-byte aligned pointers load float4s; the rest
// run the same element-to-thread assignment one element at a time, so a sum's order (and
// its bits) does not depend on the path. Sums accumulate in double: per thread in a fixed
// order, then a pairwise tree over the block's 256 partials, then pw_reduce_final.
#pragma once
#include "pointwise.cuh"

// float4 index of vector k of thread t in block b
PW_HD u64 pw_vec(u64 b, u32 t, u32 k) { return b * (PW_TILE / 4) + (u64)k * PW_THREADS + t; }

// The pairwise tree over sh[0..255] (sh written in a phase): level s adds sh[t + s] into
// sh[t] for t < s, s = 128, 64, .., 1. The result is in sh[0].
PW_HD void pw_tree(PwBlock& blk, double* sh) {
  for (u32 s = PW_THREADS / 2; s > 0; s >>= 1) {
    blk.phase([&](u32 t) {
      if (t < s) sh[t] += sh[t + s];
    });
  }
}

// A block's sum into partials[block]: a barrier after the phase that wrote sh, the tree,
// then thread 0 stores sh[0]. Every summing kernel ends this way.
PW_HD void pw_block_partial(PwBlock& blk, double* sh, double* partials) {
  blk.phase([&](u32) {});
  pw_tree(blk, sh);
  blk.each([&](u32 t) {
    if (t == 0) partials[blk.id] = sh[0];
  });
}

// Element-wise map over one tile: out[i] = op(i, a[i], b[i]) (b unused when !BINARY).
// With SUM, op also adds element i's term into `acc`, and partials[block] gets the
// block's sum. Op: PW_HD float operator()(u64 i, float a, float b, double& acc) const.
// out may alias a or b: each thread loads all its vectors before storing any.
template <bool BINARY, bool SUM, class Op>
PW_HD void pw_map(PwBlock& blk, const Op& op, const float* a, const float* b, float* out, u64 n,
                  double* partials) {
  PW_SHARED double sh[PW_THREADS];
  const bool vec = (blk.id + 1) * PW_TILE <= n && pw_aligned16(a) && pw_aligned16(out) &&
                   (!BINARY || pw_aligned16(b));
  blk.each([&](u32 t) {
    double acc = 0.0;
    if (vec) {
      pw_f4 av[PW_VECS];
      pw_f4 bv[PW_VECS];
      for (u32 k = 0; k < PW_VECS; k++) {
        const u64 v = pw_vec(blk.id, t, k);
        av[k] = ((const pw_f4*)a)[v];
        if (BINARY) bv[k] = ((const pw_f4*)b)[v];
      }
      for (u32 k = 0; k < PW_VECS; k++) {
        const u64 i = 4 * pw_vec(blk.id, t, k);
        if (!BINARY) bv[k] = av[k];
        pw_f4 r;
        r.x = op(i, av[k].x, bv[k].x, acc);
        r.y = op(i + 1, av[k].y, bv[k].y, acc);
        r.z = op(i + 2, av[k].z, bv[k].z, acc);
        r.w = op(i + 3, av[k].w, bv[k].w, acc);
        ((pw_f4*)out)[i / 4] = r;
      }
    } else {
      for (u32 k = 0; k < PW_VECS; k++) {
        const u64 i0 = 4 * pw_vec(blk.id, t, k);
        for (u32 l = 0; l < 4; l++) {
          const u64 i = i0 + l;
          if (i < n) {
            const float av = a[i];
            const float bv = BINARY ? b[i] : av;
            out[i] = op(i, av, bv, acc);
          }
        }
      }
    }
    if (SUM) sh[t] = acc;
  });
  if (SUM) pw_block_partial(blk, sh, partials);
}
