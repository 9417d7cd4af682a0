// What `--exhaustive` sweeps: for every activation, the parameter sets that move a
// kink or a rounding boundary, and per set the sweeps over all 2^32 float32 bit
// patterns (forward over x; backward over x and over y for fixed dy; backward over
// dy for fixed x), plus the windows the CI slice runs around kinks and boundaries.

import { f32Bits } from '../../float32.js';
import { ACTIVATION_NAMES } from '../../ops/index.js';

export type ActivationName = (typeof ACTIVATION_NAMES)[number];
export type Params = Record<string, unknown>;

/** Which input a sweep walks: x (forward), x or y with dy fixed, or dy with x fixed. */
export type SweepKind = 'forward' | 'backward-x' | 'backward-y' | 'backward-dy';

export interface SweepTask {
  /** Stable id: `op/kind/params[/dy=hex | /x=hex]`. */
  id: string;
  op: ActivationName;
  kind: SweepKind;
  params: Params;
  /** The params as a label (`default`, `alpha=1e-45`). */
  label: string;
  /** The value held fixed: dy for backward-x / backward-y, x for backward-dy. */
  fixed?: number;
}

/** 2^32: every float32 bit pattern. */
export const ALL_INPUTS = 4294967296;

const MIN_SUBNORMAL = 2 ** -149;
const F32_MAX = 3.4028234663852886e38;

/**
 * The parameter sets per op (the first is the default). Each one moves a kink or a
 * rounding boundary: a subnormal parameter (products and differences near the
 * subnormal range), a slope of 1 and 0 (the identity and signed-zero products), a
 * negative parameter, -0 and negative thresholds, a subnormal and the largest ceiling.
 */
export const EXHAUSTIVE_PARAMS: Record<ActivationName, Params[]> = {
  relu: [{}],
  leakyRelu: [{}, { alpha: MIN_SUBNORMAL }, { alpha: 1 }, { alpha: 0 }, { alpha: -0.5 }],
  prelu: [{}, { slope: [MIN_SUBNORMAL] }, { slope: [1] }, { slope: [-0.5] }],
  thresholdedRelu: [{}, { alpha: 0 }, { alpha: -0 }, { alpha: -2.5 }, { alpha: MIN_SUBNORMAL }],
  shiftedRelu: [
    {},
    { threshold: -0 },
    { threshold: -2.5 },
    { threshold: MIN_SUBNORMAL },
    { threshold: 0.1 },
  ],
  clippedRelu: [{}, { ceiling: MIN_SUBNORMAL }, { ceiling: 1 }, { ceiling: F32_MAX }],
  elu: [{}, { alpha: 0.5 }, { alpha: 0 }],
};

/** -sqrt(2) in float32: every mantissa bit matters, so every product with it rounds. */
export const DY_ROUNDING = Math.fround(-Math.SQRT2);
/** 1 - 2^-24: the largest float32 below 1, all 24 mantissa bits set. */
export const DY_ALL_ONES = Math.fround(1 - 2 ** -24);

/**
 * Fixed dy values of the x and y sweeps. Exact ops: a dy whose products round, and
 * NaN (a zero must be selected, never dy·0). elu: 1, and two dy whose products
 * with alpha·exp(x) round.
 */
export function dyValues(op: ActivationName): number[] {
  return op === 'elu' ? [1, DY_ROUNDING, DY_ALL_ONES] : [DY_ROUNDING, Number.NaN];
}

/** Fixed x values of the dy sweeps: the product side (every alpha·dy), and the pass side. */
export function dySweepXs(op: ActivationName): number[] {
  if (op === 'elu') return [-1, Math.fround(-0.1)];
  if (op === 'leakyRelu' || op === 'prelu') return [-1];
  return [];
}

export function hex(v: number): string {
  return `0x${f32Bits(v).toString(16).padStart(8, '0')}`;
}

export function paramsLabel(p: Params): string {
  const entries = Object.entries(p);
  if (entries.length === 0) return 'default';
  return entries
    .map(([k, v]) => {
      const show = (n: unknown) => (Object.is(n, -0) ? '-0' : String(n));
      return `${k}=${Array.isArray(v) ? `[${v.map(show).join(',')}]` : show(v)}`;
    })
    .join(',');
}

