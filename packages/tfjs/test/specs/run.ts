// Builds entry.cjs with esbuild (tfjs's specs are ESM with extensionless imports, which
// Node cannot load as they ship) and runs it in a child process per tfjs backend,
// returning each spec's name and status.

import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const pkgRoot = join(here, '..', '..');
const outDir = join(pkgRoot, 'node_modules', '.cache', 'tfjs-specs');
const require = createRequire(import.meta.url);

export interface SpecResult {
  name: string;
  status: 'passed' | 'failed' | 'pending';
  messages: string[];
}

export interface SpecRun {
  backend: string;
  adapter: boolean;
  /** tfjs's active backend while the specs ran (the harness's beforeAll sets it). */
  activeBackends: string[];
  kernels: string[];
  gradients: string[];
  overall: string;
  globalErrors: string[];
  specs: SpecResult[];
}

let bundled: Promise<string> | undefined;

/** Bundles the spec entry once per process; tfjs-core is taken as ESM (its `module` field) so the specs and the backends share one copy. */
export function bundle(): Promise<string> {
  bundled ??= (async () => {
    mkdirSync(outDir, { recursive: true });
    const outfile = join(outDir, 'specs.cjs');
    await build({
      entryPoints: [join(here, 'entry.cjs')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      mainFields: ['module', 'main'],
      external: ['webgpu', 'jasmine-core', 'node-fetch', 'worker_threads'],
      logLevel: 'error',
    });
    return outfile;
  })();
  return bundled;
}

/** Runs the bundled specs on one tfjs backend, with or without every Pointwise override installed. */
export interface SpecOptions {
  /** Install every Pointwise kernel and gradient (else tfjs's own kernels run). */
  adapter: boolean;
  /** wasm: pass a @pointwise/backend-wasm-simd backend as `wasmSimd`. */
  wasmSimd?: boolean;
  /** Swap Relu for an identity after installing, to show the specs catch it. */
  sabotage?: boolean;
}

export async function runSpecs(backend: string, options: SpecOptions): Promise<SpecRun> {
  const file = await bundle();
  const wasmDir = join(
    dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
    'wasm-out',
  );
  const child = spawnSync(process.execPath, [file], {
    cwd: pkgRoot,
    encoding: 'utf8',
    timeout: 180_000,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      PW_SPEC_BACKEND: backend,
      PW_SPEC_ADAPTER: options.adapter ? '1' : '0',
      PW_SPEC_WASM_SIMD: options.wasmSimd ? '1' : '0',
      PW_SPEC_SABOTAGE: options.sabotage ? '1' : '0',
      PW_SPEC_WASM_DIR: `${wasmDir}/`,
    },
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith('PW_SPEC_RESULT '));
  if (!line) {
    throw new Error(
      `tfjs specs on ${backend} printed no result (exit ${child.status}, signal ${child.signal}):\n${child.stderr.slice(-4000)}\n${child.stdout.slice(-2000)}`,
    );
  }
  return JSON.parse(line.slice('PW_SPEC_RESULT '.length)) as SpecRun;
}
