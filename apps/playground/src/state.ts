// The playground's state: which op, which backend, the parameter values and the
// plotted range, plus the mapping from the page's controls to each op's core params
// (defaults read from core). Everything the views compute is derived from one PlaygroundState.

import {
  type ACTIVATION_NAMES,
  activations,
  DROPOUT_PARAM_KEYS,
  resolveDropout,
} from '@pointwise/core';
import { shortF32 } from './format.js';

export type ActivationName = (typeof ACTIVATION_NAMES)[number];
/** What the op control can select: an activation, dense dropout or sparse dropout. */
export type PageOp = ActivationName | 'dropoutWithReplacement' | 'sparseDropoutWithReplacement';

export const DROPOUT_OP = 'dropoutWithReplacement';
export const SPARSE_OP = 'sparseDropoutWithReplacement';

export function isActivation(op: PageOp): op is ActivationName {
  return op !== DROPOUT_OP && op !== SPARSE_OP;
}

export interface PlaygroundParams {
  /** leakyRelu / elu / thresholdedRelu alpha (core's key for all three). */
  alpha: number;
  /** shiftedRelu's threshold. */
  threshold: number;
  /** clippedRelu ceiling. */
  ceiling: number;
  /** prelu slope (one shared channel). */
  slope: number;
  /** Dropout drop probability. */
  ratio: number;
  /** Dense dropout replacement value; truncated to an integer id for sparse dropout. */
  replacement: number;
  /** Philox seed and stream (unsigned, safe integers). */
  seed: number;
  stream: number;
}

export type ParamName = keyof PlaygroundParams;

export interface PlaygroundState {
  op: PageOp;
  backend: string;
  params: PlaygroundParams;
  range: { min: number; max: number };
  /** Ops drawn on the forward chart beside the chosen one (with core's default params). */
  compare: ActivationName[];
}

/** Slider range and step per control; the number field beside it accepts any value core allows. */
export const PARAM_CONTROLS: Record<
  ParamName,
  { min: number; max: number; step: number; label: string }
> = {
  alpha: { min: -1, max: 3, step: 0.01, label: 'alpha' },
  threshold: { min: -3, max: 3, step: 0.01, label: 'threshold' },
  ceiling: { min: 0.1, max: 10, step: 0.1, label: 'ceiling' },
  slope: { min: -1, max: 2, step: 0.01, label: 'slope' },
  ratio: { min: 0, max: 1, step: 0.01, label: 'ratio' },
  replacement: { min: -5, max: 5, step: 0.5, label: 'replacement' },
  seed: { min: 0, max: 1000, step: 1, label: 'seed' },
  stream: { min: 0, max: 100, step: 1, label: 'stream' },
};

/** Which controls each op uses; the others are disabled while it is selected. */
export const OP_PARAMS: Record<PageOp, ParamName[]> = {
  dropoutWithReplacement: ['ratio', 'replacement', 'seed', 'stream'],
  sparseDropoutWithReplacement: ['ratio', 'replacement', 'seed', 'stream'],
  relu: [],
  leakyRelu: ['alpha'],
  prelu: ['slope'],
  thresholdedRelu: ['alpha'],
  shiftedRelu: ['threshold'],
  clippedRelu: ['ceiling'],
  elu: ['alpha'],
};

export const DROPOUT_PARAMS: ParamName[] = ['ratio', 'replacement', 'seed', 'stream'];

/**
 * Core's default for a control as the op that uses it resolves `{}` (elu's alpha 1,
 * leakyRelu's 0.01, shiftedRelu's threshold 0, ...); undefined where `op` does not
 * take `name`. Read from core, so the page cannot drift from it.
 */
