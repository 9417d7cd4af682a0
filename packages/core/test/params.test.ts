// Parameter validation: rounding to float32 once, finiteness after rounding,
// ranges, u64 seeds and integer replacements, each error naming op/arg/value.
import { describe, expect, it } from 'vitest';
import { PointwiseError } from '../src/errors.js';
import { checkKnownKeys, floatParam, integerParam, ratioParam, u64Param } from '../src/params.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof PointwiseError ? error.code : 'not a PointwiseError';
  }
  return undefined;
}

describe('floatParam', () => {
  it('rounds to float32 once', () => {
    expect(floatParam('elu', 'alpha', 0.1, 1)).toBe(Math.fround(0.1));
    expect(floatParam('elu', 'alpha', undefined, 1)).toBe(1);
  });
  it('rejects values that are not finite after rounding (1e39) and names op, arg, value', () => {
    let error: PointwiseError | undefined;
    try {
      floatParam('elu', 'alpha', 1e39, 1);
    } catch (e) {
      error = e as PointwiseError;
    }
    expect(error?.code).toBe('PARAM_OUT_OF_RANGE');
    expect(error?.op).toBe('elu');
    expect(error?.arg).toBe('alpha');
    expect(error?.value).toBe(1e39);
    expect(error?.message).toContain('1e+39');
  });
  it('accepts the largest float32 and rejects a value that rounds past it', () => {
    expect(floatParam('x', 'a', 3.4028234663852886e38, 0)).toBe(3.4028234663852886e38);
    expect(codeOf(() => floatParam('x', 'a', 3.4028236e38, 0))).toBe('PARAM_OUT_OF_RANGE');
  });
  it('checks ranges after rounding', () => {
    expect(codeOf(() => floatParam('clippedRelu', 'ceiling', 0, 6, { above: 0 }))).toBe(
      'PARAM_OUT_OF_RANGE',
    );
    expect(codeOf(() => floatParam('clippedRelu', 'ceiling', 1e-46, 6, { above: 0 }))).toBe(
      'PARAM_OUT_OF_RANGE',
    );
    expect(codeOf(() => floatParam('x', 'a', 'no', 0))).toBe('INVALID_ARGUMENT');
  });
});

describe('other params', () => {
  it('ratio must be in [0, 1]', () => {
    expect(ratioParam('d', 1, 0.5)).toBe(1);
    expect(codeOf(() => ratioParam('d', 1.0000001, 0.5))).toBe('PARAM_OUT_OF_RANGE');
    // one rule for codes: NaN is a number out of range, as for alpha; a string is the wrong kind
    expect(codeOf(() => ratioParam('d', Number.NaN, 0.5))).toBe('PARAM_OUT_OF_RANGE');
    expect(codeOf(() => ratioParam('d', '0.5', 0.5))).toBe('INVALID_ARGUMENT');
  });
  it('seeds are unsigned 64-bit', () => {
    expect(u64Param('d', 'seed', (1n << 64n) - 1n)).toBe((1n << 64n) - 1n);
    expect(u64Param('d', 'seed', 5)).toBe(5);
    expect(codeOf(() => u64Param('d', 'seed', 1n << 64n))).toBe('PARAM_OUT_OF_RANGE');
    expect(codeOf(() => u64Param('d', 'seed', 2 ** 53))).toBe('PARAM_OUT_OF_RANGE');
    expect(codeOf(() => u64Param('d', 'seed', 1.5))).toBe('PARAM_OUT_OF_RANGE');
  });
  it('integer replacements fit the ids type', () => {
    expect(integerParam('s', 'replacement', -(2 ** 31), 32)).toBe(-(2n ** 31n));
    expect(codeOf(() => integerParam('s', 'replacement', 2 ** 31, 32))).toBe('PARAM_OUT_OF_RANGE');
    expect(integerParam('s', 'replacement', (1n << 63n) - 1n, 64)).toBe((1n << 63n) - 1n);
    expect(codeOf(() => integerParam('s', 'replacement', 1n << 63n, 64))).toBe(
      'PARAM_OUT_OF_RANGE',
    );
    expect(codeOf(() => integerParam('s', 'replacement', 1.5, 32))).toBe('PARAM_OUT_OF_RANGE');
    expect(codeOf(() => integerParam('s', 'replacement', '1', 32))).toBe('INVALID_ARGUMENT');
  });
  it('params are an object or undefined', () => {
    for (const bad of [5, true, 'fast', null, [1]]) {
      expect(codeOf(() => checkKnownKeys('relu', bad as never, []))).toBe('INVALID_ARGUMENT');
    }
    expect(codeOf(() => checkKnownKeys('relu', undefined, []))).toBeUndefined();
  });
  it('unknown keys are rejected', () => {
    expect(codeOf(() => checkKnownKeys('elu', { alhpa: 1 }, ['alpha']))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => checkKnownKeys('elu', { alpha: 1 }, ['alpha']))).toBeUndefined();
  });
});
