// tfjs's own published specs (tfjs-core 4.22 dist/ops/*_test.js) for relu, relu6,
// leakyRelu, prelu, elu, step and clipByValue, forward and gradients, run on each tfjs
// backend with every Pointwise kernel and one-pass gradient installed (on a backend the
// adapter does not support yet, tfjs's own kernels run, to keep the harness honest).
// A spec that fails and is not in ALLOWED_FAILURES fails this test.

import { describe, expect, it } from 'vitest';
import { SUPPORTED_BACKENDS } from '../../src/index.js';
import { ALLOWED_FAILURES } from './allowlist.js';
import { runSpecs } from './run.js';

const SUITES = ['relu ', 'relu6 ', 'leakyrelu ', 'prelu ', 'elu ', 'step kernel ', 'clipByValue '];

describe("tfjs's published specs", () => {
  const runs = [
    { backend: 'cpu', wasmSimd: false },
    { backend: 'wasm', wasmSimd: false },
    { backend: 'wasm', wasmSimd: true },
    { backend: 'webgpu', wasmSimd: false },
  ];
  for (const { backend, wasmSimd } of runs) {
    const adapter = (SUPPORTED_BACKENDS as readonly string[]).includes(backend);
    const label = adapter
      ? `with every Pointwise override${wasmSimd ? ' and the wasmSimd copy route' : ''}`
      : "(tfjs's own kernels: adapter not on this backend)";
    it(`${backend} ${label}`, async () => {
      const run = await runSpecs(backend, { adapter, wasmSimd });
      expect(run.activeBackends).toEqual([backend]);
      expect(run.globalErrors).toEqual([]);
      if (adapter) {
        // every kernel the adapter has on that backend (webgpu leaves Step and the fused
        // kernels to tfjs)
        expect(run.kernels.length).toBe(backend === 'webgpu' ? 7 : 10);
        expect(run.gradients).toEqual(['Relu', 'Relu6', 'LeakyRelu', 'Prelu']);
      }
      for (const suite of SUITES)
        expect(
          run.specs.some((s) => s.name.startsWith(suite)),
          suite,
        ).toBe(true);
      expect(run.specs.length).toBeGreaterThanOrEqual(70);
      const allowed = ALLOWED_FAILURES[backend] ?? {};
      const failed = run.specs.filter((s) => s.status === 'failed');
      const unexpected = failed.filter((s) => !(s.name in allowed));
      expect(unexpected.map((s) => `${s.name}: ${s.messages.join(' | ')}`)).toEqual([]);
      // a listed spec that now passes (or no longer exists) must leave the list
      const stale = Object.keys(allowed).filter((name) => !failed.some((s) => s.name === name));
      expect(stale).toEqual([]);
    });
  }

  it('catches a wrong kernel (Relu swapped for identity on cpu)', async () => {
    const run = await runSpecs('cpu', { adapter: true, sabotage: true });
    const failed = run.specs.filter((s) => s.status === 'failed').map((s) => s.name);
    expect(failed.some((n) => n.startsWith('relu test-cpu'))).toBe(true);
  });
});
