// The whole conformance suite of @pointwise/core through the in-place gradient module
// (`@pointwise/backend-wasm-simd/gradients`, the path @pointwise/tfjs runs on tfjs-wasm's
// heap): a one-thread wasm-simd backend whose relu, leakyRelu, clippedRelu and prelu
// kernels are swapped for the module's, instantiated on the backend's own linear memory
// with the backend's heap as its allocator. Every backward case of those ops (and
// leakyRelu's forward ones) then runs through the module's instance, its host wrappers
// and its foreign-heap scratch. The module has no dx-only prelu kernel and no
// ceiling-gradient kernel (it throws KERNEL_MISSING for those: gradients.test.ts), so
// prelu without dslope and clippedRelu with dceiling stay on the backend's kernels.

import type { Backend, BackendFactory, KernelSet } from '@pointwise/core';
import { defineConformanceSuite } from '@pointwise/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WasmSimdBackend } from '../src/backend.js';
import { type ForeignAllocator, gradientKernelsOnMemory } from '../src/gradients.js';
import type { WasmBuffer } from '../src/heap.js';
import { wasmSimdBackend } from '../src/index.js';

/** Calls that went through the module, by op and direction (to show the swap took). */
const routed = new Map<string, number>();

/** `kernel`, counting its calls under `key`. */
function via<C>(key: string, kernel: (call: C) => void): (call: C) => void {
  return (call) => {
    routed.set(key, (routed.get(key) ?? 0) + 1);
    kernel(call);
  };
}

/** The backend's heap as the module's foreign allocator (byte sizes, byte offsets). */
function heapAllocator(backend: WasmSimdBackend): ForeignAllocator {
  const live = new Map<number, WasmBuffer>();
  return {
    malloc(bytes) {
      const buffer = backend.wasm.heap.alloc('float32', Math.ceil(bytes / 4), 'gradients');
      live.set(buffer.ptr, buffer);
      return buffer.ptr;
    },
    free(ptr) {
      const buffer = live.get(ptr);
      if (buffer === undefined) throw new Error(`gradients: free of unknown pointer ${ptr}`);
      live.delete(ptr);
      backend.wasm.heap.free(buffer);
    },
  };
}

/** wasm-simd (one thread) with the four ops' gradient kernels from the in-place module. */
function inPlaceGradientsBackend(): BackendFactory {
  const inner = wasmSimdBackend({ threads: 1 });
  return {
    name: 'wasm-simd (in-place gradients)',
    isAvailable: () => inner.isAvailable(),
    async create(): Promise<Backend> {
      const backend = (await inner.create()) as WasmSimdBackend;
      const g = gradientKernelsOnMemory(backend.wasm.exports.memory, heapAllocator(backend));
      const own = backend.kernels as KernelSet;
      const swapped: KernelSet = {
        ...own,
        relu: { ...own.relu, backward: via('relu.backward', g.relu.backward) },
        leakyRelu: {
          ...own.leakyRelu,
          forward: via('leakyRelu.forward', g.leakyRelu.forward),
          backward: via('leakyRelu.backward', g.leakyRelu.backward),
        },
        clippedRelu: {
          ...own.clippedRelu,
          backward: (c) =>
            c.dceiling !== null
              ? own.clippedRelu.backward(c)
              : via('clippedRelu.backward', g.clippedRelu.backward)(c),
        },
        prelu: {
          ...own.prelu,
          backward: (c) =>
            c.dslope === null ? own.prelu.backward(c) : via('prelu.backward', g.prelu.backward)(c),
        },
      };
      (backend as { kernels: Partial<KernelSet> }).kernels = swapped;
      return backend;
    },
  };
}

describe('in-place gradient module', () => {
  defineConformanceSuite(inPlaceGradientsBackend(), { describe, it, beforeAll, afterAll });
});

describe('the swap took', () => {
  it('every swapped kernel ran through the module in the suite above', () => {
    // vitest runs a file's describe blocks in order, so the suite has run by now
    for (const key of [
      'relu.backward',
      'leakyRelu.forward',
      'leakyRelu.backward',
      'clippedRelu.backward',
      'prelu.backward',
    ]) {
      expect(routed.get(key) ?? 0, key).toBeGreaterThan(5);
    }
  });
});
