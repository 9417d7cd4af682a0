// The one backend-selection helper every consumer uses (conformance CLI, bench,
// playground): backends are separate packages named @pointwise/backend-<name>,
// each exporting `pointwiseBackend(): BackendFactory`. A package that is not
// installed, or whose platform lacks the feature, is reported unavailable with why.

import type { BackendFactory } from './backend.js';

export const BACKEND_NAMES = ['js', 'wasm-simd', 'webgpu', 'node-cuda'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export type BackendProbe =
  | { name: string; available: true; factory: BackendFactory }
  | { name: string; available: false; reason: string; factory?: BackendFactory };

/** Imports a backend package by specifier; bundlers pass a static table instead of `import()`. */
export type BackendImporter = (specifier: string) => Promise<unknown>;

const nodeImporter: BackendImporter = (specifier) => import(/* @vite-ignore */ specifier);

export function backendPackageName(name: string): string {
  return `@pointwise/backend-${name}`;
}

/** Load one backend package and ask whether it can run here. */
export async function probeBackend(
  name: string,
  importer: BackendImporter = nodeImporter,
  options?: unknown,
): Promise<BackendProbe> {
  const pkg = backendPackageName(name);
  let mod: { pointwiseBackend?: (options?: unknown) => BackendFactory };
  try {
    mod = (await importer(pkg)) as typeof mod;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const notInstalled = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    return {
      name,
      available: false,
      reason: notInstalled
        ? `${pkg} is not installed`
        : `${pkg} failed to load: ${(error as Error).message}`,
    };
  }
  if (typeof mod.pointwiseBackend !== 'function') {
    return { name, available: false, reason: `${pkg} does not export pointwiseBackend()` };
  }
  let factory: BackendFactory;
  try {
    factory = options === undefined ? mod.pointwiseBackend() : mod.pointwiseBackend(options);
  } catch (error) {
    return {
      name,
      available: false,
      reason: `${pkg} rejected its options: ${(error as Error).message}`,
    };
  }
  try {
    const availability = await factory.isAvailable();
    return availability.available
      ? { name, available: true, factory }
      : { name, available: false, reason: availability.reason, factory };
  } catch (error) {
    return {
      name,
      available: false,
      reason: `availability probe threw: ${(error as Error).message}`,
      factory,
    };
  }
}

/** Probe several backends (default: every known one), in order. */
export async function probeBackends(
  names: readonly string[] = BACKEND_NAMES,
  importer?: BackendImporter,
): Promise<BackendProbe[]> {
  const probes: BackendProbe[] = [];
  for (const name of names) probes.push(await probeBackend(name, importer));
  return probes;
}
