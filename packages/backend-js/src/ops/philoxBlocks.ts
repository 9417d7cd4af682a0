// Philox4x32-10 for the js kernels: fills the keep mask (1 = kept) of a whole
// tensor block by block, with the mulhi done on 16-bit halves so everything
// stays in exact small-integer arithmetic. Bit-identical to core's reference.

import type { DropoutDraw } from '@pointwise/core';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const M0_LO = M0 & 0xffff;
const M0_HI = M0 >>> 16;
const M1_LO = M1 & 0xffff;
const M1_HI = M1 >>> 16;

/** Write keep flags for elements [0, size) into `mask`. */
export function fillKeepMask(draw: DropoutDraw, mask: Uint8Array, size: number): void {
  const t = draw.threshold;
  if (t === 0) {
    mask.fill(1, 0, size);
    return;
  }
  if (t >= 16777216) {
    mask.fill(0, 0, size);
    return;
  }
  const k0Start = draw.seedLo;
  const k1Start = draw.seedHi;
  const c2 = draw.streamLo;
  const c3 = draw.streamHi;
  const blocks = Math.ceil(size / 4);
  for (let b = 0; b < blocks; b++) {
    let x0 = b >>> 0;
    let x1 = Math.floor(b / 4294967296) >>> 0;
    let x2 = c2;
    let x3 = c3;
    let k0 = k0Start;
    let k1 = k1Start;
    for (let round = 0; round < 10; round++) {
      // hi0:lo0 = M0 * x0, hi1:lo1 = M1 * x2
      const a0l = x0 & 0xffff;
      const a0h = x0 >>> 16;
      const lh0 = a0l * M0_HI;
      const hl0 = a0h * M0_LO;
      const mid0 = ((a0l * M0_LO) >>> 16) + (lh0 & 0xffff) + (hl0 & 0xffff);
      const hi0 = (a0h * M0_HI + (lh0 >>> 16) + (hl0 >>> 16) + (mid0 >>> 16)) >>> 0;
      const lo0 = Math.imul(M0, x0) >>> 0;
      const a2l = x2 & 0xffff;
      const a2h = x2 >>> 16;
      const lh1 = a2l * M1_HI;
      const hl1 = a2h * M1_LO;
      const mid1 = ((a2l * M1_LO) >>> 16) + (lh1 & 0xffff) + (hl1 & 0xffff);
      const hi1 = (a2h * M1_HI + (lh1 >>> 16) + (hl1 >>> 16) + (mid1 >>> 16)) >>> 0;
      const lo1 = Math.imul(M1, x2) >>> 0;
      x0 = (hi1 ^ x1 ^ k0) >>> 0;
      x1 = lo1;
      x2 = (hi0 ^ x3 ^ k1) >>> 0;
      x3 = lo0;
      k0 = (k0 + 0x9e3779b9) >>> 0;
      k1 = (k1 + 0xbb67ae85) >>> 0;
    }
    const i = b * 4;
    if (i + 3 < size) {
      mask[i] = x0 >>> 8 < t ? 0 : 1;
      mask[i + 1] = x1 >>> 8 < t ? 0 : 1;
      mask[i + 2] = x2 >>> 8 < t ? 0 : 1;
      mask[i + 3] = x3 >>> 8 < t ? 0 : 1;
    } else {
      const words = [x0, x1, x2, x3];
      for (let j = 0; i + j < size; j++) mask[i + j] = words[j]! >>> 8 < t ? 0 : 1;
    }
  }
}
