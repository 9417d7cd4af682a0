// A backend's OUT_OF_MEMORY, relabelled by core with the op the user called: the
// backend's value reaches the user as it was (an element count, or the shape a
// kernel's plan refused), not dropped because it is not a number.

import { describe, expect, it } from 'vitest';
import type { Backend, BackendFactory } from '../src/backend.js';
import { PointwiseError } from '../src/errors.js';
import { pointwise } from '../src/pointwise.js';

/** A minimal host backend whose relu forward refuses with the given OUT_OF_MEMORY value. */
function refusingBackend(value: unknown): BackendFactory {
  const backend: Backend = {
    name: 'refusing',
    alloc: (_dtype, size) => new Float32Array(size),
    upload: (_dtype, data) => Float32Array.from(data as ArrayLike<number>),
    read: async (buffer, _dtype, size) => (buffer as Float32Array).slice(0, size) as never,
    free: () => {},
    memory: () => ({ bytes: 0, buffers: 0 }),
    kernels: {
      relu: {
        forward: () => {
          throw new PointwiseError(
            'OUT_OF_MEMORY',
            { op: 'plan', arg: 'shape', value },
            'one block spans more than the device can bind',
          );
        },
        backward: () => {},
      },
    },
  };
  return {
    name: 'refusing',
    isAvailable: async () => ({ available: true }),
    create: async () => backend,
  };
}

describe('OUT_OF_MEMORY from a backend', () => {
  it.each([
    ['a shape', [2, 3, 16551]],
    ['an element count', 99306],
  ])('keeps %s as the value and names the op called', async (_what, value) => {
    const pw = await pointwise(refusingBackend(value));
    const x = pw.tensor([1, -1]);
    let caught: unknown;
    try {
      pw.relu(x);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PointwiseError);
    const e = caught as PointwiseError;
    expect(e.code).toBe('OUT_OF_MEMORY');
    expect(e.op).toBe('relu');
    expect(e.arg).toBe('shape');
    expect(e.value).toEqual(value);
    pw.destroy();
  });
});
