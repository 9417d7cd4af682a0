// tfjs's webgpu backend: Pointwise's own WGSL kernels (a Pointwise instance created
// with webgpuBackend({ device: tfBackend.device })) run on tfjs's GPUBuffers. Inputs
// and a tfjs-allocated output (makeTensorInfo + uploadToGPU: tfjs owns it, no copy
// back) are wrapped as Pointwise tensors without a probe (tfjs vouches for its live
// buffers), and Pointwise's passes are recorded into tfjs's own command encoder (the
// device's `record`, backend-webgpu's recordInto), after the commands tfjs recorded
// before: no submission of our own, and the queue order is the program order. The
// buffers are marked as in use by tfjs's encoder (`commandQueueOwnedIds`, as tfjs's
// runWebGPUProgram does), so tfjs recycles none of them before it submits.

import { adoptBuffer, type Pointwise, PointwiseError, type Tensor } from '@pointwise/core';
import { preluGradInputs, preluLayout, preluShape3 } from './kernels/prelu.js';
import { sizeOf } from './storage.js';
import type { KernelConfig, NamedAttrMap, TensorInfo } from './tfTypes.js';

/** tfjs-backend-webgpu's WebGPUBackend, as far as this module uses it. */
interface TfWebGpuBackend {
  device: object;
  tensorMap: { get(dataId: object): { resource?: unknown } };
  uploadToGPU(dataId: object): void;
  makeTensorInfo(shape: number[], dtype: string, values?: Float32Array): TensorInfo;
  disposeData(dataId: object): boolean;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  /** The encoder tfjs records into (null once submitted). */
  commandEncoder: GPUCommandEncoder | null;
  /** dataIds used by the open encoder: tfjs defers freeing them until it submits. */
  commandQueueOwnedIds: WeakSet<object>;
}

/** The device side of a Pointwise webgpu instance (backend-webgpu's WebGpuDevice). */
interface PwWebGpuDevice {
  device: object;
  wrap(buffer: object, bytes: number, probed?: boolean): object;
  encoder(): GPUCommandEncoder;
  record<T>(encoder: GPUCommandEncoder, body: () => T): { result: T; submitted(): void };
}

type Args = { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap };
type KernelFunction = (args: Args) => TensorInfo | TensorInfo[];

/** The webgpu device of a Pointwise instance, or a typed error naming installPointwise's option. */
export function webgpuDeviceOf(pw: unknown): PwWebGpuDevice {
  const dev = (pw as { backend?: { webgpu?: PwWebGpuDevice } } | null)?.backend?.webgpu;
  if (
    typeof dev !== 'object' ||
    dev === null ||
    typeof dev.wrap !== 'function' ||
    typeof dev.record !== 'function'
  )
    throw new PointwiseError(
      'INVALID_ARGUMENT',
      { op: 'installPointwise', arg: 'webgpu', value: pw },
      'must be a Pointwise instance created with webgpuBackend({ device: tf.backend().device })',
    );
  return dev;
}

function isTfWebGpu(b: unknown): b is TfWebGpuBackend {
  return (
    typeof b === 'object' &&
    b !== null &&
    'tensorMap' in b &&
    typeof (b as TfWebGpuBackend).uploadToGPU === 'function' &&
    typeof (b as TfWebGpuBackend).submitQueue === 'function' &&
    typeof (b as TfWebGpuBackend).ensureCommandEncoderReady === 'function' &&
    (b as TfWebGpuBackend).commandQueueOwnedIds instanceof WeakSet
  );
}

/**
 * Kernel calls recorded into one tfjs encoder before tfjs submits it; like tfjs's own
 * WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE (15 dispatches), a long run of our kernels is
 * submitted in batches rather than growing one encoder until a read.
 */
const CALLS_PER_SUBMIT = 16;

/** Per Pointwise device: recordings into tfjs's encoder not yet reported submitted. */
const pending = new WeakMap<
  PwWebGpuDevice,
  { encoder: GPUCommandEncoder | null; calls: number; submitted: (() => void)[] }
>();

/** Reports every recording into an encoder tfjs has since submitted (it nulls or replaces it). */
function settle(dev: PwWebGpuDevice, backend: TfWebGpuBackend) {
  let p = pending.get(dev);
  if (p === undefined) {
    p = { encoder: null, calls: 0, submitted: [] };
    pending.set(dev, p);
  }
  if (p.encoder !== null && p.encoder !== backend.commandEncoder) {
    for (const done of p.submitted) done();
    p.submitted = [];
    p.encoder = null;
    p.calls = 0;
  }
  return p;
}

