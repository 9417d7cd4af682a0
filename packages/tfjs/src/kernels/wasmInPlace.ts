// Gradient kernels (and LeakyRelu's forward) for tfjs's wasm backend that run
// @pointwise/backend-wasm-simd's SIMD kernels in place on tfjs-wasm's own
// WebAssembly.Memory. Its Emscripten module holds the Memory (`wasmMemory` on the
// threaded build, `asm.memory` on the plain and SIMD builds); wasm-simd's in-place
// module (memory imported, no data segment) is instantiated on it once per tfjs
// backend. Inputs are read at tfjs's offsets; each output is a tfjs tensor whose block
// this kernel mallocs with the kernels' padding. Where the Memory is not found (or is
// another one) or the engine has no wasm SIMD, each kernel runs its fallback.

import {
  type GradientKernels,
  gradientInputBytes,
  gradientKernelsOnMemory,
  gradientOutputBytes,
} from '@pointwise/backend-wasm-simd/gradients';
import { sizeOf } from '../storage.js';
import type { DataType, TensorInfo } from '../tfTypes.js';
import { f32, type KernelFunction, type NewKernel } from './common.js';
import { preluGradInputs } from './prelu.js';

interface EmscriptenModuleLike {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  wasmMemory?: unknown;
  asm?: { memory?: unknown };
  wasmExports?: { memory?: unknown };
}

interface WasmBackendLike {
  wasm: EmscriptenModuleLike;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number): TensorInfo;
  disposeData(dataId: object): boolean;
}

/** How gradients reach tfjs-wasm's memory: in place, or the fallback (copy or js). */
export type WasmGradientRoute = 'in-place' | 'fallback';

const found = new WeakMap<object, GradientKernels | null>();

function isMemory(m: unknown): m is WebAssembly.Memory {
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof (m as WebAssembly.Memory).grow === 'function' &&
    typeof (m as WebAssembly.Memory).buffer === 'object'
  );
}

/** Whether `memory` is the one behind wasm.HEAPU8: a byte written through one is read through the other. */
function sameMemory(wasm: EmscriptenModuleLike, memory: WebAssembly.Memory): boolean {
  const p = wasm._malloc(16) >>> 0;
  if (p === 0) return false;
  try {
    const probe = [0x5a, 0xc3, 0x0f, 0x99];
    new Uint8Array(memory.buffer, p, 4).set(probe);
    const heap = wasm.HEAPU8;
    const seen = [heap[p], heap[p + 1], heap[p + 2], heap[p + 3]];
    new Uint8Array(memory.buffer, p, 4).set([1, 2, 3, 4]);
    const again = [heap[p], heap[p + 1], heap[p + 2], heap[p + 3]];
    return seen.join() === probe.join() && again.join() === '1,2,3,4';
  } finally {
    wasm._free(p);
  }
}

/** The in-place kernels on a tfjs wasm backend's memory, or null where that memory cannot be used. */
export function inPlaceGradients(backend: unknown): GradientKernels | null {
  if (typeof backend !== 'object' || backend === null) return null;
  const wasm = (backend as Partial<WasmBackendLike>).wasm;
  if (typeof wasm !== 'object' || wasm === null) return null;
  const cached = found.get(wasm);
  if (cached !== undefined) return cached;
  let kernels: GradientKernels | null = null;
  try {
    const memory = [wasm.wasmMemory, wasm.asm?.memory, wasm.wasmExports?.memory].find(isMemory);
    if (
      memory !== undefined &&
      typeof wasm._malloc === 'function' &&
      typeof wasm._free === 'function' &&
      sameMemory(wasm, memory)
    )
      kernels = gradientKernelsOnMemory(memory, {
        malloc: (bytes) => wasm._malloc(bytes) >>> 0,
        free: (ptr) => wasm._free(ptr),
      });
  } catch {
    kernels = null; // no wasm SIMD in this engine, or the module refused this memory
  }
  found.set(wasm, kernels);
  return kernels;
}

/** Which route a tfjs wasm backend's gradients take (tests, README). */
export function wasmGradientRoute(backend: unknown): WasmGradientRoute {
  return inPlaceGradients(backend) === null ? 'fallback' : 'in-place';
}

/** tfjs's byte offset of a tensor, if its whole padded span lies inside memory. */
function offsetIn(b: WasmBackendLike, g: GradientKernels, t: TensorInfo, n: number): number | null {
  const d = b.dataIdMap.get(t.dataId);
  if (d === undefined || typeof d.memoryOffset !== 'number') return null;
  const p = d.memoryOffset >>> 0;
  return p + gradientInputBytes(n) <= g.memory.buffer.byteLength ? p : null;
}

/** A float32 output of tfjs's, on a block with the kernels' padding (tfjs frees it on dispose). */
function paddedOutput(b: WasmBackendLike, shape: readonly number[], n: number): TensorInfo {
  const p = b.wasm._malloc(gradientOutputBytes(n)) >>> 0;
  if (p === 0) throw new Error('tfjs wasm: out of memory for a gradient output');
  return b.makeOutput([...shape], 'float32', p);
}

