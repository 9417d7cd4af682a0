// onnxruntime-node 1.31.1 as a peer: one in-memory single-node model per op
// (src/onnx/model.ts), timed as users see `await session.run()` (ORT copies
// inputs and outputs on every call). ORT has no gradient kernels, so backward
// rows are reported as skipped.

import {
  type BenchCase,
  benchShape,
  PARAMS,
  PRELU_CHANNELS,
  preluSlopes,
  uniformInputs,
} from '@pointwise/bench-cases';
import { COPY_HOOKS } from '../copy.js';
import { buildSingleNodeModel, type OnnxNodeSpec } from '../onnx/model.js';
import type { Preparation, Target } from '../targets/target.js';

export function onnxSpecFor(c: BenchCase): OnnxNodeSpec | string {
  if (c.direction === 'backward') return 'onnxruntime has no gradient kernels';
  switch (c.op) {
    case 'relu':
      return { op: 'Relu' };
    case 'leakyRelu':
      return { op: 'LeakyRelu', alpha: PARAMS.leakyRelu.alpha };
    case 'prelu':
      return { op: 'PRelu', slope: preluSlopes() };
    case 'thresholdedRelu':
      return { op: 'ThresholdedRelu', alpha: PARAMS.thresholdedRelu.alpha };
    case 'shiftedRelu':
      return 'no single ONNX operator (Relu(Sub(x, t)) is two nodes)';
    case 'clippedRelu':
      return { op: 'Clip', min: 0, max: PARAMS.clippedRelu.ceiling };
    case 'elu':
      return { op: 'Elu', alpha: PARAMS.elu.alpha };
    case 'dropout':
      return { op: 'Dropout', ratio: PARAMS.dropout.ratio, mask: c.mask === true };
  }
}

export async function ortTarget(): Promise<Target> {
  const ort = await import('onnxruntime-node');

  async function prepare(c: BenchCase, size: number): Promise<Preparation> {
    const spec = onnxSpecFor(c);
    if (typeof spec === 'string') return { skip: spec };
    const session = await ort.InferenceSession.create(buildSingleNodeModel(spec, PRELU_CHANNELS));
    const feeds = { X: new ort.Tensor('float32', uniformInputs(size, 1), benchShape(size)) };
    return {
      op: { call: () => session.run(feeds), settle: async () => {} },
      note: spec.op === 'Dropout' ? 'ORT Dropout, own RNG' : undefined,
      dispose: () => void session.release(),
    };
  }

  return {
    name: 'ort',
    kind: 'peer',
    copy: (bytes) => COPY_HOOKS.cpu(bytes, null),
    prepare,
    close: () => {},
  };
}
