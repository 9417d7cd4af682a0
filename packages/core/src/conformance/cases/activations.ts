// Conformance cases for the activations, generated from their op specs:
// full float32 sweeps (forward, backward from x, backward from y), parameter
// gradients against exact sums, finite differences of the reference, y-vs-x
// agreement, in-place forward, and the edge sizes. Accuracy per spec: exact ops
// are bit-exact; elu is within 2 ulp (SPEC section 1).

import type { ActivationSpec } from '../../activation.js';
import { f32, sameF32 } from '../../float32.js';
import { activations } from '../../ops/index.js';
import type { Pointwise } from '../../pointwise.js';
import type { Shape, Tensor } from '../../tensor.js';
import { type CaseOutcome, type ConformanceCase, combine, withTensors } from '../case.js';
import {
  acceptExact,
  acceptSum,
  type CheckResult,
  checkElements,
  describeMismatch,
  ExactSum,
  judgeUlp,
} from '../intervals.js';
import {
  concat,
  EDGE_SIZES,
  fullF32Sweep,
  gradientsFor,
  roundingGradientsFor,
  SPECIAL_VALUES,
  seededRandom,
  specialPairs,
  uniform,
} from '../values.js';

type AnySpec = ActivationSpec<any, any, any, any>;
type Params = Record<string, unknown>;
type ForwardMethod = (x: Tensor<'float32'>, p?: Params) => Tensor<'float32'>;
type BackwardMethod = (
  dy: Tensor<'float32'>,
  saved: object,
  p?: Params,
) => Record<string, Tensor<'float32'>>;

export function forwardOf(pw: Pointwise, spec: AnySpec): ForwardMethod {
  return (pw as unknown as Record<string, ForwardMethod>)[spec.name]!;
}
export function backwardOf(pw: Pointwise, spec: AnySpec): BackwardMethod {
  return (pw as unknown as Record<string, BackwardMethod>)[`${spec.name}Backward`]!;
}

