// elu on the wasm backend: forward and backward from x use the kernel's own float32
// SIMD expm1/exp (range reduction + minimax polynomial, <= 2 ulp for every alpha and
// dy, see asm/elu.ts); backward from y is dy*(y+alpha).

import type { ActivationKernel, AlphaParams } from '@pointwise/core';
import { ptr } from '../heap.js';
import type { WasmKernelExports } from '../wasm.js';

export function eluKernel(k: WasmKernelExports): ActivationKernel<AlphaParams> {
  return {
    forward: (c) => k.eluForward(ptr(c.x), ptr(c.y), c.size, c.params.alpha),
    backward: (c) =>
      c.from === 'x'
        ? k.eluBackwardFromX(ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, c.params.alpha)
        : k.eluBackwardFromY(ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, c.params.alpha),
  };
}
