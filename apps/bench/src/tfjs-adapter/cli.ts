// `pnpm --filter @pointwise/bench tfjs-adapter`: tfjs's own kernels against
// tfjs-with-Pointwise (@pointwise/tfjs with its default overrides; on wasm also the
// gradients by the other routes onto tfjs's heap: `wasmRoute` 'copy' and 'js'; on webgpu
// with a Pointwise instance on tfjs's GPUDevice), per op, forward and gradient, per tfjs
// backend and size, and one training step of a small MLP, as ratios measured in one run.
// Prints a markdown table.
//   node dist/tfjs-adapter.js [--backends cpu,wasm,webgpu] [--sizes 2^16,2^20,2^24] [--samples 5]
//     [--min-sample-ms 40] [--training 0] [--fused 0] [--md out.md] [--json out.json]
// `--fused` (default on): tfjs's fused Dense / Conv2D relu and elu at inference against
// the same kernel with 'linear' plus Pointwise's activation, timed and compared (fused.ts).

import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { wasmSimdBackend } from '@pointwise/backend-wasm-simd';
import { pointwise } from '@pointwise/core';
import { installPointwise } from '@pointwise/tfjs';
import { type FusedValues, measureFused } from './fused.js';
import { type AdapterRow, type Installer, measureBackend } from './measure.js';
import { renderAdapterMarkdown, renderFusedValues } from './report.js';
import { loadTfWebGpu, tfWebGpuSync } from './webgpu.js';

type Tf = typeof import('@tensorflow/tfjs');

export interface AdapterArgs {
  backends: string[];
  sizes: number[];
  samples: number;
  minSampleMs: number;
  /** Also time the training step (default true; `--training 0` skips it). */
  training: boolean;
  /** Also measure wrapping the fused Dense / Conv2D activations (default true; `--fused 0` skips it). */
  fused?: boolean;
  md?: string;
  json?: string;
}

function parseSize(text: string): number {
  const m = /^2\^(\d+)$/.exec(text);
  const n = m ? 2 ** Number(m[1]) : Number(text);
  if (!Number.isInteger(n) || n < 64 || n % 16 !== 0) throw new Error(`--sizes: bad size ${text}`);
  return n;
}

