// Philox4x32-10 (PyTorch's PhiloxRNGEngine: multipliers 0xD2511F53, 0xCD9E8D57, key
// increments 0x9E3779B9, 0xBB67AE85) and SPEC's dropout draw: element i uses counter
// (i/4 lo, i/4 hi, stream lo, stream hi), key (seed lo, seed hi), word i mod 4, and is
// dropped iff (word >> 8) < threshold. Counters are element indices, never thread ids.
#pragma once
#include "pointwise.cuh"

struct PwDraw {
  u32 threshold, seedLo, seedHi, streamLo, streamHi;
};

PW_HD void pw_philox(u32 c0, u32 c1, u32 c2, u32 c3, u32 k0, u32 k1, u32 out[4]) {
  for (int round = 0; round < 10; round++) {
    const u32 hi0 = pw_mulhi(0xD2511F53u, c0);
    const u32 lo0 = 0xD2511F53u * c0;
    const u32 hi1 = pw_mulhi(0xCD9E8D57u, c2);
    const u32 lo1 = 0xCD9E8D57u * c2;
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

// The four words of Philox block `block` (elements 4*block .. 4*block+3).
PW_HD void pw_draw_words(const PwDraw& d, u64 block, u32 w[4]) {
  pw_philox((u32)block, (u32)(block >> 32), d.streamLo, d.streamHi, d.seedLo, d.seedHi, w);
}

PW_HD bool pw_kept(const PwDraw& d, u32 word) { return (word >> 8) >= d.threshold; }