/**
 * Runs `body` on Pointwise tensors wrapping tfjs's buffers of `inputs` and of new
 * float32 outputs of the given shapes, and returns those outputs. Everything is
 * float32 (callers route other dtypes to tfjs's own kernel).
 */
function onTfBuffers(
  pw: Pointwise,
  dev: PwWebGpuDevice,
  backend: unknown,
  op: string,
  inputs: { t: TensorInfo; shape?: readonly number[] }[],
  outputs: readonly (readonly number[])[],
  body: (ins: Tensor<'float32'>[], outs: Tensor<'float32'>[], raw: object[]) => void,
  wrapOutAs?: readonly (readonly number[] | undefined)[],
  outDtypes?: readonly ('float32' | 'bool')[],
): TensorInfo[] {
  if (!isTfWebGpu(backend))
    throw new PointwiseError(
      'BACKEND_UNAVAILABLE',
      { op, arg: 'backend', value: (backend as object)?.constructor?.name },
      'not tfjs-backend-webgpu',
    );
  if (backend.device !== dev.device)
    throw new PointwiseError(
      'BACKEND_UNAVAILABLE',
      { op, arg: 'backend', value: 'webgpu' },
      "tfjs's webgpu backend runs on another GPUDevice than the Pointwise instance given to installPointwise (the backend was re-created): install again with a Pointwise instance on its device",
    );
  if (outputs.every((s) => sizeOf(s) === 0) || inputs.some((i) => sizeOf(i.t.shape) === 0)) {
    if (outputs.some((s) => sizeOf(s) > 0)) throw new Error(`${op}: empty input`);
    // empty outputs hold (empty) values: tfjs reads those, there is no buffer to wrap
    return outputs.map((shape, i) =>
      backend.makeTensorInfo([...shape], outDtypes?.[i] ?? 'float32', new Float32Array(0)),
    );
  }
  const outs = outputs.map((shape, i) =>
    backend.makeTensorInfo([...shape], outDtypes?.[i] ?? 'float32'),
  );
  const all = [...inputs.map((i) => i.t), ...outs];
  for (const t of all) backend.uploadToGPU(t.dataId);
  const rec = settle(dev, backend);
  // our passes follow the commands tfjs recorded (which may produce our inputs) in its encoder
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  const encoder = backend.commandEncoder as GPUCommandEncoder;
  for (const t of all) backend.commandQueueOwnedIds.add(t.dataId);
  // tfjs's live tensors: tfjs answers for their buffers (no probe)
  const wrap = (t: TensorInfo, shape: readonly number[]) =>
    adoptBuffer(
      pw,
      dev.wrap(
        backend.tensorMap.get(t.dataId).resource as object,
        4 * sizeOf(t.shape),
        false,
      ) as never,
      'float32',
      shape,
    );
  const wrapped: Tensor[] = [];
  const run = () => {
    const ins = inputs.map((i) => {
      const w = wrap(i.t, i.shape ?? i.t.shape);
      wrapped.push(w);
      return w;
    });
    // bool outputs (i32 on tfjs-webgpu) are written by the caller through `raw`
    const os = outs
      .filter((o) => o.dtype === 'float32')
      .map((o, i) => {
        const w = wrap(o, wrapOutAs?.[i] ?? o.shape);
        wrapped.push(w);
        return w;
      });
    body(
      ins,
      os,
      outs.map((o) => backend.tensorMap.get(o.dataId).resource as object),
    );
  };
  let submitted: () => void;
  try {
    submitted = dev.record(encoder, () => {
      try {
        run();
      } finally {
        for (const w of wrapped) w.dispose();
      }
    }).submitted;
  } catch (error) {
    for (const o of outs) backend.disposeData(o.dataId);
    // whatever the failed call recorded is held until tfjs submits: an empty
    // recording into the same encoder is the handle that reports it
    try {
      rec.submitted.push(dev.record(encoder, () => undefined).submitted);
      rec.encoder = encoder;
    } catch {
      // the device is lost or destroyed: nothing is held any more
    }
    throw error;
  }
  rec.encoder = encoder;
  rec.submitted.push(submitted);
  if (++rec.calls >= CALLS_PER_SUBMIT) {
    backend.submitQueue();
    settle(dev, backend);
  }
  return outs;
}

