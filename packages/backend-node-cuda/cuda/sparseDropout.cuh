// Sparse dropout (Caffe2 SparseDropoutWithReplacement) in four integer passes, exact and
// so deterministic in any order:
// 1. decide: thread t of block b owns segments 4*(b*256 + t) .. +3, which is Philox block
//    b*256 + t (segment j uses the dense draw at index j). It writes keep[j], the output
//    length (kept ? len : 1) and the block's totals of input and output lengths.
// 2. scan_blocks (one block): exclusive scan of the block totals; totals[0..1] = sums.
// 3. offsets: per-segment exclusive offsets of input and output (block base + thread
//    prefix + running sum).
// 4. scatter: output element o finds its segment by binary search over the output
//    offsets; it copies the kept id as an opaque 32- or 64-bit word, or the replacement.
#pragma once
#include "philox.cuh"

#define PW_SEGS_PER_BLOCK (PW_THREADS * 4)

PW_HD void pw_sparse_decide_block(PwBlock& blk, const PwDraw& d, const i32* lengths, u64 segments,
                                  u8* keep, i32* outLengths, u64* blockSums) {
  PW_SHARED u64 shIn[PW_THREADS];
  PW_SHARED u64 shOut[PW_THREADS];
  blk.phase([&](u32 t) {
    const u64 q = blk.id * PW_THREADS + t;
    u64 in = 0, out = 0;
    if (4 * q < segments) {
      u32 w[4] = {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu};
      if (d.threshold != 0) pw_draw_words(d, q, w);
      for (u32 l = 0; l < 4; l++) {
        const u64 j = 4 * q + l;
        if (j >= segments) break;
        const bool kept = pw_kept(d, w[l]);
        const i32 len = lengths[j];
        const i32 o = kept ? len : 1;
        keep[j] = kept ? 1 : 0;
        outLengths[j] = o;
        in += (u64)len;
        out += (u64)o;
      }
    }
    shIn[t] = in;
    shOut[t] = out;
  });
  blk.each([&](u32 t) {
    if (t == 0) {
      u64 in = 0, out = 0;
      for (u32 i = 0; i < PW_THREADS; i++) {
        in += shIn[i];
        out += shOut[i];
      }
      blockSums[2 * blk.id] = in;
      blockSums[2 * blk.id + 1] = out;
    }
  });
}

// One block: blockSums (pairs in, out) becomes exclusive offsets; totals = {in, out}.
PW_HD void pw_sparse_scan_blocks_block(PwBlock& blk, u64* blockSums, u64 blocks, u64* totals) {
  PW_SHARED u64 shIn[PW_THREADS];
  PW_SHARED u64 shOut[PW_THREADS];
  const u64 per = (blocks + PW_THREADS - 1) / PW_THREADS;
  blk.phase([&](u32 t) {
    u64 in = 0, out = 0;
    for (u64 j = t * per; j < (t + 1) * per && j < blocks; j++) {
      in += blockSums[2 * j];
      out += blockSums[2 * j + 1];
    }
    shIn[t] = in;
    shOut[t] = out;
  });
  blk.phase([&](u32 t) {
    if (t == 0) {
      u64 in = 0, out = 0;
      for (u32 i = 0; i < PW_THREADS; i++) {
        const u64 a = shIn[i], b = shOut[i];
        shIn[i] = in;
        shOut[i] = out;
        in += a;
        out += b;
      }
      totals[0] = in;
      totals[1] = out;
    }
  });
  blk.each([&](u32 t) {
    u64 in = shIn[t], out = shOut[t];
    for (u64 j = t * per; j < (t + 1) * per && j < blocks; j++) {
      const u64 a = blockSums[2 * j], b = blockSums[2 * j + 1];
      blockSums[2 * j] = in;
      blockSums[2 * j + 1] = out;
      in += a;
      out += b;
    }
  });
}

PW_HD void pw_sparse_offsets_block(PwBlock& blk, const i32* lengths, const i32* outLengths,
                                   const u64* blockSums, u64 segments, u64* inOff, u64* outOff) {
  PW_SHARED u64 shIn[PW_THREADS];
  PW_SHARED u64 shOut[PW_THREADS];
  blk.phase([&](u32 t) {
    u64 in = 0, out = 0;
    for (u32 l = 0; l < 4; l++) {
      const u64 j = 4 * (blk.id * PW_THREADS + t) + l;
      if (j >= segments) break;
      in += (u64)lengths[j];
      out += (u64)outLengths[j];
    }
    shIn[t] = in;
    shOut[t] = out;
  });
  blk.phase([&](u32 t) {
    if (t == 0) {
      u64 in = blockSums[2 * blk.id], out = blockSums[2 * blk.id + 1];
      for (u32 i = 0; i < PW_THREADS; i++) {
        const u64 a = shIn[i], b = shOut[i];
        shIn[i] = in;
        shOut[i] = out;
        in += a;
        out += b;
      }
    }
  });
  blk.each([&](u32 t) {
    u64 in = shIn[t], out = shOut[t];
    for (u32 l = 0; l < 4; l++) {
      const u64 j = 4 * (blk.id * PW_THREADS + t) + l;
      if (j >= segments) break;
      inOff[j] = in;
      outOff[j] = out;
      in += (u64)lengths[j];
      out += (u64)outLengths[j];
    }
  });
}

// Output element o of the tile map (one element per slot: o = b*4096 + k*256 + t, k < 16).
template <class W>
PW_HD void pw_sparse_scatter_block(PwBlock& blk, const W* values, const u64* inOff,
                                   const u64* outOff, const u8* keep, u64 segments, u64 total,
                                   W replacement, W* out) {
  blk.each([&](u32 t) {
    for (u32 k = 0; k < PW_TILE / PW_THREADS; k++) {
      const u64 o = blk.id * PW_TILE + (u64)k * PW_THREADS + t;
      if (o >= total) break;
      // last segment j with outOff[j] <= o (empty kept segments share the next offset)
      u64 lo = 0, hi = segments;
      while (hi - lo > 1) {
        const u64 mid = lo + (hi - lo) / 2;
        if (outOff[mid] <= o) lo = mid;
        else hi = mid;
      }
      out[o] = keep[lo] ? values[inOff[lo] + (o - outOff[lo])] : replacement;
    }
  });
}
