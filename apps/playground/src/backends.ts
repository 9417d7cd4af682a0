// Backend selection for the page, through core's probeBackends only: the importer
// is a static table of `import()` calls so Vite can bundle each backend package as
// its own chunk. Packages missing from the install resolve to a throwing stub
// (vite.config.ts) and show up disabled with core's "not installed" reason.

import { type BackendImporter, type Pointwise, pointwise, probeBackends } from '@pointwise/core';

import { PLAYGROUND_BACKENDS } from './urlState.js';

export { PLAYGROUND_BACKENDS };

const backendModules: Record<string, () => Promise<unknown>> = {
  '@pointwise/backend-js': () => import('@pointwise/backend-js'),
  '@pointwise/backend-wasm-simd': () => import('@pointwise/backend-wasm-simd'),
  '@pointwise/backend-webgpu': () => import('@pointwise/backend-webgpu'),
};

export const tableImporter: BackendImporter = (specifier) => {
  const load = backendModules[specifier];
  if (load) return load();
  const error = Object.assign(new Error(`${specifier} is not in the playground's table`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
  return Promise.reject(error);
};

export interface BackendEntry {
  name: string;
  available: boolean;
  /** Why it is disabled (unavailable backends only). */
  reason?: string;
  pw?: Pointwise;
  /** Threads the backend runs (wasm-simd; 1 elsewhere). */
  threads?: number;
  /** Why wasm-simd runs fewer threads than cores (e.g. the page is not crossOriginIsolated). */
  threadsNote?: string | null;
}

/** What navigator.gpu offers, in words, for the webgpu row. */
export async function describeWebGpu(): Promise<string> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return 'navigator.gpu is missing: this browser has no WebGPU';
  try {
    const adapter = (await gpu.requestAdapter()) as {
      info?: { vendor?: string; architecture?: string };
    } | null;
    if (!adapter) return 'navigator.gpu gives no adapter';
    const info = adapter.info;
    const what = [info?.vendor, info?.architecture].filter(Boolean).join(' ');
    return `navigator.gpu gives an adapter${what ? ` (${what})` : ''}`;
  } catch (error) {
    return `navigator.gpu.requestAdapter() failed: ${(error as Error).message}`;
  }
}

/** Probe every browser backend and create an instance of each available one. */
export async function loadBackends(): Promise<BackendEntry[]> {
  const probes = await probeBackends(PLAYGROUND_BACKENDS, tableImporter);
  const entries: BackendEntry[] = [];
  for (const probe of probes) {
    if (!probe.available) {
      let reason = probe.reason;
      if (probe.name === 'webgpu') reason += `; ${await describeWebGpu()}`;
      entries.push({ name: probe.name, available: false, reason });
      continue;
    }
    try {
      const pw = await pointwise(probe.factory);
      const b = pw.backend as { threads?: number; threadsNote?: string | null };
      entries.push({
        name: probe.name,
        available: true,
        pw,
        threads: b.threads ?? 1,
        threadsNote: b.threadsNote ?? null,
      });
    } catch (error) {
      entries.push({
        name: probe.name,
        available: false,
        reason: `create() failed: ${(error as Error).message}`,
      });
    }
  }
  return entries;
}