type Run = (
  g: GradientKernels,
  ptrs: { dy: number; x: number; dx: number },
  n: number,
  attrs: Record<string, unknown>,
) => void;

function unary(kernelName: string, run: Run, fallback: KernelFunction): NewKernel {
  return {
    kernelName,
    kernelFunc: (args) => {
      const g = inPlaceGradients(args.backend);
      const dy = args.inputs.dy as TensorInfo;
      const x = args.inputs.x as TensorInfo;
      const n = sizeOf(dy.shape);
      if (g === null || n === 0) return fallback(args);
      const b = args.backend as WasmBackendLike;
      const out = paddedOutput(b, dy.shape, n);
      // offsets after the last malloc: the checks see the memory as the kernel will
      const pdy = offsetIn(b, g, dy, n);
      const px = offsetIn(b, g, x, n);
      if (pdy === null || px === null) {
        b.disposeData(out.dataId);
        return fallback(args);
      }
      const dx = b.dataIdMap.get(out.dataId)!.memoryOffset >>> 0;
      run(g, { dy: pdy, x: px, dx }, n, args.attrs ?? {});
      return out;
    },
  };
}

function backwardArgs(p: { dy: number; x: number; dx: number }, n: number) {
  return {
    dy: { ptr: p.dy },
    source: { ptr: p.x },
    from: 'x' as const,
    dx: { ptr: p.dx },
    size: n,
  };
}

function prelu(fallback: KernelFunction): NewKernel {
  return {
    kernelName: 'PointwisePreluGrad',
    kernelFunc: (args) => {
      const g = inPlaceGradients(args.backend);
      const { dy, x, alpha, layout } = preluGradInputs(args);
      const n = sizeOf(x.shape);
      if (g === null || n === 0) return fallback(args);
      const b = args.backend as WasmBackendLike;
      const dx = paddedOutput(b, x.shape, n);
      const da = b.makeOutput([...alpha.shape], 'float32');
      const c = layout.channels;
      const pdy = offsetIn(b, g, dy, n);
      const px = offsetIn(b, g, x, n);
      const ps = offsetIn(b, g, alpha, 0);
      if (pdy === null || px === null || ps === null) {
        b.disposeData(dx.dataId);
        b.disposeData(da.dataId);
        return fallback(args);
      }
      const off = (t: TensorInfo) => b.dataIdMap.get(t.dataId)!.memoryOffset >>> 0;
      g.prelu.backward({
        ...backwardArgs({ dy: pdy, x: px, dx: off(dx) }, n),
        params: { slope: { ptr: ps }, channels: c, inner: layout.inner },
        dslope: { ptr: off(da) },
      } as never);
      return [dx, da];
    },
  };
}

/**
 * tfjs's LeakyRelu on wasm-simd's forward kernel in place (float32 x; tfjs-wasm's own is
 * a scalar C loop); other dtypes, or a backend out of reach, run `fallback`.
 */
export function inPlaceLeakyRelu(fallback: KernelFunction): KernelFunction {
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    const g = inPlaceGradients(args.backend);
    const n = sizeOf(x.shape);
    if (g === null || x.dtype !== 'float32' || n === 0) return fallback(args);
    const b = args.backend as WasmBackendLike;
    const out = paddedOutput(b, x.shape, n);
    const px = offsetIn(b, g, x, n);
    if (px === null) {
      b.disposeData(out.dataId);
      return fallback(args);
    }
    g.leakyRelu.forward({
      x: { ptr: px },
      y: { ptr: b.dataIdMap.get(out.dataId)!.memoryOffset >>> 0 },
      size: n,
      params: { alpha: f32(Number(args.attrs?.alpha)) },
    } as never);
    return out;
  };
}

/**
 * The in-place gradient kernels for tfjs's wasm backend, each with its fallback (the
 * kernel registered before, or the copy route's) for a backend whose memory is out of reach.
 */
export function wasmInPlaceGradKernels(
  fallback: (kernelName: string) => KernelFunction,
): NewKernel[] {
  return [
    unary(
      'PointwiseReluGrad',
      (g, p, n) => g.relu.backward({ ...backwardArgs(p, n), params: {} } as never),
      fallback('PointwiseReluGrad'),
    ),
    unary(
      'PointwiseLeakyReluGrad',
      (g, p, n, a) =>
        g.leakyRelu.backward({
          ...backwardArgs(p, n),
          params: { alpha: f32(Number(a.alpha)) },
        } as never),
      fallback('PointwiseLeakyReluGrad'),
    ),
    unary(
      'PointwiseClippedReluGrad',
      (g, p, n, a) =>
        g.clippedRelu.backward({
          ...backwardArgs(p, n),
          params: { ceiling: f32(Number(a.ceiling)), ceilingBuffer: null },
          dceiling: null,
        } as never),
      fallback('PointwiseClippedReluGrad'),
    ),
    prelu(fallback('PointwisePreluGrad')),
  ];
}
