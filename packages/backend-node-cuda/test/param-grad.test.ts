// `paramGrad: false` on the host-compiled kernels: the launch plan is the dx-only kernel
// alone (no `_sum` kernel, no pw_reduce_final_f64, no partials scratch), its only
// allocation is dx (none into `out: { dx }`), and dx is bit-identical to the default
// call's, across tiles with a ragged tail, prelu's vector and scalar layouts, dropout from
// the mask and regenerated. Empty tensors launch nothing at all.
import { type Pointwise, pointwise, type Tensor } from '@pointwise/core';
import { seededRandom } from '@pointwise/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CudaBackend } from '../src/backend.js';
import type { KernelName } from '../src/kernels-table.js';
import { hostCudaBackend } from './host/backend.js';

const factory = hostCudaBackend();
let pw: Pointwise;
let backend: CudaBackend;
let slopes: Tensor<'float32'>; // device slopes: no upload inside a recorded call
let slope: Tensor<'float32'>;
const launches: KernelName[] = [];
const allocs: number[] = [];
beforeAll(async () => {
  pw = await pointwise(factory);
  backend = factory.last as CudaBackend;
  slopes = pw.tensor([0.1, -0.5, 2]);
  slope = pw.tensor([0.25]);
  const device = backend.device;
  const launch = device.launch.bind(device);
  device.launch = (kernel, grid, args) => {
    launches.push(kernel);
    launch(kernel, grid, args);
  };
  const pool = backend.pool;
  const allocBytes = pool.allocBytes.bind(pool);
  pool.allocBytes = (bytes, op, size) => {
    allocs.push(bytes);
    return allocBytes(bytes, op, size);
  };
});
afterAll(() => {
  slopes.dispose();
  slope.dispose();
  pw.destroy();
});

type F32 = Tensor<'float32'>;
type Grads = { dx: F32 } & Record<string, F32 | undefined>;

function data(size: number, seed: number): Float32Array {
  const next = seededRandom(seed);
  return Float32Array.from({ length: size }, (_, i) => (i % 7 === 3 ? 0 : (next() - 0.5) * 8));
}

/** The kernels one call launches and the bytes it allocates. */
function record<T>(call: () => T): { result: T; kernels: KernelName[]; bytes: number[] } {
  launches.length = 0;
  allocs.length = 0;
  const result = call();
  return { result, kernels: [...launches], bytes: [...allocs] };
}

async function bits(t: F32): Promise<Uint32Array> {
  return new Uint32Array((await t.read()).buffer);
}

interface Plan {
  name: string;
  shape: number[];
  dxOnly: KernelName;
  withSum: KernelName;
  call(dy: F32, x: F32, extra: object): Grads;
}

const DROP = { ratio: 0.5, seed: 5n, stream: 2n, scale: true, replacement: 0.25 };

const PLANS: Plan[] = [
  {
    name: 'prelu, channels first (vector path)',
    shape: [2, 3, 9001 * 4],
    dxOnly: 'pw_prelu_backward',
    withSum: 'pw_prelu_backward_sum',
    call: (dy, x, e) => pw.preluBackward(dy, { x }, { slope: slopes, ...e } as never),
  },
  {
    name: 'prelu, channels last (scalar path)',
    shape: [3001, 3],
    dxOnly: 'pw_prelu_backward',
    withSum: 'pw_prelu_backward_sum',
    call: (dy, x, e) =>
      pw.preluBackward(dy, { x }, { slope: slopes, channelAxis: 1, ...e } as never),
  },
  {
    name: 'prelu, one slope',
    shape: [9001],
    dxOnly: 'pw_prelu_backward',
    withSum: 'pw_prelu_backward_sum',
    call: (dy, x, e) => pw.preluBackward(dy, { x }, { slope, ...e } as never),
  },
  {
    name: 'shiftedRelu from x',
    shape: [9001],
    dxOnly: 'pw_shifted_relu_backward',
    withSum: 'pw_shifted_relu_backward_sum',
    call: (dy, x, e) => pw.shiftedReluBackward(dy, { x }, { threshold: 0.5, ...e } as never),
  },
  {
    name: 'clippedRelu from x',
    shape: [9001],
    dxOnly: 'pw_clipped_relu_backward',
    withSum: 'pw_clipped_relu_backward_sum',
    call: (dy, x, e) => pw.clippedReluBackward(dy, { x }, { ceiling: 2, ...e } as never),
  },
  {
    name: 'dropoutWithReplacement, regenerated',
    shape: [9001],
    dxOnly: 'pw_dropout_backward',
    withSum: 'pw_dropout_backward_sum',
    call: (dy, _x, e) => pw.dropoutWithReplacementBackward(dy, { ...DROP, ...e } as never),
  },
];

describe('paramGrad: false launch plan', () => {
  for (const plan of PLANS) {
    it(`${plan.name}: the dx-only kernel alone, dx bit-identical to the default call's`, async () => {
      const size = plan.shape.reduce((a, b) => a * b, 1);
      const x = pw.tensor(data(size, 1), plan.shape);
      const dy = pw.tensor(data(size, 2), plan.shape);
      const full = record(() => plan.call(dy, x, {}));
      expect(full.kernels).toEqual([plan.withSum, 'pw_reduce_final_f64']);
      const off = record(() => plan.call(dy, x, { paramGrad: false }));
      expect(off.kernels).toEqual([plan.dxOnly]);
      expect(off.bytes).toEqual([size * 4]); // dx, no partials
      expect(Object.keys(off.result)).toEqual(['dx']);
      expect(await bits(off.result.dx)).toEqual(await bits(full.result.dx));
      const into = pw.zeros(plan.shape);
      const out = record(() => plan.call(dy, x, { paramGrad: false, out: { dx: into } }));
      expect(out.kernels).toEqual([plan.dxOnly]);
      expect(out.bytes).toEqual([]);
      expect(await bits(into)).toEqual(await bits(full.result.dx));
      for (const t of [x, dy, into, ...Object.values(full.result), off.result.dx]) t?.dispose();
    });
  }

  it('dropout from the mask: the dx-only kernel reads the mask, dx as the default call', async () => {
    const size = 9001;
    const x = pw.tensor(data(size, 3));
    const dy = pw.tensor(data(size, 4));
    const { mask, y } = pw.dropoutWithReplacement(x, DROP);
    const full = record(() => pw.dropoutWithReplacementBackward(dy, { ...DROP, mask }));
    expect(full.kernels).toEqual(['pw_dropout_backward_sum', 'pw_reduce_final_f64']);
    const off = record(() =>
      pw.dropoutWithReplacementBackward(dy, { ...DROP, mask, paramGrad: false } as never),
    );
    expect(off.kernels).toEqual(['pw_dropout_backward']);
    expect(off.bytes).toEqual([size * 4]);
    const dx = (off.result as { dx: F32 }).dx;
    expect(await bits(dx)).toEqual(await bits(full.result.dx));
    for (const t of [x, dy, mask, y, dx, full.result.dx, full.result.dreplacement]) t.dispose();
  });

  it('empty tensors launch nothing (the default call still runs the final pass)', () => {
    const x = pw.tensor(new Float32Array(0), [0, 3]);
    const full = record(() => pw.preluBackward(x, { x }, { slope: [1, 2, 3] }));
    expect(full.kernels).toEqual(['pw_reduce_final_f64']);
    const off = record(() => pw.preluBackward(x, { x }, { slope: [1, 2, 3], paramGrad: false }));
    expect(off.kernels).toEqual([]);
    for (const t of [x, full.result.dx, full.result.dslope, off.result.dx]) t.dispose();
  });
});
