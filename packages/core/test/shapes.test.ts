// The shape and dtype validators core exports for backends' own entry points (webgpu's
// wrapGPUBuffer): the same checks and typed errors as tensor(), naming the caller's op.
import { describe, expect, it } from 'vitest';
import { checkDType, checkShape, PointwiseError } from '../src/index.js';

function refusal(call: () => unknown): PointwiseError {
  try {
    call();
  } catch (error) {
    if (error instanceof PointwiseError) return error;
    throw error;
  }
  throw new Error('expected a PointwiseError');
}

describe('checkShape and checkDType', () => {
  it('return the element count of a valid shape', () => {
    expect(checkShape('myOp', [2, 3, 4], null)).toBe(24);
    expect(checkShape('myOp', [], null)).toBe(1);
    expect(checkShape('myOp', [0, 5], 0)).toBe(0);
  });

  it('refuse bad shapes and dtypes with typed errors naming the op and the argument', () => {
    for (const shape of [[-1], [1.5], ['2'], 'x', null, [2 ** 30, 2 ** 30]]) {
      const e = refusal(() => checkShape('myOp', shape, null));
      expect({ code: e.code, op: e.op, arg: e.arg }).toEqual({
        code: 'SHAPE_MISMATCH',
        op: 'myOp',
        arg: 'shape',
      });
    }
    expect(refusal(() => checkShape('myOp', [2, 2], 5)).message).toMatch(/holds 4 elements/);
    const d = refusal(() => checkDType('myOp', 'float16'));
    expect({ code: d.code, op: d.op, arg: d.arg }).toEqual({
      code: 'INVALID_ARGUMENT',
      op: 'myOp',
      arg: 'dtype',
    });
    expect(() => checkDType('myOp', 'int64')).not.toThrow();
  });
});
