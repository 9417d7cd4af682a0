// Philox4x32-10 exactly as PyTorch's PhiloxRNGEngine, and the dropout draw rule
// of SPEC section 2: element i uses counter (i/4, stream) and output word i mod 4.
// This is the host reference every backend's mask must match bit for bit.

const PHILOX_M0 = 0xd2511f53;
const PHILOX_M1 = 0xcd9e8d57;
const PHILOX_W0 = 0x9e3779b9;
const PHILOX_W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32 values, exact in doubles. */
export function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const lh = aLo * bHi;
  const hl = aHi * bLo;
  const mid = ((aLo * bLo) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (aHi * bHi + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/**
 * One Philox4x32-10 block. Writes four uint32 words to `out` (or a new array).
 * counter = (c0, c1, c2, c3), key = (k0, k1), all uint32.
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array = new Uint32Array(4),
): Uint32Array {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi32(PHILOX_M0, x0);
    const lo0 = Math.imul(PHILOX_M0, x0) >>> 0;
    const hi1 = mulhi32(PHILOX_M1, x2);
    const lo1 = Math.imul(PHILOX_M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
    key0 = (key0 + PHILOX_W0) >>> 0;
    key1 = (key1 + PHILOX_W1) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
  return out;
}

/** A 64-bit seed or stream split into 32-bit halves. */
export interface U64Halves {
  lo: number;
  hi: number;
}

let lastBigint: bigint | null = null;
let lastBigintHalves: U64Halves = { lo: 0, hi: 0 };

/**
 * Splits an unsigned 64-bit value (a bigint, or a safe non-negative integer number)
 * into 32-bit halves. Numbers are split with float arithmetic (exact below 2^53);
 * the last bigint's halves are cached, since seeds repeat from call to call and
 * each BigInt operation allocates.
 */
export function splitU64(value: bigint | number): U64Halves {
  if (typeof value === 'number') {
    return { lo: value % 4294967296, hi: Math.floor(value / 4294967296) };
  }
  if (value !== lastBigint) {
    lastBigintHalves = {
      lo: Number(value & 0xffffffffn),
      hi: Number((value >> 32n) & 0xffffffffn),
    };
    lastBigint = value;
  }
  return lastBigintHalves;
}

/** Everything a kernel needs to draw the dropout decision for any element index. */
export interface DropoutDraw {
  /** Element i is dropped iff (philox word >>> 8) < threshold; threshold in [0, 2^24]. */
  threshold: number;
  seedLo: number;
  seedHi: number;
  streamLo: number;
  streamHi: number;
}

/** SPEC: t = round(ratio * 2^24), computed once in float64 (round half up). */
export function dropoutThreshold(ratio: number): number {
  return Math.round(ratio * 16777216);
}

export function makeDropoutDraw(
  ratio: number,
  seed: bigint | number,
  stream: bigint | number,
): DropoutDraw {
  const s = splitU64(seed);
  const t = splitU64(stream);
  return {
    threshold: dropoutThreshold(ratio),
    seedLo: s.lo,
    seedHi: s.hi,
    streamLo: t.lo,
    streamHi: t.hi,
  };
}

/**
 * The keep mask (1 = kept) for elements [start, start + out.length), written into `out`.
 * Reference implementation: straightforward, one Philox block per 4 elements.
 */
export function dropoutKeepMask(draw: DropoutDraw, out: Uint8Array, start = 0): Uint8Array {
  const words = new Uint32Array(4);
  const end = start + out.length;
  let block = -1;
  for (let i = start; i < end; i++) {
    const b = Math.floor(i / 4);
    if (b !== block) {
      block = b;
      philox4x32(
        b >>> 0,
        Math.floor(b / 4294967296) >>> 0,
        draw.streamLo,
        draw.streamHi,
        draw.seedLo,
        draw.seedHi,
        words,
      );
    }
    out[i - start] = words[i & 3]! >>> 8 < draw.threshold ? 0 : 1;
  }
  return out;
}
