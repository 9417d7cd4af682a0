// A Pointwise backend as a bench target. The backend comes only from core's
// probeBackends (with this app's importer, so packages resolve from apps/bench);
// every op call goes through the public API, with `await pw.flush()` as the
// completion point so asynchronous backends are timed honestly. Forward and
// backward write into preallocated outputs (`out`), so no call allocates.

import {
  type BenchCase,
  benchShape,
  PARAMS,
  preluSlopes,
  uniformInputs,
} from '@pointwise/bench-cases';
import { type Pointwise, probeBackend, type Tensor } from '@pointwise/core';
import { COPY_HOOKS, kindOf } from '../copy.js';
import type { Timed } from '../measure.js';
import type { Preparation, Target } from './target.js';

const importer = (specifier: string): Promise<unknown> => import(specifier);

type AnyTensor = Tensor<'float32'> | Tensor<'uint8'>;
type Api = Record<string, (...args: unknown[]) => unknown>;

/** Parameter gradients a backward from x computes beside dx (the bench learns them). */
const PARAM_GRADS: Partial<Record<BenchCase['op'], string>> = {
  prelu: 'dslope',
  shiftedRelu: 'dthreshold',
  clippedRelu: 'dceiling',
};

/** A backward row's note: what it reads (x, y, a stored or regenerated mask) and computes. */
function noteFor(c: BenchCase): string | undefined {
  if (c.direction !== 'backward') return undefined;
  if (c.op === 'dropout') {
    const from = c.mask ? 'stored mask' : 'regenerated mask';
    return `${from}; ${c.dreplacement ? 'dx and dreplacement' : 'dx only (paramGrad: false)'}`;
  }
  const grad = PARAM_GRADS[c.op];
  return `from ${c.fromY ? 'y' : 'x'}; dx${grad ? ` and ${grad}` : ''}`;
}

/**
 * wasm-simd's touch-ahead choice for the row's op, direction and size class, once its
 * `touchAhead: 'auto'` has made one (dropout's only tuned kernel is the backward from a
 * stored mask).
 */
function touchNote(pw: Pointwise, c: BenchCase, size: number): string | undefined {
  const touch = (
    pw.backend as {
      touchAhead?: { choiceFor(op: string, direction: string, size: number): string | undefined };
    }
  ).touchAhead;
  if (!touch) return undefined;
  const direction =
    c.op !== 'dropout' ? c.direction : c.direction === 'backward' && c.mask ? 'backwardMask' : null;
  const choice = direction === null ? undefined : touch.choiceFor(c.op, direction, size);
  return choice === undefined ? undefined : `touch ahead ${choice}`;
}

function disposeAll(result: unknown): void {
  if (result && typeof result === 'object') {
    if ('dispose' in result && typeof (result as AnyTensor).dispose === 'function') {
      (result as AnyTensor).dispose();
      return;
    }
    for (const value of Object.values(result)) (value as AnyTensor | null)?.dispose?.();
  }
}

/**
 * Outputs for a backward's `out`: one zeroed tensor per result of a first (allocating)
 * call, same key and shape (`dx`, and `dslope` / `dceiling` / `dthreshold` /
 * `dreplacement` where the op has one), so timed calls allocate nothing.
 */
function preallocated(
  first: unknown,
  owned: AnyTensor[],
  zeros: (shape: number[]) => Tensor<'float32'>,
): { dx: Tensor<'float32'>; [grad: string]: Tensor<'float32'> } {
  const out: Record<string, Tensor<'float32'>> = {};
  for (const [key, value] of Object.entries(first as Record<string, Tensor<'float32'>>)) {
    out[key] = zeros([...value.shape]);
    owned.push(out[key]);
    value.dispose();
  }
  if (!out.dx) throw new Error('backward returned no dx');
  return out as { dx: Tensor<'float32'> };
}

function opParams(c: BenchCase): Record<string, unknown> {
  if (c.op === 'prelu') return { slope: preluSlopes(), channelAxis: 1 };
  if (c.op === 'dropout') return { ...PARAMS.dropout };
  return { ...((PARAMS as Record<string, object>)[c.op] ?? {}) };
}

