// The tfjs-adapter target on tfjs's webgpu backend (Dawn; SwiftShader without a GPU):
// the default install (and every kernel and gradient where that differs), every op forward and
// gradient, with the GPU's work inside each timed batch (a finite ratio per row).

import { describe, expect, it } from 'vitest';
import { runAdapterBench } from '../src/tfjs-adapter/cli.js';

describe('tfjs-adapter target on webgpu', () => {
  it('measures every op with the default install', async () => {
    const rows = await runAdapterBench(
      { backends: ['webgpu'], sizes: [1024], samples: 1, minSampleMs: 1, training: false },
      () => {},
    );
    // 'all' is measured only where the defaults leave something to tfjs
    const variants = [...new Set(rows.map((r) => r.variant))];
    expect(variants[0]).toBe('default');
    expect(rows.length).toBe(variants.length * 12);
    for (const r of rows) {
      expect(r.backend).toBe('webgpu');
      expect(Number.isFinite(r.ratio) && r.ratio > 0, `${r.variant} ${r.case}`).toBe(true);
    }
  }, 240_000);
});
