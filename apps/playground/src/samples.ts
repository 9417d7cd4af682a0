// Seeded inputs for the views: N(0,1) samples from Philox4x32-10 (core's generator)
// through Box-Muller, and an FNV-1a hash that names a dropout mask in one short
// string. No DOM here, so the browser test imports the same code in Node.

import { philox4x32, splitU64 } from '@pointwise/core';

/** A counter word that keeps these draws apart from dropout's (stream) draws. */
const NORMAL_DOMAIN = 0x6e6f726d; // "norm"
const TWO_POW_32 = 4294967296;

/** `count` float32 samples of N(0, 1), the same for a given seed on every machine. */
export function normalSamples(seed: number, count: number): Float32Array {
  const key = splitU64(BigInt(seed));
  const out = new Float32Array(count);
  const words = new Uint32Array(4);
  for (let i = 0, block = 0; i < count; block++) {
    philox4x32(block, 0, 0, NORMAL_DOMAIN, key.lo, key.hi, words);
    for (let pair = 0; pair < 4 && i < count; pair += 2) {
      // (w + 0.5) / 2^32 lies in (0, 1): the log never sees 0.
      const u1 = (words[pair]! + 0.5) / TWO_POW_32;
      const u2 = (words[pair + 1]! + 0.5) / TWO_POW_32;
      const radius = Math.sqrt(-2 * Math.log(u1));
      out[i++] = radius * Math.cos(2 * Math.PI * u2);
      if (i < count) out[i++] = radius * Math.sin(2 * Math.PI * u2);
    }
  }
  return out;
}

/** FNV-1a (32-bit) of the bytes, as 8 hex digits. */
export function fnv1aHex(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i]!;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** `count` float32 points spread evenly over [min, max], with the kinks inside it added. */
export function plotXs(
  min: number,
  max: number,
  count: number,
  kinks: readonly number[],
): Float32Array {
  const values: number[] = [];
  for (let i = 0; i < count; i++) values.push(Math.fround(min + ((max - min) * i) / (count - 1)));
  for (const k of kinks) if (k >= min && k <= max) values.push(Math.fround(k));
  values.sort((a, b) => a - b);
  return Float32Array.from(values.filter((v, i) => i === 0 || v !== values[i - 1]));
}
