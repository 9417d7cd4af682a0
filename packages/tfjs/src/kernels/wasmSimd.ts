// Gradient kernels for tfjs's wasm backend that copy their inputs from tfjs's heap
// into a @pointwise/backend-wasm-simd instance's heap, run its SIMD backward kernel
// there and copy dx (and dalpha) back: tfjs-wasm exposes no WebAssembly.Memory to run
// them on directly. Worth it only where tfjs composes several kernels (DECISIONS #208).

import { requireStorage, sizeOf } from '../storage.js';
import type { TensorInfo } from '../tfTypes.js';
import { f32, type NewKernel } from './common.js';
import { preluGradInputs } from './prelu.js';

/** What this package uses of a created wasm-simd backend (`await wasmSimdBackend().create()`). */
export interface WasmSimdLike {
  readonly name: string;
  alloc(dtype: 'float32', size: number): unknown;
  free(buffer: unknown): void;
  readonly kernels: Record<string, unknown>;
  readonly wasm: { heap: { buffer: ArrayBuffer } };
}

type Call = (args: Record<string, unknown>) => void;

function view(pw: WasmSimdLike, buf: unknown, n: number): Float32Array {
  return new Float32Array(pw.wasm.heap.buffer, (buf as { ptr: number }).ptr, n);
}

/** Allocates float32 buffers of the given sizes on pw's heap, runs `run`, frees them all. */
function withHeap(pw: WasmSimdLike, sizes: number[], run: (bufs: unknown[]) => void): void {
  const bufs = sizes.map((size) => pw.alloc('float32', size));
  try {
    run(bufs);
  } finally {
    for (const b of bufs) pw.free(b);
  }
}

function backwardOf(pw: WasmSimdLike, op: string): Call {
  const k = pw.kernels[op] as { backward: Call } | undefined;
  if (k === undefined) throw new Error(`wasm-simd backend has no ${op} kernel`);
  return k.backward.bind(k);
}

/** dx = backward(dy, saved) on wasm-simd, for relu, relu6 (clippedRelu) and leakyRelu. */
function unaryGrad(
  pw: WasmSimdLike,
  kernelName: string,
  op: string,
  params: (attrs: Record<string, unknown>) => Record<string, unknown>,
  extra: Record<string, unknown> = {},
): NewKernel {
  const backward = backwardOf(pw, op);
  return {
    kernelName,
    kernelFunc: (args) => {
      const dy = args.inputs.dy as TensorInfo;
      const x = args.inputs.x as TensorInfo;
      const storage = requireStorage(args.backend, kernelName);
      const n = sizeOf(dy.shape);
      const out = storage.alloc(dy.shape, 'float32');
      if (n === 0) return out;
      withHeap(pw, [n, n, n], ([a, b, c]) => {
        view(pw, a, n).set(storage.view(dy) as Float32Array);
        view(pw, b, n).set(storage.view(x) as Float32Array);
        backward({
          dy: a,
          source: b,
          from: 'x',
          dx: c,
          size: n,
          params: params(args.attrs ?? {}),
          ...extra,
        });
        (storage.view(out) as Float32Array).set(view(pw, c, n));
      });
      return out;
    },
  };
}

function preluGrad(pw: WasmSimdLike): NewKernel {
  const backward = backwardOf(pw, 'prelu');
  return {
    kernelName: 'PointwisePreluGrad',
    kernelFunc: (args) => {
      const { dy, x, alpha, layout } = preluGradInputs(args);
      const storage = requireStorage(args.backend, 'PointwisePreluGrad');
      const n = sizeOf(x.shape);
      const c = layout.channels;
      const out = [storage.alloc(x.shape, 'float32'), storage.alloc(alpha.shape, 'float32')];
      if (n === 0) {
        (storage.view(out[1]!) as Float32Array).fill(0);
        return out;
      }
      withHeap(pw, [n, n, n, c, c], ([pdy, px, pdx, ps, pds]) => {
        view(pw, pdy, n).set(storage.view(dy) as Float32Array);
        view(pw, px, n).set(storage.view(x) as Float32Array);
        view(pw, ps, c).set(storage.view(alpha) as Float32Array);
        backward({
          dy: pdy,
          source: px,
          from: 'x',
          dx: pdx,
          size: n,
          params: { slope: ps, channels: c, inner: layout.inner },
          dslope: pds,
        });
        (storage.view(out[0]!) as Float32Array).set(view(pw, pdx, n));
        (storage.view(out[1]!) as Float32Array).set(view(pw, pds, c));
      });
      return out;
    },
  };
}

/** The wasm-simd gradient kernels, replacing the js ones on tfjs's wasm backend. */
export function wasmSimdGradKernels(pw: WasmSimdLike): NewKernel[] {
  return [
    unaryGrad(pw, 'PointwiseReluGrad', 'relu', () => ({})),
    unaryGrad(pw, 'PointwiseLeakyReluGrad', 'leakyRelu', (a) => ({ alpha: f32(Number(a.alpha)) })),
    unaryGrad(
      pw,
      'PointwiseClippedReluGrad',
      'clippedRelu',
      (a) => ({ ceiling: f32(Number(a.ceiling)), ceilingBuffer: null }),
      { dceiling: null },
    ),
    preluGrad(pw),
  ];
}