export function coreDefault(op: PageOp, name: ParamName): number | undefined {
  if (!OP_PARAMS[op].includes(name)) return undefined;
  // Sparse dropout's documented defaults (ratio 0, replacement 0) differ from dense dropout's.
  if (op === SPARSE_OP) return { ratio: 0, replacement: 0, seed: 0, stream: 0 }[name as string];
  if (!isActivation(op)) {
    const r = resolveDropout(op, {}, DROPOUT_PARAM_KEYS);
    return { ratio: r.ratio, replacement: r.replacement, seed: 0, stream: 0 }[name as string];
  }
  const spec = activations.find((a) => a.name === op)!.spec as {
    resolve(op: string, params: object, shape: number[]): Record<string, unknown>;
  };
  const value = spec.resolve(op, {}, [1])[name];
  // Core holds float32 (0.009999999776482582): the control shows the short decimal
  // that rounds to it (0.01), which gives core the same float32.
  return Number(shortF32(value instanceof Float32Array ? value[0]! : (value as number)));
}

/** The op that owns a control's value and checks it (alpha: the selected op, if it takes alpha). */
export const PARAM_OWNER: Record<ParamName, PageOp> = {
  alpha: 'elu',
  threshold: 'shiftedRelu',
  ceiling: 'clippedRelu',
  slope: 'prelu',
  ratio: DROPOUT_OP,
  replacement: DROPOUT_OP,
  seed: DROPOUT_OP,
  stream: DROPOUT_OP,
};

/** Whether a control belongs to the dropout group (ratio, replacement, seed, stream). */
export function isDropoutParam(name: ParamName): boolean {
  return DROPOUT_PARAMS.includes(name);
}

/** Every control at core's default (alpha at leakyRelu's; switching op resets it). */
export function initialParams(): PlaygroundParams {
  const params = {} as PlaygroundParams;
  for (const name of Object.keys(PARAM_CONTROLS) as ParamName[])
    params[name] = coreDefault(name === 'alpha' ? 'leakyRelu' : PARAM_OWNER[name], name)!;
  return params;
}

export function initialState(): PlaygroundState {
  return {
    op: 'relu',
    backend: 'js',
    params: initialParams(),
    range: { min: -5, max: 5 },
    compare: [],
  };
}

/**
 * The plot range an op opens with: -5..5, widened so that every kink of the op at these
 * params lies inside with a margin (clippedRelu's ceiling 6 gives -5..8), as tfjs'
 * and PyTorch's docs plot each activation over a range that shows its shape.
 */
export function defaultRange(op: PageOp, params: PlaygroundParams): { min: number; max: number } {
  const kinks = isActivation(op) ? kinksOf(op, params) : [];
  if (kinks.length === 0) return { min: -5, max: 5 };
  const lo = Math.min(...kinks);
  const hi = Math.max(...kinks);
  const pad = Math.max(2, (hi - lo) / 4);
  return { min: Math.min(-5, Math.floor(lo - pad)), max: Math.max(5, Math.ceil(hi + pad)) };
}

/** The kinks of an activation at the page's params; none when core rejects them. */
function kinksOf(op: ActivationName, params: PlaygroundParams): number[] {
  const spec = activations.find((a) => a.name === op)!.spec as unknown as {
    resolve(op: string, params: object, shape: number[]): unknown;
    kinks(r: unknown): number[];
  };
  try {
    return spec.kinks(spec.resolve(op, coreParams(op, params), [1])).filter(Number.isFinite);
  } catch {
    return [];
  }
}

/** The params object core's op takes, from the page's controls. */
export function coreParams(op: PageOp, p: PlaygroundParams): Record<string, number> {
  switch (op) {
    case 'dropoutWithReplacement':
    case 'sparseDropoutWithReplacement':
      return dropoutParams(p);
    case 'relu':
      return {};
    case 'leakyRelu':
    case 'elu':
      return { alpha: p.alpha };
    case 'thresholdedRelu':
      return { alpha: p.alpha };
    case 'shiftedRelu':
      return { threshold: p.threshold };
    case 'clippedRelu':
      return { ceiling: p.ceiling };
    case 'prelu':
      return { slope: p.slope };
  }
}

/** Dense dropout params from the page's controls. */
export function dropoutParams(p: PlaygroundParams) {
  return { ratio: p.ratio, replacement: p.replacement, seed: p.seed, stream: p.stream };
}
