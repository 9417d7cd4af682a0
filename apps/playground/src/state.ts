// The playground's state: which op, which backend, the parameter values and the
// plotted range, plus the mapping from the page's controls to each op's core params.
// Everything the views compute is derived from one PlaygroundState.

import type { ACTIVATION_NAMES } from '@pointwise/core';

export type ActivationName = (typeof ACTIVATION_NAMES)[number];
/** What the op control can select: an activation or dense dropout. */
export type PageOp = ActivationName | 'dropoutWithReplacement';

export const DROPOUT_OP = 'dropoutWithReplacement';

export function isActivation(op: PageOp): op is ActivationName {
  return op !== DROPOUT_OP;
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
  relu: [],
  leakyRelu: ['alpha'],
  prelu: ['slope'],
  thresholdedRelu: ['alpha'],
  shiftedRelu: ['threshold'],
  clippedRelu: ['ceiling'],
  elu: ['alpha'],
};

export const DROPOUT_PARAMS: ParamName[] = ['ratio', 'replacement', 'seed', 'stream'];

/** leakyRelu, elu and thresholdedRelu share the alpha control but not its default (core's defaults). */
export const ALPHA_DEFAULT: Partial<Record<ActivationName, number>> = {
  leakyRelu: 0.01,
  elu: 1,
  thresholdedRelu: 1,
};

/** Whether a control belongs to the dropout group (ratio, replacement, seed, stream). */
export function isDropoutParam(name: ParamName): boolean {
  return DROPOUT_PARAMS.includes(name);
}

export function initialState(): PlaygroundState {
  return {
    op: 'relu',
    backend: 'js',
    params: {
      alpha: 0.01,
      threshold: 1,
      ceiling: 6,
      slope: 0.25,
      ratio: 0.5,
      replacement: 0,
      seed: 0,
      stream: 0,
    },
    range: { min: -5, max: 5 },
    compare: [],
  };
}

/** The params object core's op takes, from the page's controls. */
export function coreParams(op: PageOp, p: PlaygroundParams): Record<string, number> {
  switch (op) {
    case 'dropoutWithReplacement':
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
