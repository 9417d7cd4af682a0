// Argument parsing: presets, comma lists, 2^N sizes, pass-through `--`, and bad
// input rejected with a PointwiseError that names the flag and the value.

import { OP_NAMES } from '@pointwise/bench-cases';
import { BACKEND_NAMES, PointwiseError } from '@pointwise/core';
import { describe, expect, it } from 'vitest';
import { FULL_DEFAULTS, parseArgs, parseSize, QUICK_DEFAULTS } from '../src/args.js';

function errorOf(fn: () => unknown): PointwiseError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PointwiseError) return error;
    throw error;
  }
  throw new Error('expected a PointwiseError');
}

describe('parseArgs', () => {
  it('gives the quick preset with no flags', () => {
    const a = parseArgs([]);
    expect(a.ops).toEqual(QUICK_DEFAULTS.ops);
    expect(a.sizes).toEqual([2 ** 16, 2 ** 20]);
    expect(a.peers).toEqual([]);
    expect(a.backends).toEqual([...BACKEND_NAMES]);
    expect(a.full).toBe(false);
  });

  it('gives every op, sizes 2^16..2^24 plus a DRAM-resident one and both peers with --full', () => {
    const a = parseArgs(['--full'], () => ({ llcBytes: 32 * 2 ** 20, totalMemoryBytes: 2 ** 34 }));
    expect(a.ops).toEqual([...OP_NAMES]);
    expect(a.sizes).toEqual([2 ** 16, 2 ** 20, 2 ** 23, 2 ** 24]);
    expect(a.peers).toEqual(['tfjs', 'ort']);
    expect(a.samples).toBe(FULL_DEFAULTS.samples);
  });

  it('parses lists, 2^N sizes, --flag=value and a leading --', () => {
    const a = parseArgs([
      '--',
      '--ops',
      'relu,elu',
      '--sizes=2^20,4096,2^16',
      '--peers',
      'ort',
      '--json',
      'o.json',
      '--backends',
      'js',
    ]);
    expect(a.ops).toEqual(['relu', 'elu']);
    expect(a.sizes).toEqual([4096, 2 ** 16, 2 ** 20]);
    expect(a.peers).toEqual(['ort']);
    expect(a.backends).toEqual(['js']);
    expect(a.json).toBe('o.json');
  });

  it('measures a backend and its peers together unless --apart', () => {
    expect(parseArgs([]).apart).toBe(false);
    expect(parseArgs(['--full', '--apart']).apart).toBe(true);
  });

  it('takes --backend as --backends and --progress-every in seconds', () => {
    const a = parseArgs(['--backend', 'wasm-simd,js', '--progress-every', '0.5']);
    expect(a.backends).toEqual(['wasm-simd', 'js']);
    expect(a.progressEvery).toBe(0.5);
    expect(parseArgs([]).progressEvery).toBe(5);
  });

  it('names the known backends when a backend is not one of them', () => {
    const e = errorOf(() => parseArgs(['--backend', 'js,bogus']));
    expect(e.message).toContain(`known backends are ${BACKEND_NAMES.join(', ')}`);
    expect(e.message).toContain('bogus');
  });

  it('lets explicit flags override --full', () => {
    expect(parseArgs(['--full', '--peers', 'tfjs']).peers).toEqual(['tfjs']);
  });

  it.each([
    [['--ops', 'gelu'], '--ops', 'gelu'],
    [['--backends', 'cuda'], '--backends', 'cuda'],
    [['--peers', 'torch'], '--peers', 'torch'],
    [['--sizes', '2^x'], '--sizes', '2^x'],
    [['--samples', '0'], '--samples', '0'],
    [['--json'], '--json', undefined],
    [['--progress-every', '-1'], '--progress-every', '-1'],
    [['--wat'], 'argv', '--wat'],
  ])('rejects %j naming the flag', (argv, arg, value) => {
    const e = errorOf(() => parseArgs(argv));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain(arg);
    if (value !== undefined) expect(e.message).toContain(value);
  });
});

describe('parseSize', () => {
  it('reads powers of two and integers', () => {
    expect(parseSize('2^16')).toBe(65536);
    expect(parseSize('2^24')).toBe(16777216);
    expect(parseSize('1024')).toBe(1024);
  });

  it.each(['2^5', '63', '100', '2^30', '-64', '1.5', ''])('rejects %j', (text) => {
    expect(() => parseSize(text)).toThrow(PointwiseError);
  });
});