/** Runs tfjs's original kernel (non-float32 inputs, layouts Pointwise does not take). */
function original(config: KernelConfig | undefined, args: Args, name: string) {
  if (config === undefined) throw new Error(`${name}: no tfjs kernel to fall back to`);
  return (config.kernelFunc as KernelFunction)(args);
}

const f32 = Math.fround;

type Make = (pw: Pointwise, dev: PwWebGpuDevice, orig: KernelConfig | undefined) => KernelFunction;

/** An element-wise kernel: y = f(x) shaped like x. */
function unary(
  name: string,
  run: (pw: Pointwise, x: Tensor<'float32'>, y: Tensor<'float32'>, attrs: NamedAttrMap) => void,
  accepts: (attrs: NamedAttrMap) => boolean = () => true,
): Make {
  return (pw, dev, orig) => (args) => {
    const x = args.inputs.x as TensorInfo;
    const attrs = args.attrs ?? {};
    if (x.dtype !== 'float32' || !accepts(attrs)) return original(orig, args, name);
    return onTfBuffers(pw, dev, args.backend, name, [{ t: x }], [x.shape], ([xi], [yo]) =>
      run(pw, xi!, yo!, attrs),
    )[0]!;
  };
}

/** A gradient kernel: dx = f(dy, saved) shaped like dy. */
function grad(
  name: string,
  saved: string,
  run: (
    pw: Pointwise,
    dy: Tensor<'float32'>,
    s: Tensor<'float32'>,
    dx: Tensor<'float32'>,
    attrs: NamedAttrMap,
  ) => void,
): Make {
  return (pw, dev) => (args) => {
    const dy = args.inputs.dy as TensorInfo;
    const s = args.inputs[saved] as TensorInfo;
    return onTfBuffers(
      pw,
      dev,
      args.backend,
      name,
      [{ t: dy }, { t: s }],
      [dy.shape],
      ([d, v], [dx]) => run(pw, d!, v!, dx!, args.attrs ?? {}),
    )[0]!;
  };
}

const prelu: Make = (pw, dev, orig) => (args) => {
  const x = args.inputs.x as TensorInfo;
  const alpha = args.inputs.alpha as TensorInfo;
  const layout =
    x.dtype === 'float32' && alpha.dtype === 'float32' ? preluLayout(x.shape, alpha.shape) : null;
  if (layout === null || layout.tile !== null) return original(orig, args, 'Prelu');
  const shape3 = preluShape3(x.shape, layout);
  return onTfBuffers(
    pw,
    dev,
    args.backend,
    'Prelu',
    [
      { t: x, shape: shape3 },
      { t: alpha, shape: [layout.channels] },
    ],
    [x.shape],
    ([xi, a], [y]) => pw.prelu(xi!, { slope: a!, channelAxis: 1, out: y! }),
    [shape3],
  )[0]!;
};

/** The GPUBuffer under a Pointwise webgpu tensor (backend-webgpu's handle). */
function bufferOf(t: Tensor, op: string): GPUBuffer {
  return (t.bufferFor(op, 'y') as { buffer: GPUBuffer }).buffer;
}

const MASK_WGSL = `
@group(0) @binding(0) var<storage, read> m: array<u32>;
@group(0) @binding(1) var<storage, read_write> o: array<i32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = g.y * nw.x * 64u + g.x;
  if (i >= arrayLength(&o)) { return; }
  o[i] = i32((m[i / 4u] >> ((i % 4u) * 8u)) & 0xffu);
}`;
const maskPipelines = new WeakMap<object, GPUComputePipeline>();

/** Records into Pointwise's encoder: a uint8 mask (packed 4 per word) to tfjs's bool (one i32 each). */
function maskToBool(dev: PwWebGpuDevice, mask: GPUBuffer, out: GPUBuffer, size: number): void {
  const device = dev.device as GPUDevice;
  let pipeline = maskPipelines.get(device);
  if (pipeline === undefined) {
    pipeline = device.createComputePipeline({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code: MASK_WGSL }), entryPoint: 'main' },
    });
    maskPipelines.set(device, pipeline);
  }
  const bind = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: mask } },
      { binding: 1, resource: { buffer: out } },
    ],
  });
  const groups = Math.ceil(size / 64);
  const x = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
  const pass = dev.encoder().beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(x, Math.ceil(groups / x));
  pass.end();
}

