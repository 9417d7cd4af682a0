// elu backward from x and y on random (x, dy) pairs whose products round (issue 19: a
// factor within 2 ulp is not enough once dy's product rounds too): the conformance
// suite's eluRoundingSearch with this file's own seed, at alpha 1, 1.5 and a subnormal
// alpha, 2^20 pairs each. ELU_SEARCH_PAIRS=10000000 runs a long search.
import { type Pointwise, pointwise } from '@pointwise/core';
import { eluRoundingSearch } from '@pointwise/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostCudaBackend } from './host/backend.js';

const PAIRS = Number(process.env.ELU_SEARCH_PAIRS ?? 2 ** 20);

describe('elu backward with rounding gradients', () => {
  let pw: Pointwise;
  beforeAll(async () => {
    pw = await pointwise(hostCudaBackend());
  });
  afterAll(() => pw.destroy());

  for (const alpha of [1, 1.5, Math.fround(1e-39)]) {
    it(`alpha ${alpha}: ${PAIRS} pairs within 2 ulp`, async () => {
      const outcome = await eluRoundingSearch(pw, { alpha }, PAIRS, 1902);
      expect(outcome.message ?? '', `max ${outcome.maxUlp} ulp`).toBe('');
      expect(outcome.pass).toBe(true);
    }, 600_000);
  }
});
