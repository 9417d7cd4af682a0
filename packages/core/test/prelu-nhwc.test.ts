// prelu's channel axis on channels-last data (issue 20, DECISIONS #179): a slope count
// that only the last axis matches is refused with a hint naming channelAxis: -1; one that
// axis 1 and the last axis both match runs on axis 1 and warns once per process.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PointwiseError } from '../src/errors.js';
import { prelu } from '../src/ops/prelu.js';

const resolve = (params: object, shape: number[]) =>
  prelu.spec.resolve('prelu', params as never, shape);

describe('prelu channel axis on NHWC data', () => {
  afterEach(() => vi.restoreAllMocks());

  it('names channelAxis: -1 when only the last axis matches', () => {
    let error: unknown;
    try {
      resolve({ slope: [0.1, 0.2, 0.3] }, [1, 4, 4, 3]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PointwiseError);
    expect((error as PointwiseError).code).toBe('SHAPE_MISMATCH');
    expect((error as PointwiseError).message).toContain('channelAxis: -1');
    // without a matching last axis the plain message stays
    expect(() => resolve({ slope: [0.1, 0.2, 0.3] }, [1, 4, 4, 5])).toThrow(/needs 1 or 4 values/);
    expect(() => resolve({ slope: [0.1, 0.2, 0.3] }, [1, 4, 4, 5])).not.toThrow(/channelAxis: -1/);
  });

  it('runs on axis 1 and warns once when both axes match and channelAxis is omitted', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    // an explicit axis never warns
    expect(resolve({ slope: [1, 2, 3], channelAxis: 1 }, [1, 3, 3, 3]).inner).toBe(9);
    expect(resolve({ slope: [1, 2, 3], channelAxis: -1 }, [1, 3, 3, 3]).inner).toBe(1);
    // rank 2 has no ambiguity ([N, C])
    resolve({ slope: [1, 2, 3] }, [3, 3]);
    expect(warn).not.toHaveBeenCalled();
    const r = resolve({ slope: [1, 2, 3] }, [1, 3, 3, 3]);
    expect(r.inner).toBe(9); // axis 1, PyTorch's
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain('channelAxis: -1');
    resolve({ slope: [1, 2, 3] }, [2, 3, 5, 3]);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
