// Feature detection: available where wasm SIMD validates, and an honest
// { available: false, reason } (no fallback) where the engine rejects the SIMD probe.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { pointwiseBackend, wasmSimdBackend } from '../src/index.js';

afterEach(() => vi.restoreAllMocks());

describe('isAvailable', () => {
  it('is available on this engine, under both export names', async () => {
    expect(await wasmSimdBackend().isAvailable()).toEqual({ available: true });
    expect(pointwiseBackend().name).toBe('wasm-simd');
  });
  it('reports the missing SIMD support when the probe does not validate', async () => {
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const status = await wasmSimdBackend().isAvailable();
    expect(status.available).toBe(false);
    expect((status as { reason: string }).reason).toMatch(/SIMD/);
  });
});
