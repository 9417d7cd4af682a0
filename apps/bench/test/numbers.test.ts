// Byte accounting (SPEC traffic per element), GB/s, median and the ratios that
// every report prints; plus the data-driven copy-hook table.

import {
  bytesPerElement,
  casesFor,
  copyBytes,
  expandCases,
  gigabytesPerSecond,
  OP_NAMES,
} from '@pointwise/bench-cases';
import { describe, expect, it } from 'vitest';
import { BACKEND_KINDS, COPY_HOOKS, kindOf } from '../src/copy.js';
import { ticksFor } from '../src/protocol.js';
import { best, median, ratio } from '../src/stats.js';

describe('bytes per element', () => {
  it('counts 8 B forward and 12 B backward for activations', () => {
    for (const op of OP_NAMES.filter((o) => o !== 'dropout')) {
      const [fwd, ...bwd] = casesFor(op);
      expect(bytesPerElement(fwd!)).toBe(4 + 4);
      // dy, x or y, dx
      for (const c of bwd) expect(bytesPerElement(c)).toBe(4 + 4 + 4);
    }
  });

  it('adds 1 B for a dropout mask written or read', () => {
    const byId = Object.fromEntries(casesFor('dropout').map((c) => [c.id, bytesPerElement(c)]));
    expect(byId).toEqual({
      'dropout.forward+mask': 9,
      'dropout.forward': 8,
      'dropout.backward+mask': 9,
      'dropout.backward': 8,
      'dropout.backward+mask+dreplacement': 9,
    });
  });

  it('gives the copy the same total bytes', () => {
    const [c] = casesFor('relu');
    expect(copyBytes(c, 1000)).toBe(bytesPerElement(c) * 1000);
  });

  it('computes GB/s in 10^9 bytes per second', () => {
    expect(gigabytesPerSecond(8e9, 2)).toBe(4);
    expect(gigabytesPerSecond(1, 0)).toBeNaN();
  });

  it('expands every op into forward and backward cases', () => {
    const cases = expandCases([...OP_NAMES]);
    // seven activations (shiftedRelu included), elu's backward from y, dropout × 5
    expect(cases).toHaveLength(7 * 2 + 1 + 5);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(ticksFor({ cases, sizes: [1, 2, 3] })).toBe(cases.length * 4);
  });
});

describe('stats', () => {
  it('takes the median of odd and even sample counts without reordering input', () => {
    const samples = [5, 1, 4, 2, 3];
    expect(median(samples)).toBe(3);
    expect(samples).toEqual([5, 1, 4, 2, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow(RangeError);
  });

  it('computes ratios and refuses missing or non-positive denominators', () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(3, 0)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
    expect(ratio(2, Number.NaN)).toBeNull();
  });

  it('picks the best finite value', () => {
    expect(best([1, null, 3, Number.NaN, 2])).toBe(3);
    expect(best([])).toBeNull();
  });
});

describe('copy hooks', () => {
  it('maps backend names to kinds and unknown names to cpu', () => {
    expect(kindOf('js')).toBe('cpu');
    expect(kindOf('webgpu')).toBe('gpu');
    expect(kindOf('something-new')).toBe('cpu');
    expect(Object.values(BACKEND_KINDS).every((k) => k in COPY_HOOKS)).toBe(true);
  });

  it('cpu copy moves half the bytes each way; gpu copy needs a device', async () => {
    const copies = COPY_HOOKS.cpu(64, null);
    expect(copies?.map((c) => c.name)).toEqual(['set', 'memory.copy', 'simd', 'simd+touch']);
    for (const c of copies ?? []) {
      c.timed.call();
      await c.timed.settle();
    }
    expect(COPY_HOOKS.gpu(64, { name: 'no-device' })).toBeNull();
  });
});
