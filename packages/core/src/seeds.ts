// Each Pointwise instance's source of dropout draws: a 64-bit instance seed (given
// to `pointwise(backend, { seed })`, else from the platform's random source) and a
// call counter, so two dropout calls that give no seed and stream never repeat a
// mask by accident (PyTorch's default generator behaves the same way). A call that
// gives a seed or a stream gets exactly SPEC's draw for them instead.

import { PointwiseError } from './errors.js';

const U64 = (1n << 64n) - 1n;

function randomSeed(): bigint {
  const words = new Uint32Array(2);
  const crypto = (globalThis as { crypto?: { getRandomValues(a: Uint32Array): unknown } }).crypto;
  if (crypto) crypto.getRandomValues(words);
  else {
    words[0] = (Math.random() * 2 ** 32) >>> 0;
    words[1] = (Math.random() * 2 ** 32) >>> 0;
  }
  return (BigInt(words[1]!) << 32n) | BigInt(words[0]!);
}

export class DropoutSeedSource {
  readonly seed: bigint;
  #next = 0n;

  constructor(seed?: bigint | number) {
    if (seed === undefined) {
      this.seed = randomSeed();
      return;
    }
    const ok =
      (typeof seed === 'bigint' && seed >= 0n && seed <= U64) ||
      (typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0);
    if (!ok) {
      throw new PointwiseError(
        typeof seed === 'number' || typeof seed === 'bigint'
          ? 'PARAM_OUT_OF_RANGE'
          : 'INVALID_ARGUMENT',
        { op: 'pointwise', arg: 'seed', value: seed },
        'must be an unsigned 64-bit integer (bigint or safe integer number)',
      );
    }
    this.seed = BigInt(seed);
  }

  /** A fresh (seed, stream): the instance seed and the next stream number. */
  take(): { seed: bigint; stream: bigint } {
    const stream = this.#next;
    this.#next = (this.#next + 1n) & U64;
    return { seed: this.seed, stream };
  }
}