/** Whether backward from y is allowed for these params (SPEC table, last column). */
export function backwardFromYAllowed(op: ActivationName, p: Params): boolean {
  if (op === 'prelu') return false;
  if (op === 'leakyRelu') return Math.fround((p.alpha as number | undefined) ?? 0.01) > 0;
  if (op === 'thresholdedRelu' || op === 'elu')
    return Math.fround((p.alpha as number | undefined) ?? 1) >= 0;
  return true;
}

export interface PlanOptions {
  ops?: readonly string[];
  /** Only the default parameters and the first dy / x of each sweep (the CI slice). */
  defaultsOnly?: boolean;
}

/** Every sweep task for the selected ops, in SPEC order. */
export function planSweeps(options: PlanOptions = {}): SweepTask[] {
  const tasks: SweepTask[] = [];
  const ops = ACTIVATION_NAMES.filter((n) => !options.ops || options.ops.includes(n));
  for (const op of ops) {
    const sets = options.defaultsOnly ? EXHAUSTIVE_PARAMS[op].slice(0, 1) : EXHAUSTIVE_PARAMS[op];
    for (const params of sets) {
      const label = paramsLabel(params);
      const base = { op, params, label };
      tasks.push({ ...base, kind: 'forward', id: `${op}/forward/${label}` });
      const dys = options.defaultsOnly ? dyValues(op).slice(0, 1) : dyValues(op);
      for (const dy of dys)
        tasks.push({
          ...base,
          kind: 'backward-x',
          fixed: dy,
          id: `${op}/backward-x/${label}/dy=${hex(dy)}`,
        });
      if (backwardFromYAllowed(op, params))
        for (const dy of dys)
          tasks.push({
            ...base,
            kind: 'backward-y',
            fixed: dy,
            id: `${op}/backward-y/${label}/dy=${hex(dy)}`,
          });
      const xs = options.defaultsOnly ? dySweepXs(op).slice(0, 1) : dySweepXs(op);
      for (const x of xs)
        tasks.push({
          ...base,
          kind: 'backward-dy',
          fixed: x,
          id: `${op}/backward-dy/${label}/x=${hex(x)}`,
        });
    }
  }
  return tasks;
}

/** Boundaries every window set includes: ±0, the subnormal/normal edge, ±Inf next to NaN. */
const BOUNDARY_BITS = [0x00000000, 0x80000000, 0x00800000, 0x80800000, 0x7f800000, 0xff800000];

/** The kinks of a task in its swept variable, as bit patterns (both signs of a zero kink). */
export function kinkBits(task: SweepTask): number[] {
  if (task.kind === 'backward-dy') return [];
  const p = task.params;
  const num = (k: string, d: number) => Math.fround((p[k] as number | undefined) ?? d);
  const kinks: number[] = [0];
  if (task.kind === 'backward-y') {
    if (task.op === 'thresholdedRelu') kinks.push(num('alpha', 1));
    if (task.op === 'clippedRelu') kinks.push(num('ceiling', 6));
    if (task.op === 'elu') kinks.push(-num('alpha', 1));
  } else {
    if (task.op === 'thresholdedRelu') kinks.push(num('alpha', 1));
    if (task.op === 'shiftedRelu') kinks.push(num('threshold', 0));
    if (task.op === 'clippedRelu') kinks.push(num('ceiling', 6));
  }
  return kinks.map((k) => f32Bits(k));
}

/** A half-open range of bit patterns [start, start + count), start in [0, 2^32). */
export interface BitRange {
  start: number;
  count: number;
}

/**
 * The CI slice's windows for a task: `total` inputs (default 2^24) shared evenly by
 * windows centred on every kink and boundary bit pattern (wrapping at 2^32; windows
 * that overlap are merged so no input is checked twice).
 */
export function sliceWindows(task: SweepTask, total = 2 ** 24): BitRange[] {
  const centres = [...new Set([...BOUNDARY_BITS, ...kinkBits(task)])];
  const each = Math.max(2, 2 ** Math.floor(Math.log2(total / centres.length)));
  const ranges: BitRange[] = [];
  for (const c of centres) {
    const start = (c - each / 2 + ALL_INPUTS) % ALL_INPUTS;
    if (start + each > ALL_INPUTS) {
      ranges.push({ start, count: ALL_INPUTS - start });
      ranges.push({ start: 0, count: start + each - ALL_INPUTS });
    } else ranges.push({ start, count: each });
  }
  ranges.sort((a, b) => a.start - b.start);
  const merged: BitRange[] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r.start <= last.start + last.count) {
      last.count = Math.max(last.count, r.start + r.count - last.start);
    } else merged.push({ ...r });
  }
  return merged;
}
