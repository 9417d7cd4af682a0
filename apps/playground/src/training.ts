// A tiny MLP (2 -> 16 -> 16 -> 1) trained on a seeded two-moons set, to watch an
// activation train: the linear layers, the loss (BCE on logits) and Adam are plain
// JS loops; each hidden activation's forward and backward, and dropout on the
// second hidden layer, run through the chosen Pointwise backend. A learnable
// activation parameter (prelu slope, clippedRelu ceiling = PACT, shiftedRelu
// threshold) is learned per layer from the gradient the backend returns.

import type { Pointwise, Tensor } from '@pointwise/core';
import { backwardOf, forwardOf, specOf } from './ops.js';
import type { ActivationName } from './state.js';

export const TRAIN_SAMPLES = 128;
export const HIDDEN = 16;

/** mulberry32: a small seeded generator, uniform in [0, 1). */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Two interleaved half circles with Gaussian noise (sklearn's make_moons), labels 0 / 1. */
export function twoMoons(count: number, seed: number, noise = 0.1) {
  const u = seededUniform(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const x = new Float64Array(count * 2);
  const label = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const upper = i % 2 === 0;
    const t = Math.PI * u();
    x[2 * i] = (upper ? Math.cos(t) : 1 - Math.cos(t)) + noise * gauss();
    x[2 * i + 1] = (upper ? Math.sin(t) : 0.5 - Math.sin(t)) + noise * gauss();
    label[i] = upper ? 0 : 1;
  }
  return { x, label };
}

interface Layer {
  w: Float64Array; // in x out, row-major
  b: Float64Array;
  inputs: number;
  outputs: number;
}

function layer(inputs: number, outputs: number, gauss: () => number): Layer {
  const scale = Math.sqrt(2 / inputs); // He initialisation
  const w = new Float64Array(inputs * outputs);
  for (let i = 0; i < w.length; i++) w[i] = gauss() * scale;
  return { w, b: new Float64Array(outputs), inputs, outputs };
}

/** out[n, o] = sum_i a[n, i] w[i, o] + b[o] */
function linear(a: ArrayLike<number>, l: Layer, n: number): Float32Array {
  const out = new Float32Array(n * l.outputs);
  for (let s = 0; s < n; s++) {
    for (let o = 0; o < l.outputs; o++) {
      let acc = l.b[o]!;
      for (let i = 0; i < l.inputs; i++) acc += a[s * l.inputs + i]! * l.w[i * l.outputs + o]!;
      out[s * l.outputs + o] = acc;
    }
  }
  return out;
}

/** Gradients of a linear layer: dw, db, and da (the gradient for its input). */
function linearBackward(a: ArrayLike<number>, l: Layer, dout: ArrayLike<number>, n: number) {
  const dw = new Float64Array(l.w.length);
  const db = new Float64Array(l.outputs);
  const da = new Float32Array(n * l.inputs);
  for (let s = 0; s < n; s++) {
    for (let o = 0; o < l.outputs; o++) {
      const g = dout[s * l.outputs + o]!;
      if (g === 0) continue;
      db[o]! += g;
      for (let i = 0; i < l.inputs; i++) {
        dw[i * l.outputs + o]! += a[s * l.inputs + i]! * g;
        da[s * l.inputs + i]! += l.w[i * l.outputs + o]! * g;
      }
    }
  }
  return { dw, db, da };
}

/** Adam on one flat parameter array. */
class Adam {
  private m: Float64Array;
  private v: Float64Array;
  private t = 0;
  constructor(
    size: number,
    private lr: number,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }
  step(p: Float64Array, g: ArrayLike<number>): void {
    this.t++;
    const c1 = 1 - 0.9 ** this.t;
    const c2 = 1 - 0.999 ** this.t;
    for (let i = 0; i < p.length; i++) {
      this.m[i] = 0.9 * this.m[i]! + 0.1 * g[i]!;
      this.v[i] = 0.999 * this.v[i]! + 0.001 * g[i]! * g[i]!;
      p[i]! -= (this.lr * (this.m[i]! / c1)) / (Math.sqrt(this.v[i]! / c2) + 1e-8);
    }
  }
}

export interface TrainOptions {
  op: ActivationName;
  /** The op's params from the controls; the learnable one is the initial value. */
  params: Record<string, number>;
  steps: number;
  learningRate: number;
  /** Dropout ratio on the second hidden layer (0: none). */
  dropout: number;
  seed: number;
}

export interface TrainResult {
  op: ActivationName;
  steps: number[];
  loss: number[];
  /** Fraction of the 32 hidden units whose activation is 0 for every sample, per step. */
  deadFraction: number[];
  accuracy: number;
  /** The learnable parameter's name (slope / ceiling / threshold) and its value per layer. */
  learned: { name: string; initial: number; final: number[] } | null;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Train for `steps` full-batch steps; `onStep` sees progress (return a promise to yield). */
export async function train(
  pw: Pointwise,
  o: TrainOptions,
  onStep?: (r: TrainResult) => void | Promise<void>,
): Promise<TrainResult> {
  const n = TRAIN_SAMPLES;
  const data = twoMoons(n, o.seed);
  const u = seededUniform(o.seed ^ 0x9e3779b9);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const layers = [layer(2, HIDDEN, gauss), layer(HIDDEN, HIDDEN, gauss), layer(HIDDEN, 1, gauss)];
  const optimizers = layers.map((l) => ({
    w: new Adam(l.w.length, o.learningRate),
    b: new Adam(l.b.length, o.learningRate),
  }));
  const gradName = specOf(o.op).paramGrad?.name; // dslope, dceiling, dthreshold
  const paramName = gradName?.slice(1);
  const initial = paramName ? (o.params[paramName] ?? defaultOf(o.op, paramName)) : 0;
  // One learnable value per hidden layer, with its own Adam.
  const learned = [new Float64Array([initial]), new Float64Array([initial])];
  const learnedOpt = [new Adam(1, o.learningRate), new Adam(1, o.learningRate)];
  const forward = forwardOf(pw, o.op);
  const backward = backwardOf(pw, o.op);
  const result: TrainResult = {
    op: o.op,
    steps: [],
    loss: [],
    deadFraction: [],
    accuracy: 0,
    learned: paramName ? { name: paramName, initial, final: [initial, initial] } : null,
  };

  for (let step = 0; step < o.steps; step++) {
    const owned: (Tensor | null | undefined)[] = [];
    const keep = <T extends Tensor | null | undefined>(t: T): T => {
      owned.push(t);
      return t;
    };
    try {
      const paramsOf = (l: number) =>
        paramName ? { ...o.params, [paramName]: learned[l]![0]! } : o.params;
      // Forward.
      const z1 = keep(pw.tensor(linear(data.x, layers[0]!, n), [n, HIDDEN]));
      const a1t = keep(forward(z1, paramsOf(0)));
      const a1 = (await a1t.read()) as Float32Array;
      const z2 = keep(pw.tensor(linear(a1, layers[1]!, n), [n, HIDDEN]));
      const a2t = keep(forward(z2, paramsOf(1)));
      const a2 = (await a2t.read()) as Float32Array;
      let h2: Float32Array = a2;
      let dropped: { mask: Tensor<'uint8'>; draw: object } | null = null;
      if (o.dropout > 0) {
        const d = pw.dropoutWithReplacement(a2t, {
          ratio: o.dropout,
          replacement: 0,
          seed: o.seed,
          stream: step,
        });
        keep(d.y);
        keep(d.mask);
        h2 = (await d.y.read()) as Float32Array;
        dropped = { mask: d.mask, draw: d.draw };
      }
      const logits = linear(h2, layers[2]!, n);
      let loss = 0;
      let correct = 0;
      const dlogits = new Float32Array(n);
      for (let s = 0; s < n; s++) {
        const z = logits[s]!;
        const y = data.label[s]!;
        // BCE with logits, stable form.
        loss += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
        dlogits[s] = (sigmoid(z) - y) / n;
        if ((z > 0 ? 1 : 0) === y) correct++;
      }
      result.steps.push(step);
      result.loss.push(loss / n);
      result.deadFraction.push((deadUnits(a1, n) + deadUnits(a2, n)) / (2 * HIDDEN));
      result.accuracy = correct / n;

      // Backward.
      const g3 = linearBackward(h2, layers[2]!, dlogits, n);
      let da2: Float32Array = g3.da;
      if (dropped) {
        const back = pw.dropoutWithReplacementBackward(
          keep(pw.tensor(da2, [n, HIDDEN])),
          dropped as never,
        );
        keep(back.dx);
        keep((back as { dreplacement?: Tensor }).dreplacement);
        da2 = (await back.dx.read()) as Float32Array;
      }
      const b2 = backward(keep(pw.tensor(da2, [n, HIDDEN])), { x: z2 }, paramsOf(1));
      for (const t of Object.values(b2)) keep(t);
      const dz2 = (await b2.dx!.read()) as Float32Array;
      const g2 = linearBackward(a1, layers[1]!, dz2, n);
      const b1 = backward(keep(pw.tensor(g2.da, [n, HIDDEN])), { x: z1 }, paramsOf(0));
      for (const t of Object.values(b1)) keep(t);
      const dz1 = (await b1.dx!.read()) as Float32Array;
      const g1 = linearBackward(data.x, layers[0]!, dz1, n);

      // Update.
      const grads = [g1, g2, g3];
      layers.forEach((l, i) => {
        optimizers[i]!.w.step(l.w, grads[i]!.dw);
        optimizers[i]!.b.step(l.b, grads[i]!.db);
      });
      if (gradName && paramName) {
        for (const [l, b] of [b1, b2].entries()) {
          const g = ((await b[gradName]!.read()) as Float32Array)[0]!;
          learnedOpt[l]!.step(learned[l]!, [g]);
          // PACT's ceiling must stay positive (core refuses ceiling <= 0).
          if (paramName === 'ceiling') learned[l]![0] = Math.max(learned[l]![0]!, 1e-3);
          result.learned!.final[l] = Math.fround(learned[l]![0]!);
        }
      }
    } finally {
      for (const t of owned) t?.dispose();
    }
    if (onStep) await onStep(result);
  }
  return result;
}

function defaultOf(op: ActivationName, name: string): number {
  if (op === 'prelu' && name === 'slope') return 0.25;
  if (op === 'clippedRelu' && name === 'ceiling') return 6;
  return 0;
}

/** Units (columns of an [n, HIDDEN] activation) that are 0 for every sample. */
function deadUnits(a: Float32Array, n: number): number {
  let dead = 0;
  for (let u = 0; u < HIDDEN; u++) {
    let alive = false;
    for (let s = 0; s < n && !alive; s++) alive = a[s * HIDDEN + u] !== 0;
    if (!alive) dead++;
  }
  return dead;
}