export function paramsLabel(p: object): string {
  const entries = Object.entries(p);
  if (entries.length === 0) return 'default';
  return entries
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`)
    .join(',');
}

/** A shape of `length` elements that gives prelu's per-channel slope its channel axis. */
export function shapeFor(p: Params, length: number): Shape {
  const slope = p.slope;
  const channels = Array.isArray(slope) || slope instanceof Float32Array ? slope.length : 1;
  if (channels <= 1) return [length];
  const axis = (p.channelAxis as number | undefined) ?? 1;
  if (axis === 1) return [length / (channels * 4), channels, 4];
  return [length / channels, channels];
}

export interface ElementChecker {
  /** forward: x → y check */
  forward(x: Float32Array, actual: Float32Array): CheckResult;
  backward(dy: Float32Array, x: Float32Array, actual: Float32Array): CheckResult;
  backwardFromY(dy: Float32Array, y: Float32Array, actual: Float32Array): CheckResult;
}

export function checkerFor(spec: AnySpec, r: any): ElementChecker {
  const ref = spec.reference;
  const ulps = spec.accuracy.kind === 'ulp' ? spec.accuracy.ulp : 0;
  const alpha = (r as { alpha?: number }).alpha ?? 1;
  const exact = spec.accuracy.kind === 'exact';
  return {
    forward: (x, actual) =>
      checkElements(
        actual,
        (i) => ref.forward(x[i]!, r, i),
        exact
          ? acceptExact
          : (i, a, e) => judgeUlp(ulps, a, e, x[i]! > 0 ? 1 : alpha * Math.exp(x[i]!), 1),
        (i) => ({ x: x[i]! }),
      ),
    backward: (dy, x, actual) =>
      checkElements(
        actual,
        (i) => ref.backward(dy[i]!, x[i]!, r, i),
        exact
          ? acceptExact
          : (i, a, e) => judgeUlp(ulps, a, e, x[i]! > 0 ? 1 : alpha * Math.exp(x[i]!), dy[i]!),
        (i) => ({ x: x[i]!, dy: dy[i]! }),
      ),
    backwardFromY: (dy, y, actual) =>
      checkElements(
        actual,
        (i) => ref.backwardFromY(dy[i]!, y[i]!, r, i),
        exact
          ? acceptExact
          : (i, a, e) => judgeUlp(ulps, a, e, y[i]! > 0 ? 1 : y[i]! + alpha, dy[i]!),
        (i) => ({ y: y[i]!, dy: dy[i]! }),
      ),
  };
}

export function outcome(label: string, result: CheckResult): CaseOutcome {
  return {
    pass: result.pass,
    maxUlp: result.maxUlp,
    message: result.pass ? undefined : describeMismatch(label, result),
  };
}

/** Whether backward from y returns the parameter gradient too (shiftedRelu's dthreshold). */
function paramGradFromY(spec: AnySpec): boolean {
  return spec.paramGrad?.termFromY !== undefined;
}

/**
 * Check the parameter gradient tensor against exact per-slot sums of the terms
 * computed from `source`: x, or (from = 'y') the y the backend was given.
 */
function checkParamGrad(
  spec: AnySpec,
  r: any,
  dy: Float32Array,
  source: Float32Array,
  actual: Float32Array,
  from: 'x' | 'y' = 'x',
): CaseOutcome {
  const grad = spec.paramGrad!;
  const term = from === 'x' ? grad.term : grad.termFromY!;
  const sums = Array.from({ length: grad.length(r) }, () => new ExactSum());
  for (let i = 0; i < source.length; i++)
    sums[grad.slot(r, i)]!.add(term(dy[i]!, source[i]!, r, i));
  let worst = 0;
  for (let c = 0; c < sums.length; c++) {
    const verdict = acceptSum(actual[c]!, sums[c]!);
    worst = Math.max(worst, verdict.ulp);
    if (!verdict.pass) {
      return {
        pass: false,
        maxUlp: verdict.ulp,
        message: `${grad.name}[${c}] (from ${from}) = ${actual[c]} but the exact sum is ${sums[c]!.value} (bound ±${verdict.bound} over ${sums[c]!.count} terms)`,
      };
    }
  }
  return { pass: true, maxUlp: worst };
}

function resolved(spec: AnySpec, p: Params, shape: Shape): any {
  return spec.resolve(spec.name, p, shape);
}

/** y = f32(reference forward): the saved y every backend receives for backward-from-y checks. */
function referenceY(spec: AnySpec, r: any, x: Float32Array): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = spec.reference.forward(x[i]!, r, i);
  return y;
}

const sweepCache = new Map<string, { x: Float32Array; dy: Float32Array }>();
/**
 * The sweep for one op and params: the full float32 sweep then every special x × special
 * dy pair. Ops judged in ulps (elu) get dy whose products round (full significands, both
 * signs, near the subnormal and overflow edges): an exact op's product is exact anyway.
 */
function sweepFor(spec: AnySpec, p: Params): { x: Float32Array; dy: Float32Array } {
  const key = `${spec.name}/${paramsLabel(p)}`;
  let cached = sweepCache.get(key);
  if (!cached) {
    const probe = resolved(spec, p, shapeFor(p, 12));
    const kinks = spec.kinks(probe);
    const sweep = fullF32Sweep(kinks);
    const pairs = specialPairs(kinks);
    const dy =
      spec.accuracy.kind === 'ulp'
        ? roundingGradientsFor(sweep.length, 7)
        : gradientsFor(sweep.length, 7);
    cached = { x: concat(sweep, pairs.x), dy: concat(dy, pairs.dy) };
    sweepCache.clear(); // keep one sweep alive at a time (about 8 MB)
    sweepCache.set(key, cached);
  }
  return cached;
}

function sweepCases(spec: AnySpec, p: Params): ConformanceCase[] {
  const label = paramsLabel(p);
  const op = spec.name as string;
  const cases: ConformanceCase[] = [
    {
      id: `${op}/forward/sweep/${label}`,
      op,
      description: `forward over >10^6 float32 values (every exponent, ±0, ±Inf, NaN, subnormals, kinks ± 4 ulp), ${spec.accuracy.kind === 'exact' ? 'bit-exact' : `${(spec.accuracy as { ulp: number }).ulp} ulp`}`,
      run: (pw) =>
        withTensors(async (keep) => {
          const { x } = sweepFor(spec, p);
          const shape = shapeFor(p, x.length);
          const r = resolved(spec, p, shape);
          const y = await keep(forwardOf(pw, spec)(keep(pw.tensor(x, shape)), p)).read();
          return outcome('y', checkerFor(spec, r).forward(x, y));
        }),
    },
    {
      id: `${op}/backward-x/sweep/${label}`,
      op,
      description:
        'backward from x over the sweep and every special x × special dy pair' +
        (spec.paramGrad ? `, with ${spec.paramGrad.name}` : ''),
      run: (pw) =>
        withTensors(async (keep) => {
          const { x, dy } = sweepFor(spec, p);
          const shape = shapeFor(p, x.length);
          const r = resolved(spec, p, shape);
          const grads = backwardOf(pw, spec)(
            keep(pw.tensor(dy, shape)),
            { x: keep(pw.tensor(x, shape)) },
            p,
          );
          for (const t of Object.values(grads)) keep(t);
          const parts = [
            outcome('dx', checkerFor(spec, r).backward(dy, x, await grads.dx!.read())),
          ];
          if (spec.paramGrad) {
            const g = grads[spec.paramGrad.name];
            parts.push(
              g
                ? checkParamGrad(spec, r, dy, x, await g.read())
                : { pass: false, message: `${spec.paramGrad.name} missing` },
            );
          }
          return combine(parts);
        }),
    },
  ];
  const probe = resolved(spec, p, shapeFor(p, 12));
  if (spec.allowsBackwardFromY(probe)) {
    cases.push(
      {
        id: `${op}/backward-y/sweep/${label}`,
        op,
        description:
          'backward from y = f32(reference(x)) over the sweep, against the reference evaluated on that same y' +
          (paramGradFromY(spec) ? `, with ${spec.paramGrad!.name}` : ''),
        run: (pw) =>
          withTensors(async (keep) => {
            const { x, dy } = sweepFor(spec, p);
            const shape = shapeFor(p, x.length);
            const r = resolved(spec, p, shape);
            const y = referenceY(spec, r, x);
            const grads = backwardOf(pw, spec)(
              keep(pw.tensor(dy, shape)),
              { y: keep(pw.tensor(y, shape)) },
              p,
            );
            for (const t of Object.values(grads)) keep(t);
            const dxOutcome = outcome(
              'dx',
              checkerFor(spec, r).backwardFromY(dy, y, await grads.dx!.read()),
            );
            if (!spec.paramGrad) return dxOutcome;
            const g = grads[spec.paramGrad.name];
            if (!paramGradFromY(spec)) {
              return g
                ? { pass: false, message: `${spec.paramGrad.name} must not be returned from y` }
                : dxOutcome;
            }
            return combine([
              dxOutcome,
              g
                ? checkParamGrad(spec, r, dy, y, await g.read(), 'y')
                : { pass: false, message: `${spec.paramGrad.name} missing from y` },
            ]);
          }),
      },
      {
        id: `${op}/backward-y-vs-x/${label}`,
        op,
        description:
          spec.accuracy.kind === 'exact'
            ? `dx${paramGradFromY(spec) ? ` and ${spec.paramGrad!.name}` : ''} from the backend’s own y equal${paramGradFromY(spec) ? '' : 's'} those from x, bit for bit`
            : 'dx from the backend’s own y agrees with dx from x up to the rounding of y',
        run: (pw) => yVersusX(pw, spec, p),
      },
      {
        id: `${op}/forward/in-place/${label}`,
        op,
        description:
          'forward with out = x (allowed because backward from y is) matches the reference',
        run: (pw) =>
          withTensors(async (keep) => {
            const x = concat(
              uniform(1021, 3),
              Float32Array.from(SPECIAL_VALUES),
              new Float32Array(5),
            );
            const shape = shapeFor(p, x.length);
            const r = resolved(spec, p, shape);
            const t = keep(pw.tensor(x, shape));
            const returned = forwardOf(pw, spec)(t, { ...p, out: t });
            if (returned !== t)
              return { pass: false, message: 'in-place forward must return the out tensor' };
            return outcome('y (in place)', checkerFor(spec, r).forward(x, await t.read()));
          }),
      },
    );
  }
  return cases;
}

async function yVersusX(pw: Pointwise, spec: AnySpec, p: Params): Promise<CaseOutcome> {
  return withTensors(async (keep) => {
    const exact = spec.accuracy.kind === 'exact';
    const x = exact
      ? sweepFor(spec, p).x
      : concat(
          uniform(65536, 11, -20, 20),
          Float32Array.from(SPECIAL_VALUES.filter(Number.isFinite)),
          new Float32Array(2),
        );
    const dy = exact ? sweepFor(spec, p).dy : uniform(x.length, 12, -3, 3);
    const shape = shapeFor(p, x.length);
    const r = resolved(spec, p, shape);
    const tx = keep(pw.tensor(x, shape));
    const ty = keep(forwardOf(pw, spec)(tx, p));
    const tdy = keep(pw.tensor(dy, shape));
    const gradsX = backwardOf(pw, spec)(tdy, { x: tx }, p);
    const gradsY = backwardOf(pw, spec)(tdy, { y: ty }, p);
    for (const t of [...Object.values(gradsX), ...Object.values(gradsY)]) keep(t);
    const fromX = await gradsX.dx!.read();
    const fromY = await gradsY.dx!.read();
    const y = await ty.read();
    if (paramGradFromY(spec)) {
      // the same terms (y <= 0 exactly where x is at or below the kink) in the same order
      const name = spec.paramGrad!.name;
      const gx = await gradsX[name]!.read();
      const gy = gradsY[name] ? await gradsY[name]!.read() : null;
      if (!gy || gy.length !== gx.length || gx.some((v, c) => !sameF32(v, gy[c]!)))
        return {
          pass: false,
          message: `${name} from y = [${gy ? Array.from(gy).join(', ') : 'missing'}] but from x = [${Array.from(gx).join(', ')}]`,
        };
    }
    const alpha = (r as { alpha: number }).alpha;
    // ulp distance is no measure here (dx from y legitimately loses digits), so none is reported
    return withoutUlp(
      outcome(
        'dx from y vs from x',
        checkElements(
          fromY,
          (i) => fromX[i]!,
          exact
            ? acceptExact
            : (i, a, e) => {
                // y carries up to 2 ulp of error, so y + alpha differs from alpha·exp(x) by up to that
                const slack = Math.abs(dy[i]!) * 3 * ulpOf(y[i]!) + 4 * ulpOf(e);
                return (
                  Math.abs(a - e) <= slack ||
                  (Number.isNaN(a) && Number.isNaN(e)) ||
                  (alpha === 0 && a === 0 && e === 0)
                );
              },
          (i) => ({ x: x[i]!, y: y[i]!, dy: dy[i]! }),
        ),
      ),
    );
  });
}

function withoutUlp(o: CaseOutcome): CaseOutcome {
  return { ...o, maxUlp: undefined };
}

function ulpOf(v: number): number {
  const a = Math.abs(f32(v));
  if (!Number.isFinite(a)) return Number.POSITIVE_INFINITY;
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** dx (dy = 1) and parameter gradients against central differences of the float64 reference. */
function finiteDifferenceCase(spec: AnySpec, p: Params): ConformanceCase {
  const op = spec.name as string;
  const label = paramsLabel(p);
  return {
    id: `${op}/gradient/finite-difference/${label}`,
    op,
    description:
      'dx and parameter gradients vs central finite differences of the float64 reference, away from kinks',
    run: (pw) =>
      withTensors(async (keep) => {
        const n = 4104;
        const shape = shapeFor(p, n);
        const r = resolved(spec, p, shape);
        const kinks = spec.kinks(r);
        const random = seededRandom(21);
        const x = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          let v: number;
          do v = f32(-6 + 12 * random());
          while (kinks.some((k) => Math.abs(v - k) < 0.05));
          x[i] = v;
        }
        const dy = uniform(n, 22, -1, 1);
        const grads = backwardOf(pw, spec)(
          keep(pw.tensor(dy, shape)),
          { x: keep(pw.tensor(x, shape)) },
          p,
        );
        for (const t of Object.values(grads)) keep(t);
        const dx = await grads.dx!.read();
        const f = spec.reference.forward;
        let worst = 0;
        for (let i = 0; i < n; i++) {
          const h = 1e-6 * Math.max(1, Math.abs(x[i]!));
          const fd = (dy[i]! * (f(x[i]! + h, r, i) - f(x[i]! - h, r, i))) / (2 * h);
          const err = Math.abs(dx[i]! - fd) / Math.max(1, Math.abs(fd));
          worst = Math.max(worst, err);
          if (err > 1e-5) {
            return {
              pass: false,
              message: `dx[${i}] = ${dx[i]} but finite differences give ${fd} at x = ${x[i]}, dy = ${dy[i]}`,
            };
          }
        }
        if (spec.paramGrad) {
          const g = await grads[spec.paramGrad.name]!.read();
          const message = checkParamGradByDifferences(spec, r, x, dy, g);
          if (message) return { pass: false, message };
        }
        return { pass: true, message: `max relative error ${worst.toExponential(2)}` };
      }),
  };
}

/** Perturb each learnable parameter slot by ±h and difference L = Σ dy·f(x). */
function checkParamGradByDifferences(
  spec: AnySpec,
  r: any,
  x: Float32Array,
  dy: Float32Array,
  g: Float32Array,
): string | null {
  const grad = spec.paramGrad!;
  // dslope -> slope, dceiling -> ceiling, dthreshold -> threshold
  const key = grad.name.slice(1);
  for (let c = 0; c < g.length; c++) {
    const loss = (delta: number) => {
      const shifted =
        key === 'slope'
          ? {
              ...r,
              slope: Array.from(r.slope as Float32Array, (s, k) => (k === c ? s + delta : s)),
            }
          : { ...r, [key]: r[key] + delta };
      let sum = 0;
      for (let i = 0; i < x.length; i++) sum += dy[i]! * spec.reference.forward(x[i]!, shifted, i);
      return sum;
    };
    const h = 1e-4;
    const fd = (loss(h) - loss(-h)) / (2 * h);
    let scale = 0;
    for (let i = 0; i < x.length; i++) scale += Math.abs(dy[i]! * x[i]!);
    if (Math.abs(g[c]! - fd) > 1e-5 * Math.max(1, scale)) {
      return `${grad.name}[${c}] = ${g[c]} but finite differences give ${fd}`;
    }
  }
  return null;
}

/** Forward and backward (and parameter gradient) at one edge size, default params. */
function sizeCase(spec: AnySpec, p: Params, size: number): ConformanceCase {
  const op = spec.name as string;
  return {
    id: `${op}/size/${size}`,
    op,
    description: `forward and backward on ${size} elements (SIMD tails, workgroup edges)`,
    run: (pw) =>
      withTensors(async (keep) => {
        const x = uniform(size, size + 1);
        for (let i = 0; i < size; i += 61) x[i] = SPECIAL_VALUES[(i / 61) % SPECIAL_VALUES.length]!;
        const dy = gradientsFor(size, size + 2);
        const shape = [size];
        const r = resolved(spec, p, shape);
        const check = checkerFor(spec, r);
        const y = await keep(forwardOf(pw, spec)(keep(pw.tensor(x, shape)), p)).read();
        const grads = backwardOf(pw, spec)(
          keep(pw.tensor(dy, shape)),
          { x: keep(pw.tensor(x, shape)) },
          p,
        );
        for (const t of Object.values(grads)) keep(t);
        const parts = [
          outcome('y', check.forward(x, y)),
          outcome('dx', check.backward(dy, x, await grads.dx!.read())),
        ];
        if (spec.paramGrad)
          parts.push(checkParamGrad(spec, r, dy, x, await grads[spec.paramGrad.name]!.read()));
        if (spec.allowsBackwardFromY(r)) {
          const yRef = referenceY(spec, r, x);
          const fromY = backwardOf(pw, spec)(
            keep(pw.tensor(dy, shape)),
            { y: keep(pw.tensor(yRef, shape)) },
            p,
          );
          for (const t of Object.values(fromY)) keep(t);
          parts.push(outcome('dx from y', check.backwardFromY(dy, yRef, await fromY.dx!.read())));
          if (paramGradFromY(spec))
            parts.push(
              checkParamGrad(spec, r, dy, yRef, await fromY[spec.paramGrad!.name]!.read(), 'y'),
            );
        }
        return combine(parts);
      }),
  };
}

/** Parameter gradients on moderate data, where the sum's precision is what is tested. */
function paramGradPrecisionCase(spec: AnySpec, p: Params): ConformanceCase {
  const op = spec.name as string;
  const name = spec.paramGrad!.name;
  return {
    id: `${op}/${name}/precision/${paramsLabel(p)}`,
    op,
    description: `${name} on 2^20 + 8 moderate values, within n·2^-24·Σ|term| of the exact sum${paramGradFromY(spec) ? ', from x and from y' : ''}, and deterministic (a second call gives the same bits)`,
    run: (pw) =>
      withTensors(async (keep) => {
        const n = 12 * 87382; // 2^20 + 8: a multiple of the channel block
        const shape = shapeFor(p, n);
        const r = resolved(spec, p, shape);
        const x = uniform(n, 31, -8, 8);
        const dy = keep(pw.tensor(uniform(n, 32, -1, 1), shape));
        const dyHost = await dy.read();
        const sources: { from: 'x' | 'y'; values: Float32Array }[] = [{ from: 'x', values: x }];
        if (paramGradFromY(spec)) sources.push({ from: 'y', values: referenceY(spec, r, x) });
        const parts: CaseOutcome[] = [];
        for (const { from, values } of sources) {
          const saved = { [from]: keep(pw.tensor(values, shape)) };
          const runs: Float32Array[] = [];
          for (let k = 0; k < 2; k++) {
            const grads = backwardOf(pw, spec)(dy, saved, p);
            for (const t of Object.values(grads)) keep(t);
            runs.push(await grads[name]!.read());
          }
          const [first, second] = runs as [Float32Array, Float32Array];
          parts.push(checkParamGrad(spec, r, dyHost, values, first, from));
          if (first.some((v, c) => !sameF32(v, second[c]!)))
            parts.push({
              pass: false,
              message: `${name} from ${from} is not deterministic: [${Array.from(first).join(', ')}] then [${Array.from(second).join(', ')}]`,
            });
        }
        return combine(parts);
      }),
  };
}

/**
 * Parameter gradients over many channels in every layout, sized so that a low binding
 * limit (webgpu's maxBindingSize 4096 or 65536) cuts one channel's terms, and one
 * row of channels, across several bindings: channels first with a wide channel axis,
 * channels last with 3000 and with 5 channels, one slope, and the one-slot gradients
 * on 2^17 + 5 elements.
 */
const GRAD_LAYOUTS: { label: string; shape: Shape; channelAxis?: number }[] = [
  { label: 'channels-first-[3,700,20]', shape: [3, 700, 20] },
  { label: 'channels-first-[2,9,2500]', shape: [2, 9, 2500] },
  { label: 'channels-last-[40,3000]', shape: [40, 3000], channelAxis: -1 },
  { label: 'channels-last-[4096,5]', shape: [4096, 5], channelAxis: -1 },
  { label: 'one-slot-[131077]', shape: [131077] },
];

function paramGradLayoutCase(
  spec: AnySpec,
  layout: (typeof GRAD_LAYOUTS)[number],
): ConformanceCase | null {
  const op = spec.name as string;
  const name = spec.paramGrad!.name;
  const perChannel = op === 'prelu';
  const isOneSlot = layout.shape.length === 1;
  if (!perChannel && !isOneSlot) return null;
  const n = layout.shape.reduce((a, b) => a * b, 1);
  const axis = layout.channelAxis ?? 1;
  const channels = isOneSlot ? 1 : layout.shape.at(axis)!;
  return {
    id: `${op}/${name}/layout/${layout.label}`,
    op,
    description: `${name} on ${n} elements laid out [${layout.shape.join(', ')}]${perChannel && !isOneSlot ? ` with ${channels} slopes on axis ${axis}` : ''}: within n·2^-24·Σ|term| of the exact sum per channel, the same bits on a second call`,
    run: (pw) =>
      withTensors(async (keep) => {
        const p: Params = perChannel
          ? isOneSlot
            ? { slope: 0.375 }
            : {
                slope: Array.from({ length: channels }, (_, c) => ((c % 7) - 3) / 4),
                ...(layout.channelAxis === undefined ? {} : { channelAxis: layout.channelAxis }),
              }
          : (spec.sampleParams[0] as Params);
        const r = resolved(spec, p, layout.shape);
        const x = uniform(n, 41, -8, 8);
        const dyHost = uniform(n, 42, -1, 1);
        const dy = keep(pw.tensor(dyHost, layout.shape));
        const saved = { x: keep(pw.tensor(x, layout.shape)) };
        const runs: Float32Array[] = [];
        for (let k = 0; k < 2; k++) {
          const grads = backwardOf(pw, spec)(dy, saved, p);
          for (const t of Object.values(grads)) keep(t);
          runs.push(await grads[name]!.read());
        }
        const [first, second] = runs as [Float32Array, Float32Array];
        const verdict = checkParamGrad(spec, r, dyHost, x, first);
        if (!verdict.pass) return verdict;
        const c = first.findIndex((v, i) => !sameF32(v, second[i]!));
        if (c >= 0)
          return {
            pass: false,
            message: `${name}[${c}] is not deterministic: ${first[c]} then ${second[c]}`,
          };
        return verdict;
      }),
  };
}

/**
 * Each special x (kinks included) against each special dy, one element per call,
 * so a parameter gradient cannot hide a wrong term (0·Inf, NaN x, x == c) in a
 * sum that is NaN anyway.
 */
function paramGradTermsCase(spec: AnySpec, p: Params): ConformanceCase {
  const op = spec.name as string;
  return {
    id: `${op}/${spec.paramGrad!.name}/special-terms`,
    op,
    description: `${spec.paramGrad!.name} of single elements: every special x (kinks ± 1 ulp) × every special dy${paramGradFromY(spec) ? ', from x and from its y' : ''}`,
    run: (pw) =>
      withTensors(async (keep) => {
        const r = resolved(spec, p, [1]);
        const pairs = specialPairs(spec.kinks(r));
        for (let i = 0; i < pairs.x.length; i++) {
          const x = pairs.x.subarray(i, i + 1);
          const dy = pairs.dy.subarray(i, i + 1);
          const grads = backwardOf(pw, spec)(keep(pw.tensor(dy)), { x: keep(pw.tensor(x)) }, p);
          for (const t of Object.values(grads)) keep(t);
          const verdict = checkParamGrad(spec, r, dy, x, await grads[spec.paramGrad!.name]!.read());
          if (!verdict.pass)
            return { ...verdict, message: `x = ${x[0]}, dy = ${dy[0]}: ${verdict.message}` };
          if (paramGradFromY(spec)) {
            const y = referenceY(spec, r, x);
            const fromY = backwardOf(pw, spec)(keep(pw.tensor(dy)), { y: keep(pw.tensor(y)) }, p);
            for (const t of Object.values(fromY)) keep(t);
            const g = await fromY[spec.paramGrad!.name]!.read();
            const v = checkParamGrad(spec, r, dy, y, g, 'y');
            if (!v.pass) return { ...v, message: `y = ${y[0]}, dy = ${dy[0]}: ${v.message}` };
          }
        }
        return { pass: true };
      }),
  };
}

export function activationCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const { spec } of activations) {
    const anySpec = spec as AnySpec;
    for (const p of anySpec.sampleParams as Params[]) {
      cases.push(...sweepCases(anySpec, p), finiteDifferenceCase(anySpec, p));
      if (anySpec.paramGrad) cases.push(paramGradPrecisionCase(anySpec, p));
    }
    const defaults = anySpec.sampleParams[0] as Params;
    if (anySpec.paramGrad) {
      cases.push(paramGradTermsCase(anySpec, defaults));
      for (const layout of GRAD_LAYOUTS) {
        const c = paramGradLayoutCase(anySpec, layout);
        if (c) cases.push(c);
      }
    }
    for (const size of EDGE_SIZES) cases.push(sizeCase(anySpec, defaults, size));
  }
  return cases;
}
