// The backward kernels of relu, relu6 (clippedRelu), leakyRelu and prelu (with dslope),
// and leakyRelu's forward, on another program's WebAssembly.Memory (tfjs-wasm's Emscripten heap): the same asm sources and
// the same host wrappers (src/ops) as the backend, built as a module that imports its
// memory and has no data segment, global scratch or stack (asm/gradients.ts), so
// instantiating it writes nothing, and each call touches only the pointers it gets.
// Outputs must be padded like the backend's blocks (gradientOutputBytes); scratch
// (prelu's tables and float64 sums) comes from the caller's allocator. Published as the
// subpath `@pointwise/backend-wasm-simd/gradients` (its own small entry).

import type {
  ActivationKernel,
  AlphaParams,
  ClippedReluKernel,
  PreluKernel,
} from '@pointwise/core';
import { PointwiseError } from '@pointwise/core';
import { GRADIENTS_SHARED_WASM_BASE64, GRADIENTS_WASM_BASE64 } from './gradients.generated.js';
import type { WasmBuffer, WasmHeap } from './heap.js';
import { clippedReluKernel } from './ops/clippedRelu.js';
import { leakyReluKernel } from './ops/leakyRelu.js';
import { preluKernel } from './ops/prelu.js';
import { reluKernel } from './ops/relu.js';
import { Dispatch } from './pool.js';
import type { WasmKernelExports } from './wasm.js';

/** Bytes of memory the kernels touch past an output of n float32 (64-byte padding, then their load-ahead). */
export function gradientOutputBytes(n: number): number {
  return Math.ceil((n * 4) / 64) * 64 + STORE_AHEAD;
}

/** Bytes the kernels may read past an input of n float32 (rounded up to 64). */
export function gradientInputBytes(n: number): number {
  return Math.ceil((n * 4) / 64) * 64;
}

/** asm/common.ts STORE_AHEAD (checked against the module's storeAheadBytes() at instantiation). */
const STORE_AHEAD = 1024;

/** Where the kernels get prelu's scratch: the foreign program's allocator (byte sizes, byte offsets). */
export interface ForeignAllocator {
  malloc(bytes: number): number;
  free(ptr: number): void;
}

/**
 * A WebAssembly.Memory, named by the members this module uses, so that the published
 * declarations compile without lib.dom or @types/node (a real Memory is required at run time).
 */
export interface WasmMemoryLike {
  readonly buffer: ArrayBuffer;
  grow(delta: number): number;
}

/** The wasm-simd backward kernels bound to a foreign memory; buffers are `{ ptr }` byte offsets. */
export interface GradientKernels {
  readonly memory: WasmMemoryLike;
  readonly relu: Pick<ActivationKernel<Record<string, never>>, 'backward'>;
  /** leakyRelu forward too (tfjs-wasm's own is a scalar C loop). */
  readonly leakyRelu: Pick<ActivationKernel<AlphaParams>, 'forward' | 'backward'>;
  /** dx only: a call with a dceiling output throws KERNEL_MISSING (no ceiling-gradient kernel in the module). */
  readonly clippedRelu: Pick<ClippedReluKernel, 'backward'>;
  /** With a dslope output: a call without one throws KERNEL_MISSING (the dx-only kernels are not in the module). */
  readonly prelu: Pick<PreluKernel, 'backward'>;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const modules = new Map<boolean, WebAssembly.Module>();

/** The compiled module for a plain or shared memory (under 4 KiB: sync compile is allowed on a browser's main thread). */
function gradientModule(shared: boolean): WebAssembly.Module {
  let m = modules.get(shared);
  if (m === undefined) {
    m = new WebAssembly.Module(
      decodeBase64(shared ? GRADIENTS_SHARED_WASM_BASE64 : GRADIENTS_WASM_BASE64) as BufferSource,
    );
    modules.set(shared, m);
  }
  return m;
}

/** The part of WasmHeap the prelu and clippedRelu wrappers use, on the foreign allocator. */
class ForeignHeap {
  readonly #memory: WasmMemoryLike;
  readonly #alloc: ForeignAllocator;
  #f32 = new Float32Array(0);
  constructor(memory: WasmMemoryLike, alloc: ForeignAllocator) {
    this.#memory = memory;
    this.#alloc = alloc;
  }
  alloc(_dtype: 'float32', size: number, op = 'alloc'): WasmBuffer {
    const bytes = Math.ceil((size * 4) / 64) * 64;
    const ptr = this.#alloc.malloc(bytes);
    if (!Number.isInteger(ptr) || ptr <= 0)
      throw new PointwiseError(
        'OUT_OF_MEMORY',
        { op, arg: 'size', value: size },
        'the foreign allocator returned no memory',
      );
    return { ptr, bytes: size * 4, block: bytes };
  }
  free(buffer: WasmBuffer): void {
    this.#alloc.free(buffer.ptr);
  }
  /** A view of the memory now (taken again after any growth). */
  get f32(): Float32Array {
    const buffer = this.#memory.buffer;
    if (this.#f32.buffer !== buffer) this.#f32 = new Float32Array(buffer);
    return this.#f32;
  }
}

/**
 * Instantiates the backward kernels on `memory` (shared or not, as it is), synchronously.
 * Every pointer is a byte offset in `memory`; each output must have gradientOutputBytes(n)
 * bytes of its own, each input gradientInputBytes(n) bytes of memory (contents ignored
 * past n). One thread: the results are the backend's with `threads: 1`, bit for bit.
 */
export function gradientKernelsOnMemory(
  memory: WasmMemoryLike,
  allocator: ForeignAllocator,
): GradientKernels {
  const shared =
    typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
  const instance = new WebAssembly.Instance(gradientModule(shared), {
    env: { memory: memory as WebAssembly.Memory },
  });
  const k = instance.exports as unknown as WasmKernelExports;
  if (k.storeAheadBytes() !== STORE_AHEAD)
    throw new Error('wasm-simd: gradient module load-ahead differs from gradientOutputBytes');
  const heap = new ForeignHeap(memory, allocator) as unknown as WasmHeap;
  const d = Dispatch.single(k);
  const clippedRelu = clippedReluKernel(k, heap, d);
  const prelu = preluKernel(k, heap, d);
  return {
    memory,
    relu: reluKernel(k, d),
    leakyRelu: leakyReluKernel(k, d),
    clippedRelu: {
      backward(c) {
        if (c.dceiling !== null)
          throw notInModule('clippedRelu', 'dceiling', c.dceiling, 'a ceiling gradient');
        clippedRelu.backward(c);
      },
    },
    prelu: {
      backward(c) {
        if (c.dslope === null)
          throw notInModule('prelu', 'dslope', null, 'dx without a slope gradient');
        prelu.backward(c);
      },
    },
  };
}

/** The kernels the module leaves out (tfjs never asks for them): a typed error before any write. */
function notInModule(op: string, arg: string, value: unknown, what: string): PointwiseError {
  return new PointwiseError(
    'KERNEL_MISSING',
    { op, arg, value },
    `the in-place gradient module has no kernel for ${what}; use the wasm-simd backend's`,
  );
}
