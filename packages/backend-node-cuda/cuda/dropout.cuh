// Dense dropout per tile. Float4 vector v of the tile map holds elements 4v .. 4v+3,
// which is exactly Philox block v: one Philox call per vector, whatever the geometry.
// forward: y = kept ? (scaled ? x*scale : x) : replacement; mask byte = kept.
// backward: dx = kept ? (scaled ? dy*scale : dy) : +0, kept from the mask (nonzero) or
// regenerated; the dreplacement term is dy for dropped elements (tree-summed with SUM;
// without it, `paramGrad: false`, dx only: the same dx, no tree, no partials).
#pragma once
#include "map.cuh"
#include "philox.cuh"

struct PwDropoutArgs {
  PwDraw draw;
  u32 scaled;
  float scale;
  float replacement;
};

PW_HD float pw_dropout_y(const PwDropoutArgs& a, bool kept, float x) {
  return kept ? (a.scaled ? x * a.scale : x) : a.replacement;
}

PW_HD float pw_dropout_dx(const PwDropoutArgs& a, bool kept, float dy, double& acc) {
  if (!kept) acc += (double)dy;
  return kept ? (a.scaled ? dy * a.scale : dy) : pw_float(0u);
}

PW_HD void pw_dropout_forward_block(PwBlock& blk, const PwDropoutArgs& a, const float* x,
                                    float* y, u8* mask, u64 n) {
  const bool vec = (blk.id + 1) * PW_TILE <= n && pw_aligned16(x) && pw_aligned16(y) &&
                   ((u64)mask & 3u) == 0;
  blk.each([&](u32 t) {
    for (u32 k = 0; k < PW_VECS; k++) {
      const u64 v = pw_vec(blk.id, t, k);
      if (4 * v >= n) break;
      u32 w[4] = {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu};
      if (a.draw.threshold != 0) pw_draw_words(a.draw, v, w);
      if (vec) {
        const pw_f4 xv = ((const pw_f4*)x)[v];
        const bool k0 = pw_kept(a.draw, w[0]), k1 = pw_kept(a.draw, w[1]);
        const bool k2 = pw_kept(a.draw, w[2]), k3 = pw_kept(a.draw, w[3]);
        pw_f4 r;
        r.x = pw_dropout_y(a, k0, xv.x);
        r.y = pw_dropout_y(a, k1, xv.y);
        r.z = pw_dropout_y(a, k2, xv.z);
        r.w = pw_dropout_y(a, k3, xv.w);
        ((pw_f4*)y)[v] = r;
        if (mask) ((u32*)mask)[v] = (u32)k0 | ((u32)k1 << 8) | ((u32)k2 << 16) | ((u32)k3 << 24);
      } else {
        for (u32 l = 0; l < 4; l++) {
          const u64 i = 4 * v + l;
          if (i >= n) break;
          const bool kept = pw_kept(a.draw, w[l]);
          y[i] = pw_dropout_y(a, kept, x[i]);
          if (mask) mask[i] = kept ? 1 : 0;
        }
      }
    }
  });
}

template <bool SUM>
PW_HD void pw_dropout_backward_block(PwBlock& blk, const PwDropoutArgs& a, const float* dy,
                                     const u8* mask, float* dx, u64 n, double* partials) {
  PW_SHARED double sh[PW_THREADS];
  const bool vec = (blk.id + 1) * PW_TILE <= n && pw_aligned16(dy) && pw_aligned16(dx) &&
                   ((u64)mask & 3u) == 0;
  blk.each([&](u32 t) {
    double acc = 0.0;
    for (u32 k = 0; k < PW_VECS; k++) {
      const u64 v = pw_vec(blk.id, t, k);
      if (4 * v >= n) break;
      bool kept[4];
      if (mask) {
        if (vec) {
          const u32 m = ((const u32*)mask)[v];
          for (u32 l = 0; l < 4; l++) kept[l] = ((m >> (8 * l)) & 0xffu) != 0;
        } else {
          for (u32 l = 0; l < 4; l++) kept[l] = 4 * v + l < n && mask[4 * v + l] != 0;
        }
      } else {
        u32 w[4] = {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu};
        if (a.draw.threshold != 0) pw_draw_words(a.draw, v, w);
        for (u32 l = 0; l < 4; l++) kept[l] = pw_kept(a.draw, w[l]);
      }
      if (vec) {
        const pw_f4 g = ((const pw_f4*)dy)[v];
        pw_f4 r;
        r.x = pw_dropout_dx(a, kept[0], g.x, acc);
        r.y = pw_dropout_dx(a, kept[1], g.y, acc);
        r.z = pw_dropout_dx(a, kept[2], g.z, acc);
        r.w = pw_dropout_dx(a, kept[3], g.w, acc);
        ((pw_f4*)dx)[v] = r;
      } else {
        for (u32 l = 0; l < 4; l++) {
          const u64 i = 4 * v + l;
          if (i >= n) break;
          dx[i] = pw_dropout_dx(a, kept[l], dy[i], acc);
        }
      }
    }
    if (SUM) sh[t] = acc;
  });
  if (SUM) pw_block_partial(blk, sh, partials);
}
