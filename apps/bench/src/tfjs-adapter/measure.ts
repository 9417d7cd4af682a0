// Times tfjs's own kernels against tfjs-with-Pointwise in one process: per sample, a
// batch of calls with tfjs's kernels and, between installPointwise and uninstall, the
// same batch (the toggle outside the timed region; which goes first alternates), so
// both see the same machine state.
// Ratio = tfjs seconds / adapter seconds (> 1: the adapter is faster).

import { median } from '../stats.js';
import { ADAPTER_OPS, type AdapterDirection, adapterCall } from './cases.js';
import { trainingStep } from './training.js';

type Tf = typeof import('@tensorflow/tfjs');

export interface Installer {
  /** e.g. `default`, `route=copy` */
  name: string;
  install(): { uninstall(): void };
  /** Time only these directions (default both); a gradient-route variant skips the forward rows. */
  directions?: readonly AdapterDirection[];
  /** Time only these ops (default ADAPTER_OPS). */
  ops?: readonly string[];
}

export interface AdapterRow {
  backend: string;
  variant: string;
  /** `relu forward`, `prelu gradient`, or `training step` */
  case: string;
  size: number;
  tfjsMs: number;
  adapterMs: number;
  ratio: number;
}

export interface AdapterMeasureOptions {
  samples: number;
  minSampleMs: number;
  /** Also time the training step (default true). */
  training?: boolean;
  /** Waits for the backend's queued work (a GPU's), inside each timed batch, before the clock stops. */
  sync?: () => Promise<void>;
}

async function timeBatch(
  call: () => unknown,
  reps: number,
  sync?: () => Promise<void>,
): Promise<number> {
  if (sync) await sync();
  const start = performance.now();
  for (let i = 0; i < reps; i++) {
    const r = call();
    if (r instanceof Promise) await r;
  }
  if (sync) await sync();
  return (performance.now() - start) / reps;
}

/** Median ms per call of `call` without and with the installer, sampled alternately. */
export async function compare(
  call: () => unknown,
  installer: Installer,
  options: AdapterMeasureOptions,
): Promise<{ tfjsMs: number; adapterMs: number }> {
  // warm both paths, then size a batch from tfjs's time
  await timeBatch(call, 1, options.sync);
  let inst = installer.install();
  await timeBatch(call, 1, options.sync);
  inst.uninstall();
  let reps = 1;
  while ((await timeBatch(call, reps, options.sync)) * reps < options.minSampleMs && reps < 1 << 16)
    reps *= 2;
  const base: number[] = [];
  const pw: number[] = [];
  const timeAdapter = async () => {
    inst = installer.install();
    try {
      pw.push(await timeBatch(call, reps, options.sync));
    } finally {
      inst.uninstall();
    }
  };
  // alternate which side goes first, so neither always follows the other's garbage
  for (let s = 0; s < options.samples; s++) {
    if (s % 2 === 0) {
      base.push(await timeBatch(call, reps, options.sync));
      await timeAdapter();
    } else {
      await timeAdapter();
      base.push(await timeBatch(call, reps, options.sync));
    }
  }
  return { tfjsMs: median(base), adapterMs: median(pw) };
}

/** Every op, forward and gradient, at every size, then the training step, for one backend and installer. */
export async function measureBackend(
  tf: Tf,
  backend: string,
  installer: Installer,
  sizes: readonly number[],
  options: AdapterMeasureOptions,
  onRow: (row: AdapterRow) => void,
): Promise<void> {
  const directions = installer.directions ?? (['forward', 'gradient'] as const);
  for (const size of sizes)
    for (const op of ADAPTER_OPS.filter((o) => installer.ops?.includes(o) ?? true))
      for (const direction of directions) {
        const c = adapterCall(tf, op, direction, size);
        try {
          const t = await compare(c.call, installer, options);
          onRow({
            backend,
            variant: installer.name,
            case: `${op} ${direction}`,
            size,
            ...t,
            ratio: t.tfjsMs / t.adapterMs,
          });
        } finally {
          c.dispose();
        }
      }
  if (options.training === false || installer.directions !== undefined) return;
  const training = trainingStep(tf);
  try {
    const t = await compare(training.step, installer, options);
    onRow({
      backend,
      variant: installer.name,
      case: 'training step',
      size: 256,
      ...t,
      ratio: t.tfjsMs / t.adapterMs,
    });
  } finally {
    training.dispose();
  }
}