function dropoutParams(a: NamedAttrMap) {
  return {
    ratio: Number(a.rate),
    seed: Number(a.seed),
    stream: Number(a.stream),
    scale: a.scale !== false,
  };
}

/** PointwiseDropout: Pointwise's Philox dropout, y copied and its mask widened into tfjs's outputs. */
const dropout: Make = (pw, dev) => (args) => {
  const x = args.inputs.x as TensorInfo;
  const r = args.inputs.replacement as TensorInfo;
  const size = sizeOf(x.shape);
  return onTfBuffers(
    pw,
    dev,
    args.backend,
    'dropoutWithReplacement',
    [{ t: x }, { t: r, shape: [1] }],
    [x.shape, x.shape],
    ([xi, ri], _os, [yRaw, maskRaw]) => {
      const { y, mask } = pw.dropoutWithReplacement(xi!, {
        ...dropoutParams(args.attrs ?? {}),
        replacement: ri!,
      });
      const encoder = dev.encoder();
      encoder.copyBufferToBuffer(
        bufferOf(y, 'dropoutWithReplacement'),
        0,
        yRaw as GPUBuffer,
        0,
        4 * size,
      );
      maskToBool(dev, bufferOf(mask, 'dropoutWithReplacement'), maskRaw as GPUBuffer, size);
      // freed inside the recording: their buffers are held until tfjs submits the copy
      y.dispose();
      mask.dispose();
    },
    undefined,
    ['float32', 'bool'],
  );
};

/** PointwiseDropoutGrad: the mask regenerated from (seed, stream), the same bits as the forward's. */
const dropoutGrad: Make = (pw, dev) => (args) => {
  const dy = args.inputs.dy as TensorInfo;
  const r = args.inputs.replacement as TensorInfo;
  return onTfBuffers(
    pw,
    dev,
    args.backend,
    'dropoutWithReplacementBackward',
    [{ t: dy }, { t: r, shape: [1] }],
    [dy.shape, r.shape],
    ([d, ri], [dxo, dro]) => {
      pw.dropoutWithReplacementBackward(d!, {
        ...dropoutParams(args.attrs ?? {}),
        replacement: ri!,
        out: { dx: dxo!, dreplacement: dro! },
      });
    },
    // dreplacement has replacement's shape ([] or [1]); Pointwise writes it as [1]
    [undefined, [1]],
  );
};

/** PointwisePreluGrad: dx and dalpha (alpha's shape, reduced over the broadcast axes) in one backward. */
const preluGrad: Make = (pw, dev) => (args) => {
  const { dy, x, alpha, layout } = preluGradInputs(args);
  const shape3 = preluShape3(x.shape, layout);
  return onTfBuffers(
    pw,
    dev,
    args.backend,
    'preluBackward',
    [
      { t: dy, shape: shape3 },
      { t: x, shape: shape3 },
      { t: alpha, shape: [layout.channels] },
    ],
    [x.shape, alpha.shape],
    ([d, xi, a], [dx, da]) =>
      pw.preluBackward(
        d!,
        { x: xi! },
        { slope: a!, channelAxis: 1, out: { dx: dx!, dslope: da! } },
      ),
    [shape3, [layout.channels]],
  );
};

/** shiftedRelu / clippedRelu (PACT) with a learnable parameter: one value, on Pointwise's webgpu kernels. */
function learnable(
  name: 'shiftedRelu' | 'clippedRelu',
  param: 'threshold' | 'ceiling',
): { forward: Make; backward: Make } {
  const scalarOnly = (p: TensorInfo) => {
    if (sizeOf(p.shape) === 1 && p.shape.length <= 1) return;
    throw new PointwiseError(
      'SHAPE_MISMATCH',
      { op: name, arg: `${param}.shape`, value: p.shape },
      'must be [] or [1] on tfjs-webgpu (one value per channel runs on cpu and wasm only)',
    );
  };
  return {
    forward: (pw, dev) => (args) => {
      const x = args.inputs.x as TensorInfo;
      const p = args.inputs[param] as TensorInfo;
      scalarOnly(p);
      return onTfBuffers(
        pw,
        dev,
        args.backend,
        name,
        [{ t: x }, { t: p, shape: [1] }],
        [x.shape],
        ([xi, pi], [y]) =>
          name === 'shiftedRelu'
            ? pw.shiftedRelu(xi!, { threshold: pi!, out: y! })
            : pw.clippedRelu(xi!, { ceiling: pi!, out: y! }),
      )[0]!;
    },
    backward: (pw, dev) => (args) => {
      const dy = args.inputs.dy as TensorInfo;
      const x = args.inputs.x as TensorInfo;
      const p = args.inputs[param] as TensorInfo;
      scalarOnly(p);
      return onTfBuffers(
        pw,
        dev,
        args.backend,
        `${name}Backward`,
        [{ t: dy }, { t: x }, { t: p, shape: [1] }],
        [dy.shape, p.shape],
        ([d, xi, pi], [dx, dp]) =>
          name === 'shiftedRelu'
            ? pw.shiftedReluBackward(
                d!,
                { x: xi! },
                { threshold: pi!, out: { dx: dx!, dthreshold: dp! } },
              )
            : pw.clippedReluBackward(
                d!,
                { x: xi! },
                { ceiling: pi!, out: { dx: dx!, dceiling: dp! } },
              ),
        [undefined, [1]],
      );
    },
  };
}
const shifted = learnable('shiftedRelu', 'threshold');
const pact = learnable('clippedRelu', 'ceiling');