export function parseAdapterArgs(argv: readonly string[]): AdapterArgs {
  const args: AdapterArgs = {
    backends: ['cpu', 'wasm'],
    sizes: [2 ** 16, 2 ** 20, 2 ** 24],
    samples: 5,
    minSampleMs: 40,
    training: true,
    fused: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag}: missing value`);
    i++;
    if (flag === '--backends') {
      args.backends = value.split(',');
      for (const b of args.backends)
        if (b !== 'cpu' && b !== 'wasm' && b !== 'webgpu')
          throw new Error(`--backends: ${b} is not cpu, wasm or webgpu`);
    } else if (flag === '--sizes') args.sizes = value.split(',').map(parseSize);
    else if (flag === '--samples') args.samples = Number(value);
    else if (flag === '--min-sample-ms') args.minSampleMs = Number(value);
    else if (flag === '--training') args.training = value !== '0';
    else if (flag === '--fused') args.fused = value !== '0';
    else if (flag === '--md') args.md = value;
    else if (flag === '--json') args.json = value;
    else throw new Error(`unknown flag ${flag}`);
  }
  return args;
}

/** The ops whose gradients @pointwise/tfjs replaces (elu's stays tfjs's EluGrad kernel on wasm). */
const GRADIENT_OPS = ['relu', 'relu6', 'leakyRelu', 'prelu'];

/**
 * The installers measured on a tfjs backend: the defaults (on wasm: gradients in place
 * on tfjs's memory), on wasm the gradients by the two other routes, gradient rows only:
 * copying into a wasm-simd heap (`wasmRoute: 'copy'`) and js over tfjs's heap ('js'), and
 * on webgpu the defaults and every kernel and gradient installed (`all`: the rows the
 * defaults leave to tfjs are measured there).
 */
async function installersFor(tf: Tf, backend: string): Promise<Installer[]> {
  if (backend === 'webgpu') {
    const { webgpuBackend } = await import('@pointwise/backend-webgpu');
    const device = (tf.backend() as unknown as { device: object }).device;
    const gpu = await pointwise(webgpuBackend({ device }));
    const { DEFAULT_GRADIENTS, DEFAULT_KERNELS, KERNEL_NAMES } = await import('@pointwise/tfjs');
    const all = KERNEL_NAMES.filter((k) => k !== 'Step');
    const list: Installer[] = [
      {
        name: 'default',
        install: () => installPointwise(tf, { backends: ['webgpu'], webgpu: gpu }),
      },
    ];
    // the same install twice would only time it twice
    if (DEFAULT_GRADIENTS.webgpu && all.every((k) => DEFAULT_KERNELS.webgpu.includes(k)))
      return list;
    return [
      ...list,
      {
        name: 'all',
        install: () =>
          installPointwise(tf, {
            backends: ['webgpu'],
            webgpu: gpu,
            kernels: all,
            gradients: true,
          }),
      },
    ];
  }
  const list: Installer[] = [
    { name: 'default', install: () => installPointwise(tf, { backends: [backend as 'cpu'] }) },
  ];
  if (backend === 'wasm') {
    const simd = await wasmSimdBackend({ threads: 1 }).create();
    list.push(
      {
        name: 'route=copy',
        directions: ['gradient'],
        ops: GRADIENT_OPS,
        install: () =>
          installPointwise(tf, {
            backends: ['wasm'],
            wasmSimd: simd as never,
            wasmRoute: 'copy',
          }),
      },
      {
        name: 'route=js',
        directions: ['gradient'],
        ops: GRADIENT_OPS,
        install: () =>
          installPointwise(tf, { backends: ['wasm'], gradients: true, wasmRoute: 'js' }),
      },
    );
  }
  return list;
}

export async function runAdapterBench(
  args: AdapterArgs,
  log: (line: string) => void,
  values: FusedValues[] = [],
): Promise<AdapterRow[]> {
  // tfjs-backend-webgpu needs navigator.gpu (Dawn) before it is imported
  if (args.backends.includes('webgpu')) await loadTfWebGpu();
  const tf: Tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  tf.env().set('PROD', true);
  const rows: AdapterRow[] = [];
  for (const backend of args.backends) {
    if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
    await tf.ready();
    const sync = backend === 'webgpu' ? tfWebGpuSync(tf) : undefined;
    for (const installer of await installersFor(tf, backend)) {
      await measureBackend(tf, backend, installer, args.sizes, { ...args, sync }, (row) => {
        rows.push(row);
        log(
          `${row.backend} ${row.variant} ${row.case} ${row.size}: ${row.ratio.toFixed(2)}x (${row.tfjsMs.toPrecision(3)} / ${row.adapterMs.toPrecision(3)} ms)`,
        );
      });
    }
    // fused wrapping is cpu and wasm only (#311); tfjs-webgpu in Node has no dataSync
    if (args.fused !== false && backend !== 'webgpu')
      await measureFused(
        tf,
        backend,
        args,
        (row) => {
          rows.push(row);
          log(`${row.backend} ${row.variant} ${row.case}: ${row.ratio.toFixed(2)}x`);
        },
        (v) => values.push(v),
      );
  }
  return rows;
}

async function main(): Promise<void> {
  const args = parseAdapterArgs(process.argv.slice(2));
  const started = Date.now();
  const values: FusedValues[] = [];
  const rows = await runAdapterBench(args, (line) => process.stderr.write(`${line}\n`), values);
  const md =
    renderAdapterMarkdown(rows, {
      cpu: cpus()[0]?.model ?? 'unknown',
      command: `node dist/tfjs-adapter.js ${process.argv.slice(2).join(' ')}`.trim(),
      seconds: (Date.now() - started) / 1000,
    }) + renderFusedValues(values);
  process.stdout.write(md);
  if (args.md) await writeFile(args.md, md);
  if (args.json) await writeFile(args.json, `${JSON.stringify(rows, null, 2)}\n`);
}

if (process.argv[1]?.endsWith('tfjs-adapter.js')) {
  main().catch((error: unknown) => {
    process.stderr.write(`tfjs-adapter: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
