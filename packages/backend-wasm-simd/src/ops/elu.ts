// elu on the wasm backend: forward and backward from x use the kernel's own float32
// SIMD expm1/exp (range reduction + minimax polynomial, <= 2 ulp for every alpha and
// dy, see asm/elu.ts); backward from y is dy*(y+alpha).

import type { ActivationKernel, AlphaParams } from '@pointwise/core';
import { ptr } from '../heap.js';
import { COMPUTE_MIN, type Dispatch, N } from '../pool.js';
import type { WasmKernelExports } from '../wasm.js';

const XY = [4, 4, N, 0];
const BACK = [4, 4, 4, N, 0];

export function eluKernel(k: WasmKernelExports, d: Dispatch): ActivationKernel<AlphaParams> {
  return {
    forward: (c) =>
      d.parallel(c.size, COMPUTE_MIN)
        ? d.each('eluForward', c.size, [ptr(c.x), ptr(c.y), c.size, c.params.alpha], XY)
        : k.eluForward(ptr(c.x), ptr(c.y), c.size, c.params.alpha),
    backward(c) {
      const args = [ptr(c.dy), ptr(c.source), ptr(c.dx), c.size, c.params.alpha] as const;
      const name = c.from === 'x' ? 'eluBackwardFromX' : 'eluBackwardFromY';
      if (d.parallel(c.size, COMPUTE_MIN)) d.each(name, c.size, args, BACK);
      else k[name](...args);
    },
  };
}
