// The benchmark cases: one entry per (op, direction, variant), shared by the
// Pointwise worker and the peers so a row means the same work everywhere. Bytes
// per element are the SPEC traffic of that call (see bytes.ts).

import { ACTIVATION_NAMES } from '@pointwise/core';

/** The benchmarked ops: every activation and dense dropout (sparse dropout moves ids, not floats). */
export const OP_NAMES = [...ACTIVATION_NAMES, 'dropout'] as const;
export type OpName = (typeof OP_NAMES)[number];

export type Direction = 'forward' | 'backward';

export interface BenchCase {
  /**
   * Stable id used in rows, files and charts, e.g. `relu.backward` (from x),
   * `elu.backward+y` (from y) or `dropout.forward+mask`.
   */
  id: string;
  op: OpName;
  direction: Direction;
  /** dropout only: whether a mask is written (forward) or read (backward). */
  mask?: boolean;
  /**
   * dropout backward only: whether dreplacement is computed too (a learned replacement).
   * The plain rows pass `paramGrad: false` (dx only), the work the peers' rows do.
   */
  dreplacement?: boolean;
  /**
   * elu backward only: dx from y (`{ y }`), the row that faces tfjs's EluGrad (dy * (y + 1)
   * from y); without it a backward is from x.
   */
  fromY?: boolean;
}

/** Channels for prelu's per-channel slope (tensor viewed as [size / C, C], channel axis 1). */
export const PRELU_CHANNELS = 16;

/** The parameters every target uses, so peers compute the same function. */
export const PARAMS = {
  leakyRelu: { alpha: 0.01 },
  thresholdedRelu: { alpha: 0.5 },
  // the same cut as thresholdedRelu, so the two rows differ by the shift and dthreshold only
  shiftedRelu: { threshold: 0.5 },
  clippedRelu: { ceiling: 6 },
  elu: { alpha: 1 },
  dropout: { ratio: 0.5, replacement: 0, scale: true, seed: 7, stream: 0 },
} as const;

export function casesFor(op: OpName): BenchCase[] {
  if (op === 'dropout') {
    return [
      { id: 'dropout.forward+mask', op, direction: 'forward', mask: true },
      { id: 'dropout.forward', op, direction: 'forward', mask: false },
      { id: 'dropout.backward+mask', op, direction: 'backward', mask: true },
      { id: 'dropout.backward', op, direction: 'backward', mask: false },
      {
        id: 'dropout.backward+mask+dreplacement',
        op,
        direction: 'backward',
        mask: true,
        dreplacement: true,
      },
    ];
  }
  const cases: BenchCase[] = [
    { id: `${op}.forward`, op, direction: 'forward' },
    { id: `${op}.backward`, op, direction: 'backward' },
  ];
  // elu from y: what tfjs's EluGrad computes, so that peer row is like for like
  if (op === 'elu') cases.push({ id: 'elu.backward+y', op, direction: 'backward', fromY: true });
  return cases;
}

export function expandCases(ops: readonly OpName[]): BenchCase[] {
  return ops.flatMap(casesFor);
}
