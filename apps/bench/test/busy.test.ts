// The busy-machine mode: `--busy N` and `--wasm-threads auto` parse (bad values are typed
// errors), plan a `wasm-simd auto` target whose threaded rows get a ratio to the
// one-thread rows, and startBusy really starts N spinning processes and stops them.

import { PointwiseError } from '@pointwise/core';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';
import { startBusy } from '../src/busy.js';
import { tasksFor } from '../src/cli.js';
import { oneThreadTarget } from '../src/report/model.js';
import { backendOf } from '../src/targets/pointwise.js';

describe('--busy and --wasm-threads auto', () => {
  it('parses --busy (default 0) and refuses bad values naming the flag', () => {
    expect(parseArgs([]).busy).toBe(0);
    expect(parseArgs(['--busy', '2']).busy).toBe(2);
    expect(parseArgs(['--busy', '0']).busy).toBe(0);
    for (const bad of ['-1', '1.5', 'x', '65']) {
      let caught: unknown;
      try {
        parseArgs(['--busy', bad]);
      } catch (error) {
        caught = error;
      }
      expect(caught, bad).toBeInstanceOf(PointwiseError);
      expect((caught as PointwiseError).arg).toBe('--busy');
    }
  });
  it("plans wasm-simd and wasm-simd auto, the latter with threads: 'auto'", () => {
    const args = parseArgs([
      '--backends',
      'wasm-simd',
      '--wasm-threads',
      'auto',
      '--peers',
      'none',
    ]);
    expect(args.wasmThreads).toBe('auto');
    expect(tasksFor(args).map((t) => t.name)).toEqual(['wasm-simd', 'wasm-simd auto']);
    expect(backendOf('wasm-simd auto')).toEqual({
      backend: 'wasm-simd',
      options: { threads: 'auto' },
    });
    expect(oneThreadTarget('wasm-simd auto')).toBe('wasm-simd');
    expect(oneThreadTarget('wasm-simd x2')).toBe('wasm-simd');
    expect(oneThreadTarget('wasm-simd')).toBeNull();
  });
  it('startBusy runs N spinning processes until stop()', async () => {
    const busy = await startBusy(2);
    expect(busy.children).toHaveLength(2);
    for (const child of busy.children) {
      expect(child.pid).toBeGreaterThan(0);
      expect(child.exitCode).toBeNull();
    }
    await busy.stop();
    for (const child of busy.children) expect(child.signalCode).toBe('SIGKILL');
    expect((await startBusy(0)).children).toHaveLength(0);
  });
});