/**
 * `wasm-simd x2` -> wasm-simd with { threads: 2 }; `wasm-simd auto` -> { threads: 'auto' }
 * (the backend's default: every core, adapting to a busy machine); plain `wasm-simd` is
 * one thread; other names as they are.
 */
export function backendOf(name: string): {
  backend: string;
  options?: { threads: number | 'auto' };
} {
  if (name === 'wasm-simd') return { backend: name, options: { threads: 1 } };
  if (name === 'wasm-simd auto') return { backend: 'wasm-simd', options: { threads: 'auto' } };
  const threaded = /^(wasm-simd) x(\d+)$/.exec(name);
  return threaded
    ? { backend: threaded[1]!, options: { threads: Number(threaded[2]) } }
    : { backend: name };
}

/** Probe one backend; returns the target or the reason it is unavailable. */
export async function pointwiseTarget(name: string): Promise<Target | { unavailable: string }> {
  const { backend, options } = backendOf(name);
  const probe = await probeBackend(backend, importer, options);
  if (!probe.available) return { unavailable: probe.reason };
  const { pointwise } = await import('@pointwise/core');
  const pw: Pointwise = await pointwise(probe.factory);
  const api = pw as unknown as Api;
  const copyHook = COPY_HOOKS[kindOf(backend)];

  async function prepare(c: BenchCase, size: number): Promise<Preparation> {
    const shape = benchShape(size);
    const x = pw.tensor(uniformInputs(size, 1), shape);
    const dy = pw.tensor(uniformInputs(size, 2), shape);
    const params = opParams(c);
    const owned: AnyTensor[] = [x, dy];
    const zeros = (outShape: number[]) => pw.zeros(outShape);
    let call: () => void;
    if (c.op === 'dropout' && c.direction === 'forward') {
      // params built once: an object spread per call would be timed as overhead
      const forwardParams = { ...params, returnMask: c.mask };
      call = () => disposeAll(pw.dropoutWithReplacement(x, forwardParams));
    } else if (c.op === 'dropout') {
      const forward = pw.dropoutWithReplacement(x, { ...params, returnMask: true });
      forward.y.dispose();
      const mask = forward.mask as Tensor<'uint8'>;
      owned.push(mask);
      // plain dropout rows: dx only (the replacement is not learned), as the peers compute
      const withMask = c.mask ? { ...params, mask } : params;
      const backwardParams = c.dreplacement ? withMask : { ...withMask, paramGrad: false };
      const out = preallocated(pw.dropoutWithReplacementBackward(dy, backwardParams), owned, zeros);
      const withOut = { ...backwardParams, out };
      call = () => pw.dropoutWithReplacementBackward(dy, withOut);
    } else if (c.direction === 'forward') {
      const y = pw.zeros(shape);
      owned.push(y);
      const forwardParams = { ...params, out: y };
      call = () => api[c.op](x, forwardParams);
    } else {
      let saved: { x: Tensor<'float32'> } | { y: Tensor<'float32'> } = { x };
      if (c.fromY) {
        const y = api[c.op](x, params) as Tensor<'float32'>;
        owned.push(y);
        saved = { y };
      }
      const backward = api[`${c.op}Backward`];
      const out = preallocated(backward(dy, saved, params), owned, zeros);
      const withOut = { ...params, out };
      call = () => backward(dy, saved, withOut);
    }
    const op: Timed = { call, settle: () => pw.flush() };
    return {
      op,
      // read when the row is written, after the timed calls ('auto' tunes in the warm-up)
      get note() {
        const notes = [noteFor(c), touchNote(pw, c, size)].filter((n) => n !== undefined);
        return notes.length > 0 ? notes.join('; ') : undefined;
      },
      dispose: () => {
        for (const t of owned) t.dispose();
      },
    };
  }

  return {
    name,
    kind: 'backend',
    copy: (bytes) => copyHook(bytes, pw.backend),
    prepare,
    memory: () => pw.memory(),
    close: () => pw.destroy(),
  };
}