/** The tfjs built-ins Pointwise replaces on webgpu (Step stays tfjs's own). */
export const WEBGPU_OVERRIDES: Record<string, Make> = {
  Relu: unary('Relu', (pw, x, y) => pw.relu(x, { out: y })),
  Relu6: unary('Relu6', (pw, x, y) => pw.clippedRelu(x, { ceiling: 6, out: y })),
  LeakyRelu: unary('LeakyRelu', (pw, x, y, a) =>
    pw.leakyRelu(x, { alpha: f32(Number(a.alpha)), out: y }),
  ),
  Elu: unary('Elu', (pw, x, y) => pw.elu(x, { alpha: 1, out: y })),
  EluGrad: grad('EluGrad', 'y', (pw, dy, y, dx) =>
    pw.eluBackward(dy, { y }, { alpha: 1, out: { dx } }),
  ),
  ClipByValue: unary(
    'ClipByValue',
    (pw, x, y, a) => pw.clippedRelu(x, { ceiling: f32(Number(a.clipValueMax)), out: y }),
    (a) => f32(Number(a.clipValueMin)) === 0 && f32(Number(a.clipValueMax)) > 0,
  ),
  Prelu: prelu,
};

/** Pointwise's own kernels (gradients, new ops) on webgpu. */
export const WEBGPU_NEW: Record<string, Make> = {
  PointwiseDropout: dropout,
  PointwisePreluGrad: preluGrad,
  PointwiseShiftedRelu: shifted.forward,
  PointwiseShiftedReluGrad: shifted.backward,
  PointwiseClippedRelu: pact.forward,
  PointwiseClippedReluFullGrad: pact.backward,
  PointwiseDropoutGrad: dropoutGrad,
  PointwiseReluGrad: grad('PointwiseReluGrad', 'x', (pw, dy, x, dx) =>
    pw.reluBackward(dy, { x }, { out: { dx } }),
  ),
  PointwiseClippedReluGrad: grad('PointwiseClippedReluGrad', 'x', (pw, dy, x, dx, a) =>
    pw.clippedReluBackward(
      dy,
      { x },
      { ceiling: f32(Number(a.ceiling)), paramGrad: false, out: { dx } },
    ),
  ),
  PointwiseLeakyReluGrad: grad('PointwiseLeakyReluGrad', 'x', (pw, dy, x, dx, a) =>
    pw.leakyReluBackward(dy, { x }, { alpha: f32(Number(a.alpha)), out: { dx } }),
  ),
  PointwiseElu: unary('PointwiseElu', (pw, x, y, a) =>
    pw.elu(x, { alpha: f32(Number(a.alpha)), out: y }),
  ),
  PointwiseEluGrad: grad('PointwiseEluGrad', 'x', (pw, dy, x, dx, a) =>
    pw.eluBackward(dy, { x }, { alpha: f32(Number(a.alpha)), out: { dx } }),
  ),
  PointwiseThresholdedRelu: unary('PointwiseThresholdedRelu', (pw, x, y, a) =>
    pw.thresholdedRelu(x, { alpha: f32(Number(a.alpha)), out: y }),
  ),
  PointwiseThresholdedReluGrad: grad('PointwiseThresholdedReluGrad', 'x', (pw, dy, x, dx, a) =>
    pw.thresholdedReluBackward(dy, { x }, { alpha: f32(Number(a.alpha)), out: { dx } }),
  ),
};
